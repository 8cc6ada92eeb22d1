"""Each feature's models import on their own, the way a migration, a shell or a script
reaches for them (a cycle between packages shows here, and nowhere else)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import community

PACKAGE = Path(community.__file__).parent


def test_every_models_module_imports_alone():
    modules = sorted(f"community.{path.parent.name}.models" for path in PACKAGE.glob("*/models.py"))
    assert "community.meetings.models" in modules
    running = {
        module: subprocess.Popen(
            [sys.executable, "-c", f"import {module}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for module in modules
    }
    failed = {}
    for module, process in running.items():
        output, _ = process.communicate(timeout=120)
        if process.returncode:
            failed[module] = output.strip().splitlines()[-1]
    assert failed == {}
