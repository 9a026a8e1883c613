"""The student edition: the book without the solutions of its exercises, ready to hand out.

    make student                  # = adaptlib student
    adaptlib student --output-dir handout --no-site

Writes ``student/notebooks/NN_slug.ipynb``: the chapter templates (outputs already stripped)
without the cells tagged ``solution`` (a chapter tags every cell from a ``solution-start`` to
its ``solution-end``), and ``student/site/``: the site built from the executed chapters with
those cells removed too and sphinx-exercise's ``hide_solutions`` on. Removing the cells before
the build also keeps the solutions out of the site's search index and of the ``.ipynb`` a
reader downloads, and avoids sphinx-exercise crashing on a hidden gated solution
(executablebooks/sphinx-exercise issue 89). A chapter whose solution cells are not all tagged
is refused, since its student copy would leak them.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from adaptlib.book.chapters import SOLUTION_TAG, _solution_problems, find_chapters
from adaptlib.book.paths import BOOK_DIR, NOTEBOOKS_DIR, REPO_ROOT
from adaptlib.book.site import build_site

STUDENT_DIR = REPO_ROOT / "student"
CONFIG = REPO_ROOT / "_config.yml"
TOC = REPO_ROOT / "_toc.yml"
# A sphinx-exercise solution in any form: ```{solution} ..., ```{solution-start} ..., :::{solution}.
SOLUTION_DIRECTIVE = re.compile(r"\{solution(-start)?\}")
# Top-level entries a page may link to besides book/ (their own files are excluded from the build).
_NOT_LINKED = {"book", "_config.yml", "_toc.yml", "_build", ".git", ".venv", "student", "runs", "test-artifacts"}


@dataclass(frozen=True)
class StudentEdition:
    notebooks: list[Path]
    site: Path | None
    removed_cells: int


def is_solution(cell: nbformat.NotebookNode) -> bool:
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def solution_problems(nb: nbformat.NotebookNode, where: str) -> list[str]:
    """Solutions that stripping the ``solution`` cells would leave behind (empty: none).

    The gated form must be tagged from start to end (the rule ``adaptlib.book.chapters`` checks for
    templates); a one-cell ``{solution}`` directive must sit in a tagged cell.
    """
    problems = _solution_problems(nb, where)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and SOLUTION_DIRECTIVE.search(cell.source) and not is_solution(cell):
            problem = f"{where}: cell {index} holds a solution directive but is not tagged {SOLUTION_TAG!r}"
            if not any(p.startswith(f"{where}: cell {index} ") for p in problems):
                problems.append(problem)
    return problems


def strip_solutions(nb: nbformat.NotebookNode, where: str) -> tuple[nbformat.NotebookNode, int]:
    """A copy of ``nb`` without its ``solution`` cells, and how many were removed.

    Raises ValueError when a solution is not fully tagged (``where`` names the notebook).
    """
    problems = solution_problems(nb, where)
    if problems:
        raise ValueError(
            "; ".join(problems) + f" (tag every cell from solution-start to solution-end {SOLUTION_TAG!r})"
        )
    stripped = nbformat.from_dict(nb)  # a deep copy
    kept = [cell for cell in stripped.cells if not is_solution(cell)]
    removed = len(stripped.cells) - len(kept)
    stripped.cells = kept
    return stripped, removed


def write_student_notebooks(out_dir: Path, notebooks_dir: Path = NOTEBOOKS_DIR) -> tuple[list[Path], int]:
    """Every chapter template without its solutions, into ``out_dir``; (files, cells removed)."""
    chapters = find_chapters(notebooks_dir)
    if not chapters:
        raise ValueError(f"notebooks_dir {notebooks_dir} holds no chapter template NN_slug.ipynb")
    out_dir = Path(out_dir)
    if out_dir.resolve() == Path(notebooks_dir).resolve():
        raise ValueError(f"output folder {out_dir} is the templates' own folder; choose another --output-dir")
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.ipynb"):  # chapters removed since the last edition
        old.unlink()
    written, removed = [], 0
    for chapter in chapters:
        nb = nbformat.read(str(chapter.template), as_version=4)
        stripped, count = strip_solutions(nb, f"{chapter.template.parent.name}/{chapter.template.name}")
        target = out_dir / chapter.template.name
        nbformat.write(stripped, str(target))
        written.append(target)
        removed += count
    return written, removed


def _student_source(source_root: Path, book_dir: Path, work: Path) -> tuple[Path, int]:
    """A copy of the book's source with solutions removed, in ``work``; (its root, cells removed)."""
    root = work / "source"
    (root / "book").mkdir(parents=True)
    removed = 0
    for path in sorted(book_dir.rglob("*")):
        target = root / "book" / path.relative_to(book_dir)
        if path.is_dir():
            target.mkdir(exist_ok=True)
        elif path.suffix == ".ipynb":
            stripped, count = strip_solutions(nbformat.read(str(path), as_version=4), f"book/{path.name}")
            nbformat.write(stripped, str(target))
            removed += count
        elif path.suffix == ".md" and SOLUTION_DIRECTIVE.search(path.read_text(encoding="utf-8")):
            raise ValueError(f"book/{path.name} holds a solution directive; put exercises with solutions in a chapter notebook")
        else:
            shutil.copy2(path, target)
    config = yaml.safe_load((source_root / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"{config.get('title', 'The book')} (student edition)"
    config.setdefault("sphinx", {}).setdefault("config", {})["hide_solutions"] = True
    (root / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    shutil.copy2(source_root / "_toc.yml", root / "_toc.yml")
    for entry in source_root.iterdir():  # files a page may link to outside book/ (data, ...)
        if entry.name not in _NOT_LINKED and not entry.name.startswith("."):
            (root / entry.name).symlink_to(entry.resolve())
    return root, removed


def build_student_site(out_dir: Path, *, source_root: Path = REPO_ROOT, book_dir: Path = BOOK_DIR) -> tuple[Path, int]:
    """Build the student site into ``out_dir`` (replaced); (the site folder, cells removed)."""
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="student-build-") as scratch:
        source, removed = _student_source(Path(source_root), Path(book_dir), Path(scratch))
        html = build_site(source, Path(scratch) / "out", log=Path(scratch) / "build.log")
        if out_dir.exists():
            if not (out_dir / "index.html").is_file() and any(out_dir.iterdir()):
                raise ValueError(f"{out_dir} exists and is not a built site; choose another --output-dir")
            shutil.rmtree(out_dir)
        shutil.copytree(html, out_dir)
    return out_dir, removed


def make_student_edition(out_dir: Path = STUDENT_DIR, *, site: bool = True) -> StudentEdition:
    """``out_dir/notebooks`` (templates without solutions) and, with ``site``, ``out_dir/site``."""
    out_dir = Path(out_dir)
    notebooks, removed = write_student_notebooks(out_dir / "notebooks")
    site_dir = None
    if site:
        site_dir, _ = build_student_site(out_dir / "site")
    return StudentEdition(notebooks, site_dir, removed)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "student", help="write the student edition: templates and site without solutions",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("--output-dir", type=Path, default=STUDENT_DIR, help="where to write it (default student/)")
    parser.add_argument("--no-site", action="store_true", help="only the notebooks, no site build")
    parser.set_defaults(func=_main)


def _main(args: argparse.Namespace) -> int:
    try:
        edition = make_student_edition(args.output_dir, site=not args.no_site)
    except RuntimeError as err:  # the site build failed: its warnings say why
        print(f"adaptlib student: {err}")
        return 1
    folder = edition.notebooks[0].parent
    print(f"{len(edition.notebooks)} chapter templates without solutions ({edition.removed_cells} cells removed) in {folder}")
    if edition.site is not None:
        print(f"student site in {edition.site} (open {edition.site / 'index.html'})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m adaptlib.book.student``: the same as ``adaptlib student``."""
    from adaptlib.cli import main as adaptlib_main

    return adaptlib_main(["student", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
