"""Tier 5, site: Jupyter Book builds the site from book/ with warnings as errors.

The build goes to a temporary ``--path-output`` so that ``_build/`` (what ``make book`` made)
is left alone: the ``built_site`` fixture of conftest.py, which the links, browser and student
tiers of the same `make test` reuse.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import make_template

from adaptlib.book.chapters import INJECTED_TAG, Chapter
from adaptlib.book.paths import BOOK_DIR
from adaptlib.book.runner import Job, execute

pytestmark = [pytest.mark.slow, pytest.mark.site]
WARNING = re.compile(r"\b(WARNING|ERROR|CRITICAL)\b")


def test_site_builds_without_warnings(built_site):
    html, result = built_site
    log = result.stdout + result.stderr
    warnings = [line for line in log.splitlines() if WARNING.search(line)]
    assert result.returncode == 0 and not warnings, "jupyter-book build failed:\n" + "\n".join(warnings or log.splitlines()[-40:])
    assert (html / "index.html").is_file()


def test_every_page_of_book_is_rendered(built_site):
    html, _ = built_site
    pages = sorted(p for p in BOOK_DIR.iterdir() if p.suffix in (".md", ".ipynb"))
    missing = [p.name for p in pages if not (html / "book" / f"{p.stem}.html").is_file()]
    assert not missing, f"pages without HTML: {missing}"


def test_injected_parameter_cells_are_hidden(tmp_path):
    """A run with parameters carries papermill's injected cell; Jupyter Book must not show it.

    book/ holds default runs (no injected cell), so this renders a chapter run with a parameter
    in a book of its own.
    """
    template = make_template(tmp_path / "notebooks" / "01_demo.ipynb", 'alpha: float = 1.0  # a constant',
                             ["print(f'alpha is {alpha}')"])
    book = tmp_path / "book"
    job = Job(Chapter("01_demo", template), {"alpha": 0.25}, book / "01_demo.ipynb", tmp_path / "failed.ipynb")
    assert execute(job).status == "ok"
    nb = nbformat.read(str(job.output), as_version=4)
    injected = [c for c in nb.cells if INJECTED_TAG in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "alpha = 0.25" in injected[0].source
    (book / "_config.yml").write_text('title: demo\nexecute:\n  execute_notebooks: "off"\n')
    (book / "_toc.yml").write_text("format: jb-book\nroot: 01_demo\n")
    done = subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", str(book)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    page = (book / "_build" / "html" / "01_demo.html").read_text(encoding="utf-8")
    assert "alpha is 0.25" in page  # the run's output is on the page...
    assert "alpha = 0.25" not in page and "# Parameters" not in page  # ...its injected cell is not


def test_citations_resolve_to_the_bibliography(built_site):
    html, _ = built_site
    page = (html / "book" / "bibliography.html").read_text(encoding="utf-8").lower()
    assert "adaptive inference: theoretical limits and opportunities for efficient ai" in page
