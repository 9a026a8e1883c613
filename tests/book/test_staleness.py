"""Tier 4, staleness: book/ holds fresh default runs of the current templates, listed in the toc.

The tests marked ``staleness`` check the repository's own notebooks; the unmarked ones (unit
tier) check that the checks themselves catch what they should, on throwaway notebooks.
"""
from __future__ import annotations

import fnmatch
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import VALIDATION, make_template

from adaptlib.book.chapters import Chapter, find_chapters, normalise_executed, staleness_problems, template_problems
from adaptlib.book.paths import BOOK_DIR, NOTEBOOKS_DIR, REPO_ROOT

CHAPTERS = find_chapters(NOTEBOOKS_DIR)
NO_CHAPTERS = pytest.mark.skip(reason="no chapter templates in notebooks/ yet")
tier = [pytest.mark.slow, pytest.mark.staleness]


def per_chapter():
    return [pytest.param(c, id=c.slug, marks=tier) for c in CHAPTERS] or [pytest.param(None, id="none", marks=[*tier, NO_CHAPTERS])]


@pytest.mark.parametrize("chapter", per_chapter())
def test_template_is_well_formed(chapter):
    problems = template_problems(chapter)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("chapter", per_chapter())
def test_executed_copy_is_fresh(chapter):
    problems = staleness_problems(chapter)
    assert not problems, "\n".join(problems)


@pytest.mark.slow
@pytest.mark.staleness
def test_every_executed_notebook_has_a_template():
    templates = {c.slug for c in CHAPTERS}
    orphans = sorted(p.name for p in BOOK_DIR.glob("*.ipynb") if p.stem not in templates)
    assert not orphans, f"book/ holds {orphans} with no template in notebooks/: remove them or add the template"


@pytest.mark.slow
@pytest.mark.staleness
def test_table_of_contents_lists_every_page_of_book():
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text())
    files, globs = [toc["root"]], []
    for part in toc.get("parts", []):
        for entry in part.get("chapters", []):
            files += [entry["file"]] if "file" in entry else []
            globs += [entry["glob"]] if "glob" in entry else []
    for name in files:
        assert any((REPO_ROOT / f"{name}{s}").is_file() for s in (".md", ".ipynb")), f"_toc.yml lists {name}, which does not exist"
    pages = sorted(p.relative_to(REPO_ROOT).with_suffix("").as_posix() for p in BOOK_DIR.glob("*") if p.suffix in (".md", ".ipynb"))
    unlisted = [p for p in pages if p not in files and not any(fnmatch.fnmatch(p, g) for g in globs)]
    assert not unlisted, f"pages of book/ missing from _toc.yml (the site would leave them out): {unlisted}"


# --------------------------------------------------------------- the checks catch problems
def _executed(tmp_path: Path, template: Path, edit=None) -> Path:
    """A fake executed copy of ``template``: cells run in order, as the runner would save it."""
    nb = nbformat.read(str(template), as_version=4)
    for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        cell.execution_count = count
    nb.metadata["language_info"] = {"name": "python", "version": "{}.{}.0".format(*__import__("sys").version_info[:2])}
    from importlib.metadata import version

    nb.metadata["papermill"] = {"parameters": {}, "default_parameters": {}, "environment_variables": {}, "version": version("papermill")}
    nb = normalise_executed(nb, template=template, output=tmp_path / "book" / template.name)
    if edit:
        edit(nb)
    out = tmp_path / "book" / template.name
    out.parent.mkdir(exist_ok=True)
    nbformat.write(nb, str(out))
    return out


@pytest.fixture
def chapter(tmp_path):
    parameters = 'alpha: float = 1.0  # in [0, 1]\nfamily: str = "width"  # family'
    template = make_template(tmp_path / "notebooks" / "03_demo.ipynb", parameters, [VALIDATION, "print(alpha)"])
    return Chapter("03_demo", template)


def test_a_faithful_copy_is_fresh(chapter, tmp_path):
    assert staleness_problems(chapter, _executed(tmp_path, chapter.template)) == []
    assert template_problems(chapter) == []


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda nb: setattr(nb.cells[3], "source", "print(alpha + 1)"), "cell 3 differs from the template"),
        (lambda nb: nb.cells.pop(), "has 3 cells, its template 4"),
        (lambda nb: nb.cells[3].metadata.update(tags=["remove-input"]), "cell 3 metadata"),
        (lambda nb: setattr(nb.cells[3], "execution_count", None), "not all executed once"),
        (lambda nb: nb.cells[3].outputs.append(nbformat.v4.new_output("error", ename="KeyError", evalue="'x'", traceback=[])), "holds an error: KeyError: 'x'"),
        (lambda nb: nb.cells[3].outputs.append(nbformat.v4.new_output("stream", name="stderr", text="DeprecationWarning: old\n")), "wrote to stderr: DeprecationWarning"),
        (lambda nb: nb.cells[3].outputs.append(nbformat.v4.new_output("stream", name="stdout", text=f"{REPO_ROOT}/data/x.csv\n")), "shows a path of this machine"),
        (lambda nb: nb.cells[3].outputs.append(nbformat.v4.new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})), "without `mystnb: figure: caption/name`"),
        (lambda nb: nb.cells[3].outputs.append(nbformat.v4.new_output("stream", name="stdout", text="Eq. 9 == Eq. 8: True\n")), "prints 1 bare True/False line(s)"),
        (lambda nb: nb.cells[3].outputs.append(nbformat.v4.new_output("execute_result", data={"text/plain": "False"}, execution_count=2)), "prints 1 bare True/False"),
        (lambda nb: nb.metadata.papermill.update(parameters={"alpha": 0.5}), "was run with alpha = 0.5, not the default 1.0"),
        (lambda nb: nb.metadata.papermill.update(parameters={"beta": 2}), "parameter 'beta', which the template no longer declares"),
        (lambda nb: nb.metadata.papermill.update(start_time="2024-01-01T00:00:00"), "holds run times (start_time)"),
        (lambda nb: nb.metadata.language_info.update(version="3.9.1"), "executed with Python 3.9.1"),
        (lambda nb: nb.metadata.papermill.update(version="2.0.0"), "executed by papermill 2.0.0"),
        (lambda nb: nb.metadata.papermill.update(input_path="notebooks/other.ipynb"), "was executed from 'notebooks/other.ipynb'"),
    ],
)
def test_staleness_is_caught(chapter, tmp_path, edit, expected):
    problems = staleness_problems(chapter, _executed(tmp_path, chapter.template, edit))
    assert any(expected in p for p in problems), problems


def test_equal_default_given_explicitly_is_not_stale(chapter, tmp_path):
    def explicit(nb):
        nb.metadata.papermill["parameters"] = {"alpha": 1, "family": "width"}  # 1 == 1.0

    assert staleness_problems(chapter, _executed(tmp_path, chapter.template, explicit)) == []


def test_missing_copy_says_how_to_make_it(chapter, tmp_path):
    assert staleness_problems(chapter, tmp_path / "book" / "nothing.ipynb") == [
        "nothing.ipynb is missing: run `adaptlib run 03_demo --to-book`"
    ]


@pytest.mark.parametrize(
    ("parameters", "cells", "expected"),
    [
        ("alpha: float | None = 1.0  # in [0, 1]", ["require_number('alpha', alpha)"], "papermill cannot read parameter(s) alpha"),
        ("alpha: float = 1.0  # in [0, 1]", ["print(alpha)"], "must validate them with adaptlib.chapter.params"),
        ("alpha: float = 1.0\nbeta: int = 2", ["require_number('alpha', alpha)"], "does not check beta"),
        ("alpha: float = 1.0", ["require_number('alpha', alpha)", "glue('x', alpha)"], "cell 3 shows a glue( call"),
        ("alpha: float = 1.0", ["require_number('alpha', alpha)", "\n".join(["x = 1"] * 26)], "cell 3 shows 26 lines of code"),
    ],
)
def test_template_problems_are_caught(tmp_path, parameters, cells, expected):
    template = make_template(tmp_path / "03_demo.ipynb", parameters, cells)
    problems = template_problems(Chapter("03_demo", template))
    assert any(expected in p for p in problems), problems


def test_plumbing_in_a_cell_kept_off_the_page_is_fine(tmp_path):
    template = make_template(tmp_path / "03_demo.ipynb", "alpha: float = 1.0",
                             ["require_number('alpha', alpha)", "glue('x', alpha)\n" + "\n".join(["x = 1"] * 30)])
    nb = nbformat.read(str(template), as_version=4)
    nb.cells[3].metadata["tags"] = ["remove-cell"]
    nbformat.write(nb, str(template))
    assert template_problems(Chapter("03_demo", template)) == []


def test_outputs_in_a_template_and_untagged_solutions_are_caught(tmp_path):
    template = make_template(tmp_path / "03_demo.ipynb", "alpha: float = 1.0", ["require_number('alpha', alpha)", "x = 2"])
    nb = nbformat.read(str(template), as_version=4)
    nb.cells[2].execution_count = 1
    start = nbformat.v4.new_markdown_cell("```{solution-start} ex-1\n:class: dropdown\n```")
    start.metadata["tags"] = ["solution"]
    end = nbformat.v4.new_markdown_cell("```{solution-end}\n```")
    nb.cells[3:3] = [start]
    nb.cells.append(end)
    nbformat.write(nb, str(template))
    problems = template_problems(Chapter("03_demo", template))
    assert any("cell 2 has outputs or an execution count" in p for p in problems), problems
    assert any("cell 4 (x = 2) is inside a solution but not tagged 'solution'" in p for p in problems), problems
    assert any("cell 5 (```{solution-end}) is inside a solution but not tagged" in p for p in problems), problems


@pytest.mark.slow
@pytest.mark.integration
def test_nbval_compares_text_outputs_after_the_sanitize_file(tmp_path):
    """Tier 3's settings: an object address is sanitised away, a changed number is not."""
    import subprocess
    import sys

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    shown = nbformat.v4.new_code_cell("print(object())", execution_count=1)
    shown.outputs = [nbformat.v4.new_output("stream", name="stdout", text="<object object at 0x7f00deadbeef>\n")]
    wrong = nbformat.v4.new_code_cell("print(1 + 1)", execution_count=2)
    wrong.outputs = [nbformat.v4.new_output("stream", name="stdout", text="3\n")]
    nb.cells = [shown, wrong]
    nbformat.write(nb, str(tmp_path / "check.ipynb"))
    command = [sys.executable, "-m", "pytest", "-p", "adaptlib.book.kernels", "--nbval", "--nbval-current-env", "-o", "addopts=-rf",
               "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
               "--nbval-sanitize-with", str(REPO_ROOT / "tests" / "nbval_sanitize.cfg"), "check.ipynb"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "1 failed, 1 passed" in result.stdout, result.stdout[-2000:]
    assert "FAILED check.ipynb::Cell 1" in result.stdout, result.stdout[-2000:]  # the changed number, not the address
