"""The tables of ``adaptlib report``: a user's correctness matrix read the way the book reads its own.

Each function returns what the report template shows: the states with their oracle statistics
(Eq. 4-6, chapter 02), bootstrap intervals of alpha_i and of the oracle (Eq. 6, chapters 03 and
05), and the budgeted oracle frontier against the mixing hull of the single states (chapter 10).
The closed-form bounds (Eq. 8-9) come from :func:`adaptlib.report.oracle_summary`, the numbers
``adaptlib oracle`` prints.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from adaptlib.core.bootstrap import bootstrap_oracle
from adaptlib.core.frontier import Curve, area, budget_frontier, mixing_baseline
from adaptlib.core.oracle import OracleResult
from adaptlib.core.prices import paid_costs
from adaptlib.core.routing import frontier_costs


@dataclass(frozen=True, eq=False)
class FrontierComparison:
    """The budgeted oracle frontier and the mixing hull of the single states, on one matrix.

    ``budgets`` compares them at every state's cost but the cheapest's, where both are A_1, and
    at the exact oracle's; ``mean_frontier``
    and ``mean_hull`` are their mean accuracies over budgets from R_1 to R_N, uniform in log cost
    when R_1 > 0 (``scale``), else in cost (NaN when every state costs the same).
    """

    frontier: Curve
    hull: Curve
    budgets: pd.DataFrame
    mean_frontier: float
    mean_hull: float
    scale: str


def state_table(result: OracleResult) -> pd.DataFrame:
    """One row per state in cost order (Eq. 2): R_i, A_i, P(e_i), alpha_i (Eq. 6) and how many
    instances the oracle sends there (Eq. 4); alpha_1 is undefined (NaN), as where A_i = 1."""
    space = result.space
    return pd.DataFrame(
        {
            "cost": space.costs,
            "accuracy": space.accuracies,
            "p_e": result.p_e,
            "alpha": result.alpha,
            "sent": result.histogram.astype(int),
        },
        index=pd.Index(space.names, name="state"),
    )


def bootstrap_tables(
    correct: np.ndarray, result: OracleResult, *, n_boot: int, seed: int, level: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Percentile intervals over resampled instances (:func:`adaptlib.core.bootstrap.bootstrap_oracle`),
    under the same rules as ``result``: (alpha_i per state i > 1, the oracle's cost and accuracy).

    ``correct`` has its columns in the cost order of ``result.space``.
    """
    space = result.space
    frame = bootstrap_oracle(
        correct, space.costs, space.names, n_boot=n_boot, seed=seed, level=level,
        none_correct=result.none_correct, cost_model=result.cost_model,
    )
    alpha = frame.loc[[f"alpha[{s}]" for s in space.names[1:]]]
    alpha.index = pd.Index(space.names[1:], name="state")
    oracle = frame.loc[["cost", "accuracy"]]
    oracle.index = pd.Index(["R_oracle", "A_oracle"], name="quantity")
    return alpha, oracle


def frontier_comparison(correct: np.ndarray, result: OracleResult) -> FrontierComparison:
    """The budgeted frontier (per-instance knowledge, any budget) against the random mix of
    single states (chapter 10), each read at the costs of the states but the cheapest and at the
    exact oracle's.

    Under ``cost_model="cascade"`` an instance sent to state i pays R_1 + ... + R_i on the
    frontier, while a single state run alone pays its own R_i. An instance no state gets right
    costs what ``result.none_correct`` says, so the frontier ends at the exact oracle.
    """
    space = result.space
    paid = np.broadcast_to(paid_costs(space.costs, result.cost_model), correct.shape)
    frontier = budget_frontier(correct, frontier_costs(correct, paid, result.none_correct))
    hull = mixing_baseline(space)
    budgets = np.append(space.costs[1:], result.cost)  # at R_1 both are A_1: every instance on S_1
    labels = [f"R of {name}" for name in space.names[1:]] + ["R_oracle"]
    at_frontier = np.asarray(frontier.at(budgets), dtype=float)
    at_hull = np.asarray(hull.at(budgets), dtype=float)
    table = pd.DataFrame(
        {"budget": budgets, "frontier": at_frontier, "hull": at_hull, "gain": at_frontier - at_hull},
        index=pd.Index(labels, name="budget at"),
    ).sort_values("budget", kind="stable")
    low, high = float(space.costs[0]), float(space.costs[-1])
    scale = "log" if low > 0 else "linear"
    if high > low:
        means = area(frontier, low, high, scale), area(hull, low, high, scale)
    else:  # every state costs the same: no range of budgets to average over
        means = float("nan"), float("nan")
    return FrontierComparison(frontier, hull, table, *means, scale)
