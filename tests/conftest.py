"""Shared fixtures, and the rule that ties tests to the tiers of `make test`.

Tiers select tests by marker: ``-m "not slow"`` (unit), ``-m integration``, ``-m smoke``, ``-m staleness``,
``-m site``, ``-m links``, ``-m browser``, ``-m student``. A test with a tier marker must also
be marked ``slow`` (so the unit tier leaves it out), and a ``slow`` test must carry a tier
marker (or no tier would ever run it).
"""
from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from adaptlib.book.paths import REPO_ROOT

TIER_MARKERS = ("integration", "smoke", "staleness", "site", "links", "browser", "student", "pdf")
# A folder that the tiers of one `make test` share (tools/run_tiers.py sets it): the site is
# built there once, by the first tier that needs it, and the later tiers reuse that build.
SHARED_SITE_ENV = "BOOK_TEST_SITE"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        tiers = [m for m in TIER_MARKERS if item.get_closest_marker(m)]
        slow = item.get_closest_marker("slow") is not None
        if tiers and not slow:
            raise pytest.UsageError(f"{item.nodeid}: marked {tiers[0]!r} but not 'slow'; the unit tier would run it too")
        if slow and not tiers:
            raise pytest.UsageError(f"{item.nodeid}: marked 'slow' without a tier marker ({', '.join(TIER_MARKERS)}); no tier would run it")


def make_template(path: Path, parameters: str, cells: list[str], *, markdown: str = "# A chapter") -> Path:
    """Write a small chapter template: a title, a ``parameters`` cell, then code cells."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    tagged = nbformat.v4.new_code_cell(parameters)
    tagged.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), tagged, *(nbformat.v4.new_code_cell(c) for c in cells)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


VALIDATION = (
    "from adaptlib.chapter.params import require_choice, require_number\n"
    'alpha = require_number("alpha", alpha, low=0, high=1)\n'
    'family = require_choice("family", family, ["width", "mixed"])'
)


@pytest.fixture
def book_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A throwaway notebooks/, book/ and runs/ that ``adaptlib run`` and the checks use instead of the repo's."""
    import adaptlib.book.chapters as notebooks
    import adaptlib.book.runner as runner

    layout = {name: tmp_path / name for name in ("notebooks", "book", "runs")}
    for folder in layout.values():
        folder.mkdir()
    monkeypatch.setattr(notebooks, "NOTEBOOKS_DIR", layout["notebooks"])
    monkeypatch.setattr(notebooks, "BOOK_DIR", layout["book"])
    monkeypatch.setattr(runner, "NOTEBOOKS_DIR", layout["notebooks"])
    monkeypatch.setattr(runner, "BOOK_DIR", layout["book"])
    monkeypatch.setattr(runner, "DEFAULT_OUTPUT_DIR", layout["runs"])
    return layout


@pytest.fixture
def demo_chapter(book_layout: dict[str, Path]) -> Callable[..., Path]:
    """Write ``notebooks/NN_slug.ipynb`` in the throwaway layout: alpha and family, validated."""

    def write(slug: str = "03_demo", cells: list[str] | None = None) -> Path:
        parameters = 'alpha: float = 1.0  # constant alpha, in [0, 1]\nfamily: str = "width"  # which family'
        body = [VALIDATION, *(cells if cells is not None else ["print(alpha, family)"])]
        return make_template(book_layout["notebooks"] / f"{slug}.ipynb", parameters, body)

    return write


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The site built once (``-W -n --keep-going``): (html folder, the completed build command).

    Within one `make test` the build is shared by the tiers through ``$BOOK_TEST_SITE``; run
    alone, a tier builds into a temporary folder. ``_build/`` (what `make book` made) is left alone.
    """
    shared = os.environ.get(SHARED_SITE_ENV)
    out = Path(shared) if shared else tmp_path_factory.mktemp("site")
    out.mkdir(parents=True, exist_ok=True)
    record = out / "build-result.json"
    with (out / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # pytest processes run side by side build it once
        if not record.is_file():
            jupyter_book = Path(sys.executable).with_name("jupyter-book")
            command = [str(jupyter_book), "build", str(REPO_ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"]
            done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=1200)
            saved = {"args": command, "returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
            record.write_text(json.dumps(saved), encoding="utf-8")
        saved = json.loads(record.read_text(encoding="utf-8"))
    result = subprocess.CompletedProcess(saved["args"], saved["returncode"], saved["stdout"], saved["stderr"])
    return out / "_build" / "html", result
