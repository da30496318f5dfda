"""Where the tests' files are, so a test module can move between tests/ folders without its paths breaking."""
from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
HISTORIES = TESTS / "histories"
DATA = TESTS / "data"
ARTIFACTS = TESTS / "artifacts"  # screenshots of the browser tests; ignored by git
