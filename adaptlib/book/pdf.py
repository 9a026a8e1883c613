"""The book as one PDF, through Jupyter Book's LaTeX builder (XeLaTeX), and its checks.

    python -m adaptlib.book.pdf                    # _build/pdf/adaptive-inference-book.pdf
    python -m adaptlib.book.pdf --student          # the student edition, without solutions

``make pdf`` runs both after installing Debian's TeX packages when they are missing. The PDF
renders the executed chapters of ``book/`` as the site does: cells the site hides (tags
``remove-cell``, ``remove-input``) are hidden here too, tables print in their text form, code
lines wrap at the margin. :func:`pdf_problems` reads the PDF back with ``pdftotext``: every
chapter title, Table 1 and Table 2 are there, and no reference is left unresolved ("??").
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from adaptlib.book.paths import REPO_ROOT
from adaptlib.book.site import jupyter_book_command

PDF_DIR = REPO_ROOT / "_build" / "pdf"
PDF_NAME = "adaptive-inference-book.pdf"
STUDENT_PDF_NAME = "adaptive-inference-book-student.pdf"
# What the build and the checks need: XeLaTeX and latexmk (texlive-xetex, latexmk), the
# packages Sphinx's LaTeX uses (texlive-latex-extra), the FreeFont faces XeLaTeX sets the text
# in (fonts-freefont-otf) and pdftotext/pdfinfo (poppler-utils).
TEX_TOOLS = ("xelatex", "latexmk", "pdftotext", "pdfinfo")
DEBIAN_PACKAGES = ("texlive-latex-extra", "texlive-xetex", "latexmk", "texlive-fonts-recommended",
                   "fonts-freefont-otf", "poppler-utils")
UNRESOLVED = re.compile(r"\?\?")
# A theorem-like box whose number is missing: "Theorem (Eq. 5)" where the site says "Theorem 9.1".
UNNUMBERED = re.compile(r"\b(Theorem|Lemma|Proposition|Corollary|Definition|Assumption) \(")


def missing_tools() -> list[str]:
    return [tool for tool in TEX_TOOLS if shutil.which(tool) is None]


def _require_tools() -> None:
    missing = missing_tools()
    if missing:
        raise RuntimeError(f"missing {', '.join(missing)}: run `make pdf` (it installs "
                           f"{' '.join(DEBIAN_PACKAGES)} with apt-get) or install them yourself")


def build_pdf(source_dir: Path, out_file: Path, *, log: Path | None = None) -> Path:
    """Build the book in ``source_dir`` as a PDF and copy it to ``out_file``; returns it."""
    _require_tools()
    with tempfile.TemporaryDirectory(prefix="book-pdf-") as scratch:
        command = [*jupyter_book_command(), "build", str(source_dir), "--builder", "pdflatex",
                   "--path-output", scratch]
        result = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))
        output = result.stdout + result.stderr
        if log is not None:
            log.write_text(output, encoding="utf-8")
        built = sorted((Path(scratch) / "_build" / "latex").glob("*.pdf"))
        if result.returncode != 0 or not built:
            errors = [line for line in output.splitlines() if line.startswith("!") or "Error" in line]
            raise RuntimeError(f"the PDF build of {source_dir} failed (exit {result.returncode}):\n"
                               + "\n".join([*errors[:10], *output.splitlines()[-10:]]))
        out_file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[0], out_file)
    return out_file


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def chapter_titles(root: Path = REPO_ROOT) -> list[str]:
    """The title (first heading) of every chapter notebook in ``root/book``."""
    import nbformat

    titles = []
    for path in sorted((root / "book").glob("[0-9][0-9]_*.ipynb")):
        cells = nbformat.read(str(path), as_version=4).cells
        heading = next(line for cell in cells if cell.cell_type == "markdown"
                       for line in cell.source.splitlines() if line.startswith("# "))
        titles.append(heading[2:].strip())
    return titles


def pdf_problems(text: str, titles: list[str]) -> list[str]:
    """What the PDF's text lacks: a chapter title, Table 1 or 2, a theorem's number; or an
    unresolved "??"."""
    flat = re.sub(r"\s+", " ", text).replace("\u2019", "'").replace("\u2018", "'")
    problems = [f"chapter title missing: {title!r}" for title in titles
                if re.sub(r"\s+", " ", title) not in flat]
    problems += [f"{table} missing" for table in ("Table 1", "Table 2") if table not in flat]
    for match in list(UNRESOLVED.finditer(flat))[:5]:
        problems.append(f"unresolved reference: ...{flat[max(0, match.start() - 60):match.end() + 20]}...")
    for match in list(UNNUMBERED.finditer(flat))[:5]:
        problems.append(f"unnumbered {match.group(1).lower()}: {flat[match.start():match.end() + 40]}...")
    return problems


def build_student_pdf(out_file: Path, *, source_root: Path = REPO_ROOT, log: Path | None = None) -> Path:
    """The student edition's PDF: the book's source with the solution cells removed."""
    from adaptlib.book.student import _student_source

    with tempfile.TemporaryDirectory(prefix="student-pdf-") as scratch:
        source, _ = _student_source(Path(source_root), Path(source_root) / "book", Path(scratch))
        config = yaml.safe_load((source / "_config.yml").read_text(encoding="utf-8"))
        config.setdefault("latex", {}).setdefault("latex_documents", {})["targetname"] = "student.tex"
        (source / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        return build_pdf(source, out_file, log=log)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m adaptlib.book.pdf", description=__doc__.split("\n\n")[0])
    parser.add_argument("--student", action="store_true", help="the student edition, without solutions")
    parser.add_argument("-o", "--output", type=Path, default=None, help=f"PDF file (default {PDF_DIR.name}/...)")
    args = parser.parse_args(argv)
    out = args.output or PDF_DIR / (STUDENT_PDF_NAME if args.student else PDF_NAME)
    try:
        pdf = build_student_pdf(out) if args.student else build_pdf(REPO_ROOT, out)
    except RuntimeError as error:
        print(f"adaptlib pdf: {error}", file=sys.stderr)
        return 2
    problems = pdf_problems(pdf_text(pdf), chapter_titles())
    print(f"wrote {pdf.relative_to(REPO_ROOT) if pdf.is_relative_to(REPO_ROOT) else pdf}: {page_count(pdf)} pages")
    for problem in problems:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
