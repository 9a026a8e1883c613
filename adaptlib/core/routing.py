"""The Oracle Agent and a user's router on per-instance logs: what routing papers report.

Three things the closed forms of the paper leave to the data:

- Per-instance costs c[x, i] (an LLM's price of one query depends on its length). The exact
  oracle (Definition 2.1) then sends x to the state that is right on x at the lowest price *of
  x*: Eq. 4 with c[x, i] in place of R_i. With one cost per state it is Eq. 4 itself.
- A cost model: ``cascade`` pays every state up to the one chosen (chapter 02's price rule,
  :mod:`adaptlib.core.prices`), per instance here, and the closed forms (Eq. 8-9) are Eq. 5
  evaluated on those paid costs, with the price of the unsolved instances (P(e_N) of them)
  taken from the ``none_correct`` rule.
- A router's decisions (one state per instance): its operating point, next to the oracle's.

The curves (the budgeted oracle frontier and the non-adaptive hull) are those of
:mod:`adaptlib.core.frontier`; :func:`gap_recovered` is RouteLLM's APGR on them.

Taught in chapters 02 (the oracle, its price rule) and 10 (frontiers, agents against them).
"""
from __future__ import annotations

import numpy as np

from adaptlib.core.bounds import eq8_constant_alpha, eq9_conservative
from adaptlib.core.frontier import Curve, area
from adaptlib.core.prices import paid_costs, unsolved_cost, unsolved_shift
from adaptlib.core.states import OperatingPoint, StateSpace


def instance_oracle(correct: np.ndarray, paid: np.ndarray, none_correct: str = "cheapest") -> tuple[np.ndarray, np.ndarray]:
    """Eq. 4 at per-instance prices: the cheapest state that is right on each instance.

    ``correct`` (n, N) bool and ``paid`` (n, N) (see :func:`adaptlib.core.prices.paid_matrix`), columns in cost order.
    Ties go to the cheaper state of Eq. 2, so with one cost per state the labels are those of
    :func:`adaptlib.core.oracle.first_correct`. Returns (labels, prices): the chosen column (-1
    when no state is right) and what the oracle pays on each instance.
    """
    masked = np.where(correct, paid, np.inf)
    labels = np.argmin(masked, axis=1)
    solved = correct.any(axis=1)
    labels[~solved] = -1
    rows = np.arange(correct.shape[0])
    prices = np.where(solved, masked[rows, np.maximum(labels, 0)], unsolved_cost(paid, none_correct))
    return labels, prices


def frontier_costs(correct: np.ndarray, paid: np.ndarray, none_correct: str = "cheapest") -> np.ndarray:
    """The option costs the budgeted oracle frontier (:func:`adaptlib.core.frontier.budget_frontier`)
    needs for the price rule: an instance no state gets right costs the rule's price whatever is
    chosen for it, so that the frontier's last point is the exact oracle under the same rule."""
    solved = correct.any(axis=1)
    return np.where(solved[:, None], paid, unsolved_cost(paid, none_correct)[:, None])


def router_point(correct: np.ndarray, paid: np.ndarray, choice: np.ndarray) -> OperatingPoint:
    """A router's operating point: mean paid cost and accuracy of the states it chose
    (``choice[x]``, a column of ``correct``; under ``cascade`` a choice pays every state up to it)."""
    rows = np.arange(correct.shape[0])
    return OperatingPoint(float(paid[rows, choice].mean()), float(correct[rows, choice].mean()))


def closed_form(space: StateSpace, alpha: float, cost_model: str = "routing",
                none_correct: str = "cheapest") -> OperatingPoint:
    """Eq. 8 (constant alpha; Eq. 9 at alpha = 1) under a cost model and an unsolved-price rule.

    Eq. 5 is linear in the costs, so the closed forms hold with the paid costs of
    :func:`adaptlib.core.prices.paid_costs` in place of R_i. Eq. 5 prices the P(e_N) unsolved
    instances at R_1; under another rule, priced u, the cost moves by (u - R_1) P(e_N), with
    P(e_N) = alpha (1 - A_N) (Eq. 6). With routing and the paper's rule, this is Eq. 8-9 as printed.
    """
    paid = paid_costs(space.costs, cost_model)
    priced = StateSpace(space.names, paid, space.accuracies)
    point = eq9_conservative(priced) if alpha == 1.0 else eq8_constant_alpha(priced, alpha)
    shift = unsolved_shift(paid, none_correct, alpha * (1.0 - float(space.accuracies[-1])))
    return OperatingPoint(point.cost + shift, point.accuracy)


def gap_recovered(curve: Curve, space: StateSpace) -> tuple[float, float]:
    """(AUC, APGR) of ``curve`` over the cost range of the single states, [R_1, R_N].

    AUC is the mean accuracy over budgets in that range (:func:`adaptlib.core.frontier.area`);
    APGR, RouteLLM's "average performance gap recovered", is (AUC - A_1) / (A_N - A_1): 0 for
    the cheapest state alone, 1 for the largest. With two states priced 0 and 1, cost is the
    share of calls to the larger and these are RouteLLM's numbers. NaN where undefined (all
    states cost the same, or A_N = A_1).
    """
    low, high = float(space.costs[0]), float(space.costs[-1])
    acc = space.require_accuracies("APGR")
    if not high > low:
        return float("nan"), float("nan")
    auc = area(curve, low, high)
    gap = float(acc[-1] - acc[0])
    return auc, (auc - float(acc[0])) / gap if gap != 0 else float("nan")


def bootstrap_mean_intervals(values: np.ndarray, n_boot: int, seed: int, level: float = 0.95) -> np.ndarray:
    """Percentile intervals of the column means of ``values`` (n, k) over ``n_boot`` seeded
    resamples of the rows; returns (k, 2) low and high. As :mod:`adaptlib.core.bootstrap`, the
    rows are reduced to their distinct values and each replicate is one multinomial draw."""
    v = np.asarray(values, dtype=float)
    patterns, inverse = np.unique(v, axis=0, return_inverse=True)
    counts = np.bincount(inverse.ravel(), minlength=len(patterns))
    n = v.shape[0]
    rng = np.random.default_rng(seed)
    block = max(1, 2_000_000 // len(patterns))  # replicates drawn at a time, to bound memory
    means = np.concatenate([
        rng.multinomial(n, counts / n, size=min(block, n_boot - start)) @ patterns / n
        for start in range(0, n_boot, block)
    ])
    tail = (1.0 - level) / 2.0
    return np.column_stack([np.quantile(means, tail, axis=0), np.quantile(means, 1.0 - tail, axis=0)])
