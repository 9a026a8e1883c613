"""The repository's conventions, as pre-commit runs them: ruff is clean on the code, the chapter
templates are stored stripped (nbstripout), and the hooks pin the versions of the lock."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from adaptlib.book.paths import NOTEBOOKS_DIR, REPO_ROOT

BIN = Path(sys.executable).parent
LOCK = dict(line.split("==", 1) for line in (REPO_ROOT / "requirements.lock").read_text().splitlines()
            if "==" in line and not line.startswith("#"))


def _hooks() -> dict[str, dict]:
    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text())
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def test_the_hooks_pin_the_locked_versions_and_cover_what_they_should():
    hooks = _hooks()
    assert set(hooks) == {"ruff", "nbstripout"}
    for name, hook in hooks.items():
        assert hook["additional_dependencies"] == [f"{name}=={LOCK[name]}"]
    templates_only = hooks["nbstripout"]["files"]
    assert re.match(templates_only, "notebooks/01_state_space.ipynb")
    assert not re.match(templates_only, "book/01_state_space.ipynb"), "book/ keeps its outputs"
    assert all(re.match(hooks["ruff"]["files"], f"{d}/x.py") for d in ("adaptlib", "tests", "tools"))


def test_ruff_is_clean():
    result = subprocess.run([str(BIN / "ruff"), "check", "adaptlib", "tests", "tools", "benchmarks"],
                            cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_templates_are_stored_as_nbstripout_leaves_them():
    templates = sorted(str(p) for p in NOTEBOOKS_DIR.glob("*.ipynb"))
    result = subprocess.run([str(BIN / "nbstripout"), "--keep-id", "--verify", *templates],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
