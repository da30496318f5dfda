"""The layer check (tools/layers.py) passes on the code, and fails on what it is there to catch."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tools.layers import ALLOWED, Allowed, check

ROOT = Path(__file__).resolve().parents[2]


def test_the_code_keeps_to_the_layers() -> None:
    run = subprocess.run([sys.executable, "-m", "tools.layers"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_allowed_exception_says_why_and_what_next() -> None:
    for entry in ALLOWED:
        assert entry.why.strip() and entry.plan.strip(), entry


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


PACKAGES = {name: "" for name in (
    "raadsbode/__init__.py", "raadsbode/domain/__init__.py", "raadsbode/store/__init__.py",
    "raadsbode/services/__init__.py", "models/__init__.py", "models/messages/__init__.py",
    "workflows/__init__.py", "activities/__init__.py", "web/__init__.py",
)}


def test_a_lazy_import_upwards_fails_with_file_line_and_rule(tmp_path: Path) -> None:
    root = write(tmp_path, {**PACKAGES, "raadsbode/services/start.py": "X = 1\n",
                            "raadsbode/store/rows.py": "import json\n\n\ndef f():\n    from raadsbode.services.start import X\n"})
    assert check(root, ()) == [
        "raadsbode/store/rows.py:5: raadsbode.store.rows → raadsbode.services.start: "
        "layer order: core (2) may not import services (4)"]


def test_a_type_only_import_counts(tmp_path: Path) -> None:
    root = write(tmp_path, {**PACKAGES, "web/page.py": "X = 1\n", "raadsbode/domain/rules.py": (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from web.page import X\n")})
    problems = check(root, ())
    assert any("raadsbode/domain/rules.py:3: raadsbode.domain.rules → web.page: domain is pure" in p for p in problems)
    assert any("layer order: domain (0) may not import entry (5)" in p for p in problems)


def test_workflow_and_message_rules(tmp_path: Path) -> None:
    root = write(tmp_path, {**PACKAGES, "raadsbode/settings.py": "X = 1\n",
                            "workflows/flow.py": "from raadsbode.settings import X\nimport httpx\n",
                            "models/messages/m.py": "import sqlmodel\n",
                            "activities/a.py": "import workflows.flow\n"})
    problems = "\n".join(check(root, ()))
    assert "workflows/flow.py:1: workflows.flow → raadsbode.settings: workflows import only" in problems
    assert "workflows/flow.py:2: workflows.flow → httpx: workflows import only" in problems
    assert "models/messages/m.py:1: models.messages.m → sqlmodel: models.messages are plain dataclasses" in problems
    assert "activities/a.py:1: activities.a → workflows.flow: activities never import workflows" in problems


def test_a_package_cycle_fails_and_an_allowed_import_breaks_it(tmp_path: Path) -> None:
    root = write(tmp_path, {**PACKAGES, "raadsbode/services/alv/__init__.py": "",
                            "raadsbode/services/alv/actions.py": "from raadsbode.services.meeting import actions\n",
                            "raadsbode/services/meeting/__init__.py": "",
                            "raadsbode/services/meeting/actions.py": "from raadsbode.services.alv.actions import *\n"})
    problems = check(root, ())
    assert len(problems) == 2
    assert all("package cycle: raadsbode.services.alv ⇄ raadsbode.services.meeting" in p for p in problems)
    allowed = (Allowed("raadsbode.services.meeting.actions", "raadsbode.services.alv.actions", "why", "plan"),)
    assert check(root, allowed) == []


def test_an_allowed_entry_that_matches_nothing_fails(tmp_path: Path) -> None:
    root = write(tmp_path, dict(PACKAGES))
    problems = check(root, (Allowed("web.x", "models.y", "why", "plan"),))
    assert problems == ["tools/layers.py: ALLOWED web.x → models.y matches no import: remove it"]


def test_a_module_in_no_layer_fails(tmp_path: Path) -> None:
    root = write(tmp_path, {**PACKAGES, "raadsbode/newthing.py": ""})
    assert check(root, ()) == ["raadsbode/newthing.py:1: raadsbode.newthing: in no layer: add it to LAYERS"]
