"""The messages workflows exchange, and the domain vocabulary they use, load without SQLAlchemy: a workflow
sandbox that imports them does not pay for (or depend on) the ORM. A fresh interpreter, because the test
process itself has long imported the tables."""
from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import models
import models.messages
import raadsbode.domain


def _modules(package) -> list[str]:
    return [f"{package.__name__}.{info.name}" for info in pkgutil.iter_modules(package.__path__)]


def test_messages_and_domain_import_without_sqlalchemy():
    names = _modules(models.messages) + _modules(raadsbode.domain)
    assert "models.messages.meeting" in names and "raadsbode.domain.vocabulary" in names
    code = (f"import importlib, sys\nfor name in {names!r}:\n    importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(models.__file__).parent.parent)  # the checkout, so `python -c` finds the packages
    assert out.stdout.strip() == "[]"
