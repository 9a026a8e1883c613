"""Which chapters a change re-executes: each template's imports of adaptlib, followed through.

``make book`` passes the files that changed since the last run (``$?``); a chapter runs again
when its template changed, or a module of adaptlib it imports, directly or through other
modules (imports inside functions included). A change of the data or of the installed stack
runs every chapter; a change of ``adaptlib/book/`` (the machinery, which no chapter imports)
runs none.

    python -m adaptlib.book.deps FILE...     # prints the chapters to run, one slug per line
"""
from __future__ import annotations

import ast
import json
import sys
from functools import cache
from pathlib import Path

from adaptlib.book.chapters import find_chapters
from adaptlib.book.paths import NOTEBOOKS_DIR, REPO_ROOT

PACKAGE_DIR = REPO_ROOT / "adaptlib"


def imported_modules(source: str) -> set[str]:
    """The adaptlib modules a piece of Python names in its imports (``from adaptlib.x import y``
    counts ``adaptlib.x`` and, when it is a module, ``adaptlib.x.y``)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "adaptlib"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.split(".")[0] == "adaptlib":
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names if module_file(f"{node.module}.{a.name}")}
    return found


def module_file(module: str) -> Path | None:
    """The source file of an adaptlib module or package, None if it is not one."""
    path = REPO_ROOT.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def closure(module: str) -> frozenset[Path]:
    """The files of ``module``, of its parent packages and of everything they import."""
    files: set[Path] = set()
    todo = [module]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__ too
            prefix = ".".join(parts[:i])
            if prefix in seen:
                continue
            seen.add(prefix)
            path = module_file(prefix)
            if path is not None:
                files.add(path)
                todo.extend(imported_modules(path.read_text(encoding="utf-8")))
    return frozenset(files)


def chapter_dependencies(template: Path) -> frozenset[Path]:
    """Every adaptlib file that executing ``template`` imports."""
    cells = json.loads(template.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    files: set[Path] = set()
    for module in imported_modules(code):
        files |= closure(module)
    return frozenset(files)


def chapters_to_run(changed: list[str]) -> list[str]:
    """The slugs of the chapters that ``changed`` (paths, relative to the repository) affects."""
    chapters = find_chapters(NOTEBOOKS_DIR)
    paths = {(REPO_ROOT / c).resolve() for c in changed}
    if any(p.is_relative_to(REPO_ROOT / "data") or p.name in (".installed", "pyproject.toml") for p in paths):
        return [c.slug for c in chapters]
    return [c.slug for c in chapters
            if c.template.resolve() in paths or paths & {p.resolve() for p in chapter_dependencies(c.template)}]


def main(argv: list[str] | None = None) -> int:
    print("\n".join(chapters_to_run(sys.argv[1:] if argv is None else argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
