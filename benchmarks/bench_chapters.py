"""Each chapter rerun with new parameters, as a ratio to the papermill floor timed in the same run.

    python benchmarks/bench_chapters.py [--repeat 2] [CHAPTER ...]

The floor is a two-cell notebook that imports numpy, pandas and matplotlib, executed by the
papermill command: what any papermill run of a chapter pays at least (a kernel start, those
imports, papermill's own start). Each chapter runs as a reader runs it,
``adaptlib run N --preset smoke --output-dir TMP`` (its smoke preset: parameters away from the
defaults), best of ``--repeat``, floor and chapter alternating so that the machine's load
falls on both. Target (issue "Fast to rerun"): at most 1.5x the floor.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from adaptlib.book.chapters import find_chapters, resolve_chapter
from adaptlib.book.paths import NOTEBOOKS_DIR

BIN = Path(sys.executable).parent


def floor_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nimport numpy as np\nimport pandas as pd"),
                nbformat.v4.new_code_cell("print(np.arange(3).sum(), pd.__version__, plt.__name__)")]
    path = folder / "floor.ipynb"
    nbformat.write(nb, str(path))
    return path


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="chapters to time (default: all)")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    chapters = find_chapters(NOTEBOOKS_DIR)
    chosen = [resolve_chapter(c, chapters) for c in args.chapters] or chapters
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        floor = floor_notebook(folder)
        floor_command = [str(BIN / "papermill"), str(floor), str(folder / "floor-out.ipynb"), "--no-progress-bar"]
        print(f"{'chapter':<28} {'chapter s':>9} {'floor s':>8} {'ratio':>6}")
        for chapter in chosen:
            run = [str(BIN / "adaptlib"), "run", chapter.slug, "--preset", "smoke", "--jobs", "1",
                   "--output-dir", str(folder / "runs")]
            pairs = [(seconds(floor_command), seconds(run)) for _ in range(args.repeat)]
            base, took = min(p[0] for p in pairs), min(p[1] for p in pairs)
            print(f"{chapter.slug:<28} {took:9.2f} {base:8.2f} {took / base:6.2f}", flush=True)


if __name__ == "__main__":
    main()
