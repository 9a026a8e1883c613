"""Seeded bootstrap intervals over instances for alpha_i, A_oracle and R_oracle.

Resampling n instances with replacement only changes how many times each *pattern* of
right and wrong states occurs, and those counts are multinomial. So the matrix is reduced
once to its distinct rows (at most 2^N, usually far fewer) and every replicate is one
multinomial draw: the cost no longer grows with the number of instances.

Taught in chapters 03 and 05.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

from adaptlib.core.oracle import (
    OracleResult,
    exact_oracle,
    first_correct,
    oracle_statistics,
    sorted_columns,
)
from adaptlib.core.validate import is_integer


@dataclass(frozen=True, eq=False)
class BootstrapReplicates:
    """Bootstrap replicates of the oracle: ``alpha`` (B, N) with column 0 NaN, ``cost`` (B,),
    ``accuracy`` (B,), and ``full``, the oracle on the data as given."""

    full: OracleResult
    alpha: np.ndarray
    cost: np.ndarray
    accuracy: np.ndarray


def bootstrap_replicates(
    correct: np.ndarray,
    costs: Sequence[float],
    names: Sequence[str] | None = None,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    **oracle_options,
) -> BootstrapReplicates:
    """Resample the instances ``n_boot`` times (seeded) and measure the oracle on each sample.

    Statistics of a whole replicate (a slope of alpha_i, say) get intervals from these draws;
    :func:`bootstrap_oracle` gives the percentile intervals of each quantity.
    """
    if not is_integer(n_boot) or n_boot < 10:
        raise ValueError(f"n_boot must be an integer >= 10; got {n_boot!r}")
    full = exact_oracle(correct, costs, names, **oracle_options)
    matrix, space = sorted_columns(correct, costs, names)
    patterns, counts = _distinct_rows(matrix)
    n = matrix.shape[0]
    weights = np.random.default_rng(seed).multinomial(n, counts / n, size=n_boot)  # (B, P)

    labels = first_correct(patterns)
    solved = labels >= 0
    sent_to = np.zeros((len(patterns), len(space)))  # one-hot: where the oracle sends each pattern
    sent_to[np.flatnonzero(solved), labels[solved]] = 1.0
    _, _, alpha, cost, accuracy = oracle_statistics(
        weights @ sent_to,
        weights[:, ~solved].sum(axis=1),
        weights @ patterns,
        n,
        space.costs,
        full.none_correct,
        full.cost_model,
    )
    return BootstrapReplicates(full, alpha, cost, accuracy)


def bootstrap_oracle(
    correct: np.ndarray,
    costs: Sequence[float],
    names: Sequence[str] | None = None,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    **oracle_options,
) -> "pd.DataFrame":
    """Percentile intervals for A_oracle, R_oracle and each alpha_i (i > 1) of :func:`exact_oracle`.

    Returns a frame indexed by quantity (``accuracy``, ``cost``, ``alpha[<state>]``) with the
    columns ``estimate`` (on the data as given), ``low`` and ``high``.
    """
    if not 0.5 <= float(level) < 1.0:
        raise ValueError(f"level must lie in [0.5, 1); got {level!r}")
    draws = bootstrap_replicates(correct, costs, names, n_boot=n_boot, seed=seed, **oracle_options)
    full = draws.full
    stats = np.column_stack([draws.accuracy, draws.cost, draws.alpha[:, 1:]])
    quantities = ["accuracy", "cost"] + [f"alpha[{s}]" for s in full.space.names[1:]]
    estimate = np.concatenate([[full.accuracy, full.cost], full.alpha[1:]])
    tail = (1.0 - float(level)) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an alpha_i undefined in every replicate
        low = np.nanquantile(stats, tail, axis=0)
        high = np.nanquantile(stats, 1.0 - tail, axis=0)
    import pandas as pd  # a table is asked for; core itself needs numpy alone

    index = pd.Index(quantities, name="quantity")
    return pd.DataFrame({"estimate": estimate, "low": low, "high": high}, index=index)


def _distinct_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if matrix.shape[1] <= 62:
        codes = np.packbits(matrix, axis=1, bitorder="little")
        keys = np.zeros(matrix.shape[0], dtype=np.int64)
        for j in range(codes.shape[1]):
            keys |= codes[:, j].astype(np.int64) << (8 * j)
        _, first, counts = np.unique(keys, return_index=True, return_counts=True)
        return matrix[first], counts
    patterns, counts = np.unique(matrix, axis=0, return_counts=True)
    return patterns, counts
