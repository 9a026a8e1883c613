"""Tier 5, site: Jupyter Book builds the site from book/ with warnings as errors.

The build goes to a temporary ``--path-output`` so that ``_build/`` (what ``make book`` made)
is left alone: the ``built_site`` fixture of conftest.py, which the links, browser and student
tiers of the same `make test` reuse.
"""
from __future__ import annotations

import re

import nbformat
import pytest

from adaptlib.notebooks import INJECTED_TAG
from adaptlib.paths import BOOK_DIR

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


def test_injected_parameter_cells_are_hidden(built_site):
    html, _ = built_site
    for path in sorted(BOOK_DIR.glob("*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            if INJECTED_TAG in cell.metadata.get("tags", []):
                page = (html / "book" / f"{path.stem}.html").read_text(encoding="utf-8")
                assert "# Parameters" not in page, f"{path.name}: the injected-parameters cell shows on the site"


def test_citations_resolve_to_the_bibliography(built_site):
    html, _ = built_site
    page = (html / "book" / "bibliography.html").read_text(encoding="utf-8").lower()
    assert "adaptive inference: theoretical limits and opportunities for efficient ai" in page
