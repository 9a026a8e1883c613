"""Budgets for real agents (chapter 10): the oracle under every pricing convention, the frontier
as a linear program (a cross-check of :func:`adaptlib.core.frontier.budget_frontier`), and
:func:`adaptlib.analysis.agents.budget_cross_validation` uses its folds to pick an agent's knob on training folds to meet a
mean-cost target and measures cost and accuracy on held-out folds."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from adaptlib.core.frontier import budget_frontier, score_matrix
from adaptlib.core.oracle import exact_oracle
from adaptlib.core.prices import COST_MODELS, NONE_CORRECT_RULES, paid_costs
from adaptlib.core.validate import integer_at_least


def frontier_by_linear_program(values: np.ndarray, costs: Sequence[float] | np.ndarray, budget: float) -> float:
    """The budgeted oracle's accuracy at ``budget`` solved as a linear program by scipy's HiGHS:
    a slow, independent check of :func:`budget_frontier` (one variable per instance and state)."""
    from scipy import sparse
    from scipy.optimize import linprog

    v = score_matrix(values)
    c = np.ascontiguousarray(np.broadcast_to(np.asarray(costs, dtype=float), v.shape))
    n, n_options = v.shape
    result = linprog(
        -v.ravel(), A_ub=(c.ravel() / n)[None, :], b_ub=[float(budget)],
        A_eq=sparse.kron(sparse.eye(n), np.ones((1, n_options))), b_eq=np.ones(n),
        bounds=(0, 1), method="highs",
    )
    if result.status != 0:
        return float("nan")  # infeasible: the budget is below the cheapest choice
    return float(-result.fun / n)


def oracle_conventions(correct: np.ndarray, costs: Sequence[float], names: Sequence[str] | None = None) -> pd.DataFrame:
    """The exact oracle under every convention that changes its numbers, side by side.

    Rows: cost model (``routing``: pay the chosen state, the paper; ``cascade``: pay every
    state up to it) x rule for instances no state gets right (``cheapest``: pay S_1, the
    paper's Eq. 4; ``largest``: pay the costliest; ``zero``: pay nothing). Columns: cost,
    accuracy (the same in every row: 1 - P(e_N)), r_ratio = R_N / cost against the largest
    state alone, and the frontier's accuracy at the paper's oracle cost under that cost model.
    """
    rows = []
    paper = exact_oracle(correct, costs, names)
    for cost_model in COST_MODELS:
        frontier = budget_frontier(np.asarray(correct)[:, _cost_order(paper, names, correct)],
                                   paid_costs(paper.space.costs, cost_model))
        for rule in NONE_CORRECT_RULES:
            result = exact_oracle(correct, costs, names, none_correct=rule, cost_model=cost_model)
            rows.append({
                "cost_model": cost_model, "none_correct": rule, "cost": result.cost,
                "accuracy": result.accuracy, "r_ratio": float(result.space.costs[-1] / result.cost),
                "frontier_at_paper_cost": float(np.nan_to_num(frontier.at(paper.cost), nan=0.0)),
            })
    return pd.DataFrame(rows)


def _cost_order(result, names, correct) -> list[int]:
    """Column positions of ``correct`` in the cost order of ``result.space``."""
    given = [f"S{i + 1}" for i in range(np.asarray(correct).shape[1])] if names is None else list(names)
    return [given.index(s) for s in result.space.names]


# ------------------------------------------------------------------ thresholds for a budget


def folds(n: int, n_folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Seeded shuffled K-fold split of ``n`` instances into (train, held-out) index pairs."""
    n_folds = integer_at_least("n_folds", n_folds, 2)
    if n < n_folds:
        raise ValueError(f"n_folds = {n_folds} needs at least as many instances; got {n}")
    # The split of scikit-learn's KFold(n_folds, shuffle=True, random_state=seed), index for
    # index: a seeded permutation cut into folds, the first n % n_folds one larger.
    order = np.random.RandomState(seed).permutation(n)
    sizes = np.full(n_folds, n // n_folds)
    sizes[: n % n_folds] += 1
    splits = []
    for held in np.split(order, np.cumsum(sizes)[:-1]):
        mask = np.zeros(n, dtype=bool)
        mask[held] = True
        splits.append((np.flatnonzero(~mask), np.flatnonzero(mask)))
    return splits
