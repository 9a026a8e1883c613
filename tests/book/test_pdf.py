"""Tier pdf: the book and its student edition as PDFs (Jupyter Book's LaTeX builder, XeLaTeX),
read back with pdftotext: every chapter, Table 1 and Table 2 are there, no reference is left
unresolved, the cells the site hides are hidden, and the student edition has no solution."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from adaptlib.book.paths import REPO_ROOT
from adaptlib.book.pdf import (
    build_pdf,
    build_student_pdf,
    chapter_titles,
    missing_tools,
    page_count,
    pdf_problems,
    pdf_text,
)

pytestmark = [pytest.mark.slow, pytest.mark.pdf]
SOLUTION_TITLE = "Solution to Exercise"


@pytest.fixture(scope="module", autouse=True)
def tex_installed() -> None:
    if missing_tools():
        pytest.fail(f"missing {', '.join(missing_tools())}: run `make tex` (Debian's TeX packages)")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """Both editions, built at once (two LaTeX runs on two cores)."""
    out = tmp_path_factory.mktemp("pdf")
    with ThreadPoolExecutor(2) as pool:
        book = pool.submit(build_pdf, REPO_ROOT, out / "book.pdf", log=out / "book.log")
        student = pool.submit(build_student_pdf, out / "student.pdf", log=out / "student.log")
        return {"book": book.result(), "student": student.result()}


@pytest.fixture(scope="module")
def book_pdf(pdfs) -> Path:
    return pdfs["book"]


@pytest.fixture(scope="module")
def student_pdf(pdfs) -> Path:
    return pdfs["student"]


def test_the_pdf_holds_every_chapter_both_tables_and_no_unresolved_reference(book_pdf: Path):
    titles = chapter_titles()
    assert len(titles) == 10
    problems = pdf_problems(pdf_text(book_pdf), titles)
    assert not problems, "\n".join(problems)
    pages = page_count(book_pdf)
    print(f"book PDF: {pages} pages")
    assert pages >= 100, f"only {pages} pages"


def test_the_pdf_hides_what_the_site_hides_and_keeps_the_solutions(book_pdf: Path):
    text = pdf_text(book_pdf)
    assert "use_book_style()" not in text, "the imports cell (tag remove-cell) is in the PDF"
    assert "glue(" not in text, "a glue cell (tag remove-cell) is in the PDF"
    assert "holds" in text and SOLUTION_TITLE in text


def test_the_student_pdf_has_the_exercises_and_no_solution(book_pdf: Path, student_pdf: Path):
    text = pdf_text(student_pdf)
    assert SOLUTION_TITLE not in text
    assert "Exercise 1.1" in text and not pdf_problems(text, chapter_titles())
    assert page_count(student_pdf) < page_count(book_pdf)


def test_the_checks_catch_a_missing_chapter_an_unresolved_reference_and_an_unnumbered_theorem():
    problems = pdf_problems("1 The Oracle Agent ... see ?? ... Table 1 ... Theorem (Eq. 5) The Oracle",
                            ["The Oracle Agent", "Beyond the oracle"])
    assert "chapter title missing: 'Beyond the oracle'" in problems
    assert "Table 2 missing" in problems
    assert any(p.startswith("unresolved reference") for p in problems)
    assert any(p.startswith("unnumbered theorem: Theorem (Eq. 5)") for p in problems)
    assert not pdf_problems("Table 1 Table 2 Theorem 9.1 (Eq. 5) and Proposition 5.1 (The point)", [])
