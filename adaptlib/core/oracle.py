"""The exact Oracle Agent (Definition 2.1, Eq. 4) measured on per-instance correctness.

The oracle sends each instance to the cheapest state that classifies it correctly. Everything
the paper derives from it (P(e_i), alpha_i, R_oracle, A_oracle; Eq. 5-7) follows from one
number per instance: the index of that first correct state.

Taught in chapter 02.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from adaptlib.core.prices import (
    COST_MODELS,
    NONE_CORRECT_RULES,
    CostModel,
    NoneCorrect,
    paid_costs,
    unsolved_cost,
)
from adaptlib.core.states import OperatingPoint, StateSpace


@dataclass(frozen=True, eq=False)
class OracleResult:
    """The Oracle Agent on one data set.

    ``labels[x]`` is the adaptation label of instance x (Eq. 4): the index, in cost order, of
    the cheapest correct state, or -1 when no state is right. ``histogram[i]`` counts the
    instances sent to state i (those with label -1 are counted in ``n_none``). ``p_e[i]`` is
    P(e_{i+1}), the probability that states 1..i+1 are all wrong; ``alpha[i]`` is alpha_{i+1}
    (Eq. 6), NaN for the first state and wherever state i+1 makes no error. ``labels`` is None
    for a result accumulated from counts over chunks (a log too large to keep one label per
    instance in memory).
    """

    space: StateSpace
    labels: np.ndarray | None
    histogram: np.ndarray
    n_none: int
    p_e: np.ndarray
    alpha: np.ndarray
    cost: float
    accuracy: float
    none_correct: str
    cost_model: str

    @property
    def n_instances(self) -> int:
        return int(self.histogram.sum()) + self.n_none

    @property
    def point(self) -> OperatingPoint:
        return OperatingPoint(self.cost, self.accuracy)

    @property
    def alpha_min(self) -> float:
        """The smallest measured alpha_i, i > 1: the paper's optimistic constant (Table 1)."""
        measured = self.alpha[1:][np.isfinite(self.alpha[1:])]
        return float(measured.min()) if measured.size else float("nan")

    def label_names(self) -> np.ndarray:
        """Adaptation labels as state names, ``"none"`` where no state is right."""
        if self.labels is None:
            raise ValueError("this result was accumulated from counts and keeps no per-instance labels")
        names = np.array(list(self.space.names) + ["none"], dtype=object)
        return names[self.labels]


def first_correct(correct: np.ndarray) -> np.ndarray:
    """Eq. 4 per instance: the column of the first True in each row, -1 for an all-False row.

    Columns must already be in cost order. One argmax pass over the boolean matrix; no copy.
    """
    matrix = _as_bool_matrix(correct)
    labels = np.argmax(matrix, axis=1)
    labels[~matrix[:, 0] & (labels == 0)] = -1
    return labels


# Rows per block of oracle_pass: a block of 16 states (512 KiB) stays in cache between its passes.
_BLOCK_ROWS = 1 << 15
# Rows summed at once in byte lanes: a lane holds 0/1 per row, so 255 rows cannot overflow it.
_LANE_ROWS = 255
_LANE_WORDS = {8: np.uint64, 4: np.uint32, 2: np.uint16}  # bytes per word -> word type


def oracle_pass(matrix: np.ndarray, *, with_labels: bool = True) -> tuple[np.ndarray | None, np.ndarray, int, np.ndarray]:
    """Everything Eq. 4-6 need from a boolean matrix in cost order, in one sweep over it.

    Returns (labels, histogram, n_none, n_correct): the first correct state per instance (Eq. 4,
    -1 when none is right), how many instances go to each state, how many no state gets right,
    and how many each state gets right. The matrix is swept block by block, each block read
    again while it is in cache; the counts of correct instances add whole rows at once, as
    byte lanes of one machine word per row, 255 rows at a time (chapter 02's oracle on
    10^7 x 16 in less time than one ``any(axis=1)``; benchmarks/bench_core.py). A matrix stored one state a column
    (Fortran order, as the chunked engine reads a log) is swept state by state instead; there,
    ``with_labels=False`` skips the labels (None), a tenth of the time of a sweep that keeps them.
    """
    if matrix.flags.f_contiguous and not matrix.flags.c_contiguous:
        return _column_sweep(matrix, with_labels)
    n, n_states = matrix.shape
    labels = np.empty(n, dtype=np.intp)
    histogram = np.zeros(n_states, dtype=np.int64)
    n_none = 0
    n_correct = np.zeros(n_states, dtype=np.int64)
    word = next((w for size, w in _LANE_WORDS.items() if n_states % size == 0), None)
    for start in range(0, n, _BLOCK_ROWS):
        block = matrix[start:start + _BLOCK_ROWS]
        first = labels[start:start + _BLOCK_ROWS]
        np.argmax(block, axis=1, out=first)
        none = (first == 0) & ~block[:, 0]  # argmax of an all-False row is 0 too
        n_none += int(np.count_nonzero(none))
        histogram += np.bincount(first, minlength=n_states)
        first[none] = -1
        n_correct += _column_counts(block, word)
    histogram[0] -= n_none
    return labels, histogram, n_none, n_correct


def _column_sweep(matrix: np.ndarray, with_labels: bool) -> tuple[np.ndarray | None, np.ndarray, int, np.ndarray]:
    """:func:`oracle_pass` over a matrix stored one state a column: one pass over the states in
    cost order, keeping the instances that no state so far gets right."""
    n, n_states = matrix.shape
    labels = np.full(n, -1, dtype=np.intp) if with_labels else None
    histogram = np.zeros(n_states, dtype=np.int64)
    n_correct = np.zeros(n_states, dtype=np.int64)
    unsolved = np.ones(n, dtype=bool)  # no state before this one is right
    first = np.empty(n, dtype=bool)  # this state is the first right one
    for i in range(n_states):
        column = matrix[:, i]
        n_correct[i] = np.count_nonzero(column)
        np.logical_and(unsolved, column, out=first)
        histogram[i] = np.count_nonzero(first)
        np.logical_xor(unsolved, first, out=unsolved)
        if labels is not None:
            np.copyto(labels, i, where=first)
    return labels, histogram, int(np.count_nonzero(unsolved)), n_correct


def _column_counts(block: np.ndarray, word) -> np.ndarray:
    """``count_nonzero(block, axis=0)``, adding a row's bytes as the lanes of machine words."""
    if word is None:
        return np.count_nonzero(block, axis=0)
    rows, n_states = block.shape
    full = rows - rows % _LANE_ROWS
    words = block[:full].view(word)  # one row: n_states bytes in whole words
    # each run of 255 rows summed word by word (reduceat adds whole rows, vectorised)
    lanes = np.add.reduceat(words, np.arange(0, full, _LANE_ROWS), axis=0, dtype=word) if full else words
    return lanes.view(np.uint8).reshape(-1, n_states).sum(axis=0, dtype=np.int64) + np.count_nonzero(block[full:], axis=0)


def correctness_from_predictions(predicted: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Correctness matrix Y_i(x) == Y_GT(x) from predicted labels (n x N) and true labels (n,)."""
    predicted = np.asarray(predicted)
    truth = np.asarray(truth)
    if predicted.ndim != 2:
        raise ValueError(
            f"predicted labels must be a 2-D array (instances x states); got shape {predicted.shape}"
        )
    if truth.ndim != 1 or truth.shape[0] != predicted.shape[0]:
        raise ValueError(
            f"true labels must be a 1-D array with one label per instance ({predicted.shape[0]}); "
            f"got shape {truth.shape}"
        )
    return predicted == truth[:, None]


def exact_oracle(
    correct: np.ndarray,
    costs: Sequence[float],
    names: Sequence[str] | None = None,
    *,
    none_correct: NoneCorrect = "cheapest",
    cost_model: CostModel = "routing",
) -> OracleResult:
    """Measure the Oracle Agent of Definition 2.1 exactly.

    Parameters
    ----------
    correct : (n, N) array of bool (or 0/1): ``correct[x, i]`` is True when state i is right on x.
    costs : the N state costs R_i; the state order comes from them, never from column order.
    names : the N state names (default ``S1..SN`` in column order).
    none_correct : what an instance no state gets right costs: ``"cheapest"`` (R_1, the paper's
        rule in Eq. 4), ``"largest"`` (the largest state) or ``"zero"`` (dropped for free).
    cost_model : ``"routing"`` pays only the chosen state (the paper); ``"cascade"`` pays every
        state up to and including it (R_1 + ... + R_i), as an escalating cascade does.

    Returns R_oracle and A_oracle (Eq. 5), P(e_i) and alpha_i (Eq. 6), labels and histogram.
    """
    _check_choice("none_correct", none_correct, NONE_CORRECT_RULES)
    _check_choice("cost_model", cost_model, COST_MODELS)
    matrix, space = sorted_columns(correct, costs, names)
    labels, histogram, n_none, n_correct = oracle_pass(matrix)
    return oracle_result(space, labels, histogram, n_none, n_correct, none_correct=none_correct,
                         cost_model=cost_model)


def oracle_result(space: StateSpace, labels: np.ndarray | None, histogram: np.ndarray, n_none: int,
                  n_correct: np.ndarray, *, none_correct: NoneCorrect, cost_model: CostModel) -> OracleResult:
    """The :class:`OracleResult` of these counts over the states of ``space`` (in cost order):
    Eq. 5-6 by :func:`oracle_statistics`; ``labels`` None for counts merged over chunks."""
    n = int(np.sum(histogram)) + int(n_none)
    stats = oracle_statistics(histogram, n_none, n_correct, n, space.costs, none_correct, cost_model)
    accuracies, p_e, alpha, cost, accuracy = stats
    return OracleResult(
        space=StateSpace(space.names, space.costs, _readonly(accuracies)),
        labels=labels,
        histogram=histogram,
        n_none=n_none,
        p_e=p_e,
        alpha=alpha,
        cost=float(cost),
        accuracy=float(accuracy),
        none_correct=none_correct,
        cost_model=cost_model,
    )


def sorted_columns(
    correct: np.ndarray, costs: Sequence[float], names: Sequence[str] | None
) -> tuple[np.ndarray, StateSpace]:
    """Validate a correctness matrix and put its columns in cost order (Eq. 2).

    Returns the boolean matrix (the input itself when already boolean, contiguous and
    sorted) and the state space of names and costs, without accuracies.
    """
    matrix = _as_bool_matrix(correct)
    n_states = matrix.shape[1]
    if n_states < 2:
        raise ValueError(
            f"the oracle needs at least two states to choose between; got {n_states} column"
        )
    names = [f"S{i + 1}" for i in range(n_states)] if names is None else list(names)
    if len(names) != n_states:
        raise ValueError(
            f"got {len(names)} state names for a matrix with {n_states} columns; "
            "give one name per column"
        )
    space = StateSpace.from_arrays(names, costs)  # validates names and costs
    column = {name: i for i, name in enumerate(names)}  # names are unique (from_arrays checks)
    order = np.array([column[s] for s in space.names])
    if np.any(order != np.arange(n_states)):
        matrix = np.ascontiguousarray(matrix[:, order])
    return matrix, space


def oracle_statistics(histogram, n_none, n_correct, n, state_costs, none_correct, cost_model):
    """Eq. 5-6 from counts: P(e_i), alpha_i, R_oracle and A_oracle.

    ``histogram`` (..., N) counts instances whose first correct state is i, ``n_none`` (...)
    those no state gets right, ``n_correct`` (..., N) the instances each state gets right, out
    of ``n`` (...). Leading dimensions broadcast (the bootstrap passes one row per replicate).
    Returns (accuracies, p_e, alpha, cost, accuracy).
    """
    histogram = np.asarray(histogram, dtype=float)
    n = np.asarray(n, dtype=float)[..., None]
    paid = paid_costs(state_costs, cost_model)
    none_cost = unsolved_cost(paid, none_correct)
    cost = (histogram @ paid + np.asarray(n_none) * none_cost) / n[..., 0]
    accuracies = np.asarray(n_correct) / n
    # e_i: states 1..i all wrong  <=>  the first correct state comes after i (or none is right).
    p_e = (n - np.cumsum(histogram, axis=-1)) / n
    # From counts, as p_e: 1 - A_i can round below an equal P(e_i), which gave alpha > 1.
    wrong = (n - np.asarray(n_correct)) / n
    alpha = np.full(p_e.shape, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha[..., 1:] = np.where(wrong[..., 1:] > 0, p_e[..., 1:] / wrong[..., 1:], np.nan)
    accuracy = 1.0 - np.asarray(n_none) / n[..., 0]
    return accuracies, p_e, alpha, cost, accuracy


def oracle_from_predictions(
    predicted: np.ndarray,
    truth: np.ndarray,
    costs: Sequence[float],
    names: Sequence[str] | None = None,
    **options,
) -> OracleResult:
    """:func:`exact_oracle` from predicted labels (n x N) and true labels (n,)."""
    return exact_oracle(correctness_from_predictions(predicted, truth), costs, names, **options)


def _as_bool_matrix(correct: np.ndarray) -> np.ndarray:
    matrix = np.asarray(correct)
    if matrix.ndim != 2:
        raise ValueError(
            f"the correctness matrix must be 2-D (instances x states); got shape {matrix.shape}"
        )
    if matrix.shape[0] == 0:
        raise ValueError("the correctness matrix has no rows; give at least one instance")
    if matrix.dtype != bool:
        if matrix.dtype.kind == "f" and np.isnan(matrix).any():
            raise ValueError("the correctness matrix holds NaN; every cell must be 0 or 1")
        if not np.isin(matrix, (0, 1)).all():
            raise ValueError("the correctness matrix must hold only 0/1 or True/False values")
        matrix = matrix.astype(bool)
    return np.ascontiguousarray(matrix)


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr = np.array(arr, dtype=float)
    arr.flags.writeable = False
    return arr
