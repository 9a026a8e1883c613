"""Runs with a reader's parameters never write into book/ (only `adaptlib run --to-book` does).

The chapters that write files (02: adaptation labels; 04 and 07: the reproduced tables) write
them beside their executed notebook, in the run's output folder.
"""
from __future__ import annotations

import hashlib

import pytest

from adaptlib.book.paths import BOOK_DIR
from adaptlib.cli import main
from adaptlib.datasets.locate import PREDICTIONS_DIR

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def snapshot() -> dict[str, str]:
    """Every file under book/ with a hash of its bytes."""
    return {p.relative_to(BOOK_DIR).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(BOOK_DIR.rglob("*")) if p.is_file()}


def test_custom_runs_write_beside_their_notebooks_and_not_into_book(tmp_path):
    before = snapshot()
    resolution = PREDICTIONS_DIR / "resolution"
    user = ["-p", "correct_path", str(resolution / "correct.csv"), "-p", "costs_path", str(resolution / "costs.csv")]
    assert main(["run", "2", *user, "--output-dir", str(tmp_path / "mine"), "--jobs", "1"]) == 0
    assert (tmp_path / "mine" / "data" / "adaptation_labels_correct.csv").is_file()
    assert main(["run", "4", "-p", "alpha_min_vit", "0.6", "--output-dir", str(tmp_path / "other")]) == 0
    assert main(["run", "7", "-p", "interpolation", "log", "--output-dir", str(tmp_path / "other")]) == 0
    assert {p.name for p in (tmp_path / "other" / "tables").iterdir()} == {"table1.csv", "table2.csv"}
    assert snapshot() == before


def test_an_output_dir_in_book_is_refused(capsys):
    before = snapshot()
    assert main(["run", "4", "-p", "alpha_min_vit", "0.6", "--output-dir", str(BOOK_DIR)]) == 2
    assert "is inside book/, which changes only through --to-book" in capsys.readouterr().err
    assert snapshot() == before
