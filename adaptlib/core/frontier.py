"""Accuracy-cost curves to judge real agents against: the budgeted oracle frontier, the
non-adaptive baseline, and the summary numbers of an agent's curve (book chapter 10).

The Oracle Agent of Definition 2.1 (Eq. 4) spends whatever its per-instance knowledge asks
for. The *budgeted* oracle asks a finer question: with per-instance knowledge and a mean-cost
budget B, what is the best accuracy? Each instance x offers N options (its states), option i
costing c_i and scoring v[x, i] (1 when state i is right). Choosing one option per instance,
possibly at random, to maximise the mean score under a mean cost <= B is the linear
relaxation of a multiple-choice knapsack problem. Its optimum (Sinha and Zoltners, 1979) is
greedy: on each instance keep only the upper concave hull of its options, cut it into upgrade
steps (dc, dv) of decreasing slope, and buy the steps of all instances in order of slope,
the last one fractionally. The curve traced as B grows is :func:`budget_frontier`.

With 0/1 scores and costs sorted as in Eq. 2 an instance has at most one step: from the
cheapest state to its first correct state (its Eq. 4 label). The frontier's last point is
therefore the exact oracle of :func:`adaptlib.exact_oracle` (``none_correct="cheapest"``).

A single "instance" whose scores are the state accuracies A_i gives the non-adaptive baseline:
one state for every input, or a random mix of two (:func:`mixing_baseline`). The same hull of
an agent's operating points is what that agent reaches by mixing its own settings at random
(:func:`operating_envelope`).

Summary numbers of an agent's curve (its envelope), over a cost range [low, high]:
:func:`area` is the mean accuracy over budgets in the range (the area under the curve
divided by the range's width, in linear or log cost; RouterBench's AIQ rests on the same idea);
:func:`gain_share` is the share of the oracle's area gain over the baseline that the agent
captures; :func:`gain_share_at` the same at one budget.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from adaptlib.core.states import StateSpace

if TYPE_CHECKING:
    pass


Scale = Literal["linear", "log"]
SCALES: tuple[str, ...] = ("linear", "log")


@dataclass(frozen=True, eq=False)
class Curve:
    """A non-decreasing, concave, piecewise-linear accuracy-cost curve through its vertices.

    ``cost`` is strictly increasing; ``accuracy`` non-decreasing. Below ``cost[0]`` no policy
    meets the budget (``at`` gives NaN); beyond ``cost[-1]`` the curve stays flat.
    """

    cost: np.ndarray
    accuracy: np.ndarray

    def at(self, budget: float | Sequence[float]) -> np.ndarray | float:
        """Best accuracy with a mean cost of at most ``budget`` (NaN below the cheapest point)."""
        b = np.asarray(budget, dtype=float)
        first = self.cost[0]
        # A budget short of the cheapest point by rounding error alone still meets it.
        b = np.where((b < first) & (b >= first - 1e-9 * max(1.0, abs(first))), first, b)
        out = np.interp(b, self.cost, self.accuracy, left=np.nan, right=self.accuracy[-1])
        return float(out) if out.ndim == 0 else out

    def cost_for(self, accuracy: float) -> float:
        """The least mean cost that reaches ``accuracy`` (NaN when the curve never does)."""
        if accuracy > self.accuracy[-1]:
            return float("nan")
        if accuracy <= self.accuracy[0]:
            return float(self.cost[0])
        return float(np.interp(accuracy, self.accuracy, self.cost))

    @property
    def end(self) -> tuple[float, float]:
        """The cheapest point of highest accuracy (cost, accuracy)."""
        return float(self.cost[-1]), float(self.accuracy[-1])


def hull_steps(values: np.ndarray, costs: np.ndarray) -> tuple[np.ndarray, ...]:
    """Upgrade steps along each row's upper concave hull of options (cost, value).

    ``values`` and ``costs`` are (n, N). Each row starts at its cheapest option (ties go to the
    higher value); a step moves to the option with the steepest gain per unit cost among the
    costlier, better ones (ties go to the costliest, so collinear steps merge). Loops over the
    at most N - 1 steps, vectorised over the rows.

    Returns (start, row, rank, d_cost, d_value, slope): the starting option of every row and,
    for every step, its row, its rank within the row, and its increments.
    """
    n, n_options = values.shape
    rows = np.arange(n)
    start = np.lexsort((-values, costs), axis=1)[:, 0]
    current = start.copy()
    parts = []
    for rank in range(n_options - 1):
        d_cost = costs - costs[rows, current][:, None]
        d_value = values - values[rows, current][:, None]
        better = (d_cost > 0) & (d_value > 0)
        slope = np.where(better, d_value / np.where(d_cost > 0, d_cost, 1.0), -np.inf)
        best = slope.max(axis=1)
        moving = np.isfinite(best)
        if not moving.any():
            break
        tied = better & (slope >= best[:, None] * (1 - 1e-12))
        nxt = np.argmax(np.where(tied, d_cost, -np.inf), axis=1)
        idx = rows[moving]
        parts.append((idx, np.full(idx.size, rank), d_cost[idx, nxt[idx]], d_value[idx, nxt[idx]]))
        current = np.where(moving, nxt, current)
    if parts:
        row, rank, dc, dv = (np.concatenate(p) for p in zip(*parts))
    else:
        row = rank = np.zeros(0, dtype=int)
        dc = dv = np.zeros(0)
    return start, row, rank, dc, dv, dv / np.where(dc > 0, dc, 1.0)


def budget_frontier(values: np.ndarray, costs: Sequence[float] | np.ndarray) -> Curve:
    """The budgeted oracle frontier: the best mean score for every mean-cost budget when the
    option of each instance is chosen with per-instance knowledge (see the module docstring).

    Parameters
    ----------
    values : (n, N) scores in [0, 1] (a correctness matrix: 1 where state i is right on x).
    costs : (N,) cost of each option, or (n, N) per instance (use :func:`paid_costs` for the
        cascade accounting).

    The greedy order over hull steps is the exact optimum of the linear relaxation (randomised
    choices allowed); at every vertex of the curve the choice is deterministic.
    """
    v = score_matrix(values)
    c = np.asarray(costs, dtype=float)
    if c.shape not in ((v.shape[1],), v.shape):
        raise ValueError(
            f"costs must have shape ({v.shape[1]},) or {v.shape} to match values; got {c.shape}"
        )
    if not np.isfinite(c).all() or (c < 0).any():
        raise ValueError("costs must be finite numbers >= 0")
    c = np.ascontiguousarray(np.broadcast_to(c, v.shape))
    start, row, rank, dc, dv, slope = hull_steps(v, c)
    n = v.shape[0]
    rows = np.arange(n)
    order = np.lexsort((row, rank, -slope))  # steepest first; a row's steps stay in rank order
    cost = np.concatenate(([c[rows, start].sum()], c[rows, start].sum() + np.cumsum(dc[order]))) / n
    acc = np.concatenate(([v[rows, start].sum()], v[rows, start].sum() + np.cumsum(dv[order]))) / n
    # Keep the two ends and the vertices where the slope changes.
    s = slope[order]
    corners = np.flatnonzero(s[1:] != s[:-1]) + 1
    vertices = np.unique(np.concatenate(([0], corners, [s.size])))
    return Curve(cost[vertices], acc[vertices])


def mixing_baseline(space: StateSpace) -> Curve:
    """The non-adaptive baseline: one state for every input, or a random mix of two states
    (the upper concave hull of the (R_i, A_i) points, from the cheapest state on)."""
    acc = space.require_accuracies("the non-adaptive baseline")
    return budget_frontier(acc[None, :], space.costs)


def operating_envelope(costs: Sequence[float], accuracies: Sequence[float]) -> Curve:
    """The best an agent reaches by mixing its own operating points at random: the upper
    concave, non-decreasing hull of its (cost, accuracy) points (RouterBench's hull idea)."""
    c = np.asarray(costs, dtype=float)
    a = np.asarray(accuracies, dtype=float)
    if c.ndim != 1 or c.shape != a.shape or c.size == 0:
        raise ValueError(f"costs and accuracies must be 1-D of the same length; got {c.shape}, {a.shape}")
    if not (np.isfinite(c).all() and np.isfinite(a).all()):
        raise ValueError("operating points must be finite numbers")
    return budget_frontier(a[None, :], c)


def area(curve: Curve, low: float, high: float, scale: Scale = "linear") -> float:
    """Mean accuracy of ``curve`` over budgets in [low, high] (the normalised area under it).

    ``scale="linear"`` averages over budgets uniformly; ``"log"`` uniformly in log budget
    (each factor of cost counts the same). Budgets below the curve's cheapest point score 0:
    the agent cannot meet them. Exact for a piecewise-linear curve.
    """
    low, high = _range(low, high, scale)
    width = high - low if scale == "linear" else np.log(high / low)
    start = max(low, float(curve.cost[0]))  # below the curve's first cost the integrand is 0
    if start >= high:
        return 0.0
    inside = curve.cost[(curve.cost > start) & (curve.cost < high)]
    knots = np.concatenate(([start], inside, [high]))
    values = np.asarray(curve.at(knots), dtype=float)
    parts = _segment_integral(knots[:-1], knots[1:], values[:-1], values[1:], scale)
    return float(parts.sum() / width)


def gain_share(agent: Curve, frontier: Curve, baseline: Curve, low: float, high: float,
               scale: Scale = "linear") -> float:
    """Share of the oracle's area gain the agent captures over [low, high]:
    (area(agent) - area(baseline)) / (area(frontier) - area(baseline)).
    1 matches the budgeted oracle, 0 the random mix of single states, < 0 is worse than it."""
    ref = area(frontier, low, high, scale) - area(baseline, low, high, scale)
    if ref <= 0:
        return float("nan")
    return (area(agent, low, high, scale) - area(baseline, low, high, scale)) / ref


def gain_share_at(agent: Curve, frontier: Curve, baseline: Curve, budget: float) -> float:
    """The same share at one budget: (A_agent(B) - A_base(B)) / (A_frontier(B) - A_base(B))."""
    base = baseline.at(budget)
    ref = frontier.at(budget) - base
    if not np.isfinite(ref) or ref <= 0:
        return float("nan")
    return float((np.nan_to_num(agent.at(budget), nan=0.0) - base) / ref)


def above_curve(costs: Sequence[float], accuracies: Sequence[float], curve: Curve,
                tol: float = 1e-12) -> np.ndarray:
    """Which operating points lie above ``curve`` (accuracy higher than the curve allows at
    their cost, or a cost below its cheapest point with a higher accuracy)."""
    c = np.asarray(costs, dtype=float)
    a = np.asarray(accuracies, dtype=float)
    allowed = np.asarray(curve.at(np.maximum(c, curve.cost[0])), dtype=float)
    return (a > allowed + tol) | ((c < curve.cost[0] - tol) & (a > curve.accuracy[0] + tol))


def _segment_integral(x0, x1, y0, y1, scale: str) -> np.ndarray:
    dx = x1 - x0
    if scale == "linear":
        return dx * (y0 + y1) / 2.0
    # y = y0 + b (x - x0) on [x0, x1]; integral of y d(ln x) = (y0 - b x0) ln(x1/x0) + b dx.
    b = np.where(dx > 0, (y1 - y0) / np.where(dx > 0, dx, 1.0), 0.0)
    return (y0 - b * x0) * np.log(x1 / x0) + b * dx


def _range(low: float, high: float, scale: str) -> tuple[float, float]:
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}; got {scale!r}")
    low, high = float(low), float(high)
    if not (np.isfinite(low) and np.isfinite(high)) or not low < high:
        raise ValueError(f"the cost range needs finite low < high; got [{low}, {high}]")
    if scale == "log" and low <= 0:
        raise ValueError(f"scale='log' needs a cost range above 0; got low = {low}")
    return low, high


def score_matrix(values: np.ndarray) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    if v.ndim != 2 or v.shape[0] == 0 or v.shape[1] == 0:
        raise ValueError(f"values must be a 2-D array (instances x options); got shape {v.shape}")
    if not np.isfinite(v).all():
        raise ValueError("values must be finite numbers (a 0/1 correctness matrix or scores)")
    return v
