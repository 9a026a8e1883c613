"""A reader's own per-instance data in a chapter: the ``correct_path`` and ``costs_path`` parameters.

Chapters 02, 03, 05, 08, 09 and 10 run on the digits families by default and on a reader's
correctness matrix and costs (the formats of ``adaptlib oracle``) when both parameters name
files. This is the one place that checks them and reads the files.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from adaptlib.chapter.params import require_file
from adaptlib.core.states import StateSpace
from adaptlib.datasets.user import load_user_inputs

MATRIX_SUFFIXES = (".csv", ".parquet", ".pq")


@dataclass(frozen=True, eq=False)
class UserInputs:
    """The reader's data: the 0/1 matrix (columns in cost order, Eq. 2) and its state space."""

    correct: np.ndarray
    space: StateSpace
    file: Path  # the correctness matrix
    unit: str = "cost units"

    @property
    def name(self) -> str:
        """What the chapter calls the data: the matrix file's name without its suffix."""
        return self.file.stem


def user_inputs(correct_path: str, costs_path: str) -> UserInputs | None:
    """The files the two parameters name, read and checked; None when both are empty.

    Relative paths are read from the repository root (:func:`adaptlib.chapter.params.require_file`).
    """
    if bool(correct_path) != bool(costs_path):
        raise ValueError(
            "parameters 'correct_path' and 'costs_path' go together: give both files, or leave both "
            f"empty for the book's digits families; got correct_path={correct_path!r}, costs_path={costs_path!r}"
        )
    if not correct_path:
        return None
    matrix_file = require_file("correct_path", correct_path, MATRIX_SUFFIXES)
    costs_file = require_file("costs_path", costs_path, [".csv"])
    correct, space = load_user_inputs(matrix_file, costs_file)
    return UserInputs(correct, space, matrix_file)
