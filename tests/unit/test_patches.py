"""Every workflow.patched name in the code is in the register (workflows/common/patches.py), and back."""
from __future__ import annotations

import re

from tests.support.paths import ROOT
from workflows.common.patches import PATCHES, Stage

NAME = re.compile(r'^[A-Z_]+_PATCH\s*=\s*"([a-z0-9-]+)"', re.MULTILINE)


def _patch_names_in_code() -> set[str]:
    return {name for path in (ROOT / "workflows").rglob("*.py") for name in NAME.findall(path.read_text("utf-8"))}


def test_every_patch_in_the_code_is_registered_with_a_reason_and_a_plan():
    registered = {p.name: p for p in PATCHES}
    in_code = _patch_names_in_code()
    assert in_code, "no patch constants found: the pattern no longer matches the code"
    assert in_code - set(registered) == set(), "patches missing from workflows/common/patches.py"
    for patch in registered.values():
        assert patch.reason and patch.plan and patch.workflows
    live = {name for name, p in registered.items() if p.stage is not Stage.REMOVED}
    assert live - in_code == set(), "registered as live but gone from the code: mark them removed"
