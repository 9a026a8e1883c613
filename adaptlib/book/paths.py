"""Where the book's own files live: the checkout that holds this package (the book machinery
runs in a clone; the data a reader's code loads is found by :mod:`adaptlib.datasets.locate`)."""
from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
BOOK_DIR = REPO_ROOT / "book"
