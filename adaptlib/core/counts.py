"""The exact oracle from counts: what a log too large for memory reduces to, chunk by chunk.

Eq. 5-6 need four numbers per data set, never one per instance: how many instances have their
first correct state at i (the histogram of Eq. 4's labels), how many no state gets right, how
many each state gets right (A_i), and how many there are. Counts of disjoint chunks add, so a
log read in chunks, or in partitions on a cluster, gives exactly the oracle of the whole
matrix (:func:`adaptlib.core.oracle.exact_oracle`), floats included.

Taught in chapter 02 (the oracle); used by ``adaptlib oracle --engine chunked|dask``.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from adaptlib.core.oracle import OracleResult, _check_choice, oracle_pass, oracle_result
from adaptlib.core.prices import COST_MODELS, NONE_CORRECT_RULES, CostModel, NoneCorrect
from adaptlib.core.states import StateSpace


@dataclass(frozen=True, eq=False)
class OracleCounts:
    """The oracle's sufficient statistics over some instances, states in cost order (Eq. 2).

    ``histogram[i]``: instances whose first correct state is i (Eq. 4); ``n_none``: instances no
    state gets right; ``n_correct[i]``: instances state i gets right; ``n``: all instances.
    """

    histogram: np.ndarray
    n_none: int
    n_correct: np.ndarray
    n: int

    @classmethod
    def zero(cls, n_states: int) -> "OracleCounts":
        """The counts of no instance: the identity of ``+``."""
        return cls(np.zeros(n_states, dtype=np.int64), 0, np.zeros(n_states, dtype=np.int64), 0)

    @property
    def n_states(self) -> int:
        return int(self.histogram.shape[0])

    def __add__(self, other: "OracleCounts") -> "OracleCounts":
        """The counts of two disjoint sets of instances (integer sums: exact)."""
        if not isinstance(other, OracleCounts):
            return NotImplemented
        if other.n_states != self.n_states:
            raise ValueError(
                f"cannot merge counts over {self.n_states} states with counts over {other.n_states}; "
                "every chunk must hold the same states"
            )
        return OracleCounts(
            self.histogram + other.histogram, self.n_none + other.n_none,
            self.n_correct + other.n_correct, self.n + other.n,
        )


def count(matrix: np.ndarray) -> OracleCounts:
    """The counts of a boolean matrix (instances x states) whose columns are in cost order."""
    return _counts(matrix, with_labels=False)[0]


def count_with_labels(matrix: np.ndarray) -> tuple[OracleCounts, np.ndarray]:
    """The counts and the labels of Eq. 4 (as :func:`first_correct`: -1 where no state is right)."""
    return _counts(matrix, with_labels=True)


def _counts(matrix: np.ndarray, *, with_labels: bool) -> tuple[OracleCounts, np.ndarray | None]:
    """:func:`adaptlib.core.oracle.oracle_pass` as counts, in either memory order."""
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.dtype != bool:
        raise ValueError(f"counts need a 2-D boolean matrix (instances x states); got {matrix.dtype} {matrix.shape}")
    labels, histogram, n_none, n_correct = oracle_pass(matrix, with_labels=with_labels)
    return OracleCounts(histogram, n_none, n_correct, int(matrix.shape[0])), labels


def merge(parts: Iterable[OracleCounts]) -> OracleCounts:
    """The sum of the counts of disjoint chunks (at least one)."""
    parts = iter(parts)
    try:
        total = next(parts)
    except StopIteration:
        raise ValueError("no counts to merge; give the counts of at least one chunk") from None
    for part in parts:
        total = total + part
    return total


def oracle_from_counts(
    counts: OracleCounts,
    space: StateSpace,
    *,
    none_correct: NoneCorrect = "cheapest",
    cost_model: CostModel = "routing",
) -> OracleResult:
    """The Oracle Agent (Eq. 4-6) from counts; equal to ``exact_oracle`` on the same instances.

    ``space`` holds the states in cost order, as the counts do. The result keeps no labels.
    """
    _check_choice("none_correct", none_correct, NONE_CORRECT_RULES)
    _check_choice("cost_model", cost_model, COST_MODELS)
    if counts.n_states != len(space):
        raise ValueError(f"counts over {counts.n_states} states for a space of {len(space)} states; give one per state")
    if counts.n == 0:
        raise ValueError("the correctness matrix has no rows; give at least one instance")
    return oracle_result(space, None, counts.histogram, counts.n_none, counts.n_correct,
                         none_correct=none_correct, cost_model=cost_model)
