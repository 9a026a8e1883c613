"""The student edition: solution cells stripped (unit tier), and the edition built by
`make student` holds no solution text while keeping the exercises (tier student).

"Solution text" is measured as phrases: runs of 8 words of a solution cell (its Markdown, code
and outputs) that appear nowhere outside the solutions. The same phrases are found in the full
site (so the search can see them) and none in the student edition; phrases of the exercises
themselves are found in both.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from adaptlib.book.chapters import SOLUTION_TAG, find_chapters
from adaptlib.book.linkcheck import check_links
from adaptlib.book.paths import BOOK_DIR
from adaptlib.book.student import make_student_edition, strip_solutions, write_student_notebooks

PHRASE_WORDS = 8
WORD = re.compile(r"[a-z0-9]+")


def _notebook(*cells: tuple[str, str, list[str]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    make = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    for kind, source, tags in cells:
        cell = make[kind](source)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


EXERCISE = ("markdown", "```{exercise-start}\n:label: ex-demo-1\n```\nWhat does the oracle cost?", [])
EXERCISE_END = ("markdown", "```{exercise-end}\n```", [])
SOLUTION = [
    ("markdown", "```{solution-start} ex-demo-1\n:class: dropdown\n```\nIt costs the sum of the first-correct costs.", [SOLUTION_TAG]),
    ("code", "print(sum([1, 2, 3]))", [SOLUTION_TAG]),
    ("markdown", "```{solution-end}\n```", [SOLUTION_TAG]),
]


def test_strip_solutions_removes_exactly_the_tagged_cells():
    nb = _notebook(("markdown", "# Title", []), EXERCISE, EXERCISE_END, *SOLUTION, ("code", "x = 1", []))
    stripped, removed = strip_solutions(nb, "demo.ipynb")
    assert removed == 3
    assert [c.source for c in stripped.cells] == ["# Title", EXERCISE[1], EXERCISE_END[1], "x = 1"]
    assert len(nb.cells) == 7, "the input notebook is left as it was"


def test_an_untagged_cell_inside_a_solution_is_refused():
    untagged = [SOLUTION[0], ("code", "print('the answer')", []), SOLUTION[2]]
    nb = _notebook(EXERCISE, EXERCISE_END, *untagged)
    with pytest.raises(ValueError, match=r"demo\.ipynb: cell 3 .*inside a solution but not tagged 'solution'"):
        strip_solutions(nb, "demo.ipynb")


def test_an_untagged_one_cell_solution_directive_is_refused():
    nb = _notebook(EXERCISE, EXERCISE_END, ("markdown", "```{solution} ex-demo-1\nThe answer.\n```", []))
    with pytest.raises(ValueError, match=r"demo\.ipynb: cell 2 holds a solution directive but is not tagged 'solution'"):
        strip_solutions(nb, "demo.ipynb")


def test_student_notebooks_of_the_book_have_no_solution_cells(tmp_path):
    written, removed = write_student_notebooks(tmp_path)
    chapters = find_chapters()
    assert [p.name for p in written] == [c.template.name for c in chapters]
    tagged = 0
    for chapter, path in zip(chapters, written):
        original = nbformat.read(str(chapter.template), as_version=4)
        student = nbformat.read(str(path), as_version=4)
        solutions = [c for c in original.cells if SOLUTION_TAG in c.metadata.get("tags", [])]
        tagged += len(solutions)
        assert len(student.cells) == len(original.cells) - len(solutions)
        assert not any("{solution" in c.source for c in student.cells), f"{path.name} keeps a solution directive"
    assert removed == tagged > 0, "no chapter template has a tagged solution: nothing to strip"


def test_student_notebooks_refuse_to_overwrite_the_templates():
    from adaptlib.book.paths import NOTEBOOKS_DIR

    with pytest.raises(ValueError, match="templates' own folder"):
        write_student_notebooks(NOTEBOOKS_DIR)


# Phrases of the solutions and of the exercises, and the words of a built site.

def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _phrases(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i:i + PHRASE_WORDS]) for i in range(len(words) - PHRASE_WORDS + 1)}


def _cell_text(cell: nbformat.NotebookNode) -> str:
    lines = [line for line in cell.source.splitlines() if not line.lstrip().startswith(("```", ":::", ":"))]
    texts = ["\n".join(lines)]
    for output in cell.get("outputs", []):
        texts.append("".join(output.get("text", "")))
        texts.append("".join(output.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


def _book_phrases() -> tuple[set, set]:
    """(phrases only in solutions, phrases of the exercise questions) over book/*.ipynb."""
    solution, exercise, elsewhere = set(), set(), set()
    for path in sorted(BOOK_DIR.glob("*.ipynb")):
        for cell in nbformat.read(str(path), as_version=4).cells:
            phrases = _phrases(_cell_text(cell))
            if SOLUTION_TAG in cell.metadata.get("tags", []):
                solution |= phrases
            else:
                elsewhere |= phrases
                if "{exercise-start}" in cell.source:
                    exercise |= phrases
    return solution - elsewhere, exercise - solution


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _site_phrases(site: Path) -> set[tuple[str, ...]]:
    """Phrases of every page's text, of the search index and of the downloadable sources."""
    phrases: set = set()
    for path in site.rglob("*"):
        if path.suffix == ".html" and "_static" not in path.parts:
            parser = _Text()
            parser.feed(path.read_text(encoding="utf-8", errors="replace"))
            phrases |= _phrases(" ".join(parser.parts))
        elif path.name == "searchindex.js" or ("_sources" in path.parts and path.is_file()):
            phrases |= _phrases(path.read_text(encoding="utf-8", errors="replace"))
    return phrases


@pytest.fixture(scope="session")
def book_phrases() -> tuple[set, set]:
    solution, exercise = _book_phrases()
    if not solution:
        pytest.fail("book/ holds no solution text to look for (no executed chapter with a tagged solution)")
    return solution, exercise


@pytest.fixture(scope="session")
def student_edition(tmp_path_factory):
    return make_student_edition(tmp_path_factory.mktemp("student"))


@pytest.mark.slow
@pytest.mark.student
def test_solution_phrases_are_visible_in_the_full_site(built_site, book_phrases):
    html, _ = built_site
    solution, exercise = book_phrases
    site = _site_phrases(html)
    assert solution & site, "the full site shows none of the solution phrases: this search could not see a leak"
    assert exercise & site


@pytest.mark.slow
@pytest.mark.student
def test_student_site_holds_no_solution_text(student_edition, book_phrases):
    solution, exercise = book_phrases
    site = _site_phrases(student_edition.site)
    leaked = sorted(" ".join(p) for p in solution & site)
    assert not leaked, f"{len(leaked)} solution phrase(s) in the student site, e.g. {leaked[:5]}"
    assert exercise & site, "the student site lost the exercises too"
    pages = [p for p in student_edition.site.rglob("*.html") if "_static" not in p.parts]
    assert not [p.name for p in pages if 'class="solution' in p.read_text(encoding="utf-8")]


@pytest.mark.slow
@pytest.mark.student
def test_student_notebooks_hold_no_solution_text(student_edition, book_phrases):
    solution, exercise = book_phrases
    text = "\n".join(_cell_text(c) for p in student_edition.notebooks for c in nbformat.read(str(p), as_version=4).cells)
    phrases = _phrases(text)
    assert not solution & phrases
    assert exercise & phrases


@pytest.mark.slow
@pytest.mark.student
def test_student_site_links_resolve(student_edition):
    report = check_links(student_edition.site)
    assert not report.broken, report.summary()


@pytest.mark.slow
@pytest.mark.student
def test_student_edition_keeps_every_check_and_its_message(student_edition):
    from adaptlib.exercises import exercises

    checked = [label for label, item in exercises().items() if item.checks_itself]
    assert checked, "no exercise checks itself"
    notebooks = "\n".join(p.read_text(encoding="utf-8") for p in student_edition.notebooks)
    missing = [label for label in checked if f'check(\\"{label}\\"' not in notebooks]
    assert not missing, f"the student notebooks lost the checks of {missing}"
    pages = " ".join(p.read_text(encoding="utf-8") for p in student_edition.site.rglob("*.html") if "_static" not in p.parts)
    unseen = [label for label in checked if f"{label}: missing." not in pages]
    assert not unseen, f"the student site does not show the check's message of {unseen}"
