"""Empirical (exact) bounds against the constant-alpha closed forms (Sec. 3.3, Fig. 4).

For a family with per-instance correctness: the exact oracle with bootstrap intervals, the
constant-alpha line of Eq. 8 from alpha = 0 to alpha = 1, the alpha_min point, and the region
of operating points an adaptive agent can reach (:func:`reachable_region`).

The region: an agent sends each instance x to one state i (cost R_i, right or wrong), possibly
at random. Its mean operating point is the average over instances of one point per instance,
chosen in the convex hull of {(R_i, [state i is right on x])}. The set of such averages is
the Minkowski average of the n per-instance hulls: a convex polygon whose top-left corner is
the exact oracle and which holds every static state. Each hull is a trapezoid (its points lie
on the lines y = 0 and y = 1), so the polygon comes from sorting 4n edge vectors by angle.

Taught in chapter 05.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from adaptlib.analysis.alpha_profiles import alpha_replicates
from adaptlib.core.bootstrap import bootstrap_oracle
from adaptlib.core.bounds import eq8_constant_alpha, eq9_conservative
from adaptlib.core.oracle import OracleResult, exact_oracle, sorted_columns
from adaptlib.core.states import OperatingPoint, StateSpace
from adaptlib.core.validate import is_integer

TWO_PI = 2.0 * np.pi


@dataclass(frozen=True, eq=False)
class ReachableRegion:
    """The convex polygon of (mean cost, accuracy) points an adaptive agent can reach.

    ``vertices`` (m, 2) run counter-clockwise from the lowest, then leftmost, vertex;
    accuracies are fractions.
    """

    vertices: np.ndarray

    def upper_boundary(self) -> np.ndarray:
        """The upper chain of the polygon, (k, 2) in increasing cost: the most accurate point at
        each mean cost, from the cheapest state up to the oracle and on to the largest state."""
        closed = np.vstack([self.vertices, self.vertices[:1]])
        step = np.diff(closed, axis=0)
        leftward = np.flatnonzero(step[:, 0] < 0)  # counter-clockwise, the upper chain runs leftwards
        if leftward.size == 0:
            return self.vertices[[np.argmax(self.vertices[:, 1])]]
        return closed[leftward[0]:leftward[-1] + 2][::-1]

    def best_accuracy(self, cost) -> np.ndarray:
        """The highest accuracy an agent reaches at a mean cost of at most ``cost`` (NaN below
        the cheapest state). It rises along the upper chain to the oracle, then stays there."""
        chain = self.upper_boundary()
        peak = int(np.argmax(chain[:, 1]))  # first maximum: the oracle, leftmost at top accuracy
        cost = np.asarray(cost, dtype=float)
        best = np.interp(np.minimum(cost, chain[peak, 0]), chain[:peak + 1, 0], chain[:peak + 1, 1])
        below = cost < chain[0, 0] - 1e-9 * max(abs(chain[0, 0]), 1.0)  # rounding of the cumulative sum
        return np.where(below, np.nan, best)

    def contains(self, cost, accuracy, tol: float = 1e-9) -> np.ndarray:
        """Whether the points (``cost``, ``accuracy``) lie in the region (borders included)."""
        scale = float(np.max(np.abs(self.vertices[:, 0]))) or 1.0  # compare costs in [0, 1]
        v = self.vertices / np.array([scale, 1.0])
        edge = np.roll(v, -1, axis=0) - v
        px = np.atleast_1d(np.asarray(cost, dtype=float))[:, None] / scale
        py = np.atleast_1d(np.asarray(accuracy, dtype=float))[:, None]
        cross = edge[:, 0] * (py - v[:, 1]) - edge[:, 1] * (px - v[:, 0])
        return np.all(cross >= -tol, axis=1)


def reachable_region(correct: np.ndarray, costs: Sequence[float]) -> ReachableRegion:
    """The region of :class:`ReachableRegion` for a correctness matrix (n x N) and state costs.

    Instance x has, among its states, a cheapest and a dearest right one (L1, R1) and a
    cheapest and a dearest wrong one (L0, R0); its hull is the trapezoid L0 -> R0 -> R1 -> L1
    (a segment when every state is right, or every state wrong). The Minkowski average of the
    trapezoids starts at the mean of their lowest-leftmost vertices and follows all their edges,
    each divided by n, in order of angle.
    """
    matrix, space = sorted_columns(correct, costs, None)
    n = matrix.shape[0]
    c = space.costs
    has_right, has_wrong = matrix.any(axis=1), (~matrix).any(axis=1)
    l1 = np.where(matrix, c, np.inf).min(axis=1)
    r1 = np.where(matrix, c, -np.inf).max(axis=1)
    l0 = np.where(~matrix, c, np.inf).min(axis=1)
    r0 = np.where(~matrix, c, -np.inf).max(axis=1)
    # Collapse the missing side of the trapezoid onto the other one.
    bottom_y = np.where(has_wrong, 0.0, 1.0)
    top_y = np.where(has_right, 1.0, 0.0)
    corners = np.stack([
        np.column_stack([np.where(has_wrong, l0, l1), bottom_y]),
        np.column_stack([np.where(has_wrong, r0, r1), bottom_y]),
        np.column_stack([np.where(has_right, r1, r0), top_y]),
        np.column_stack([np.where(has_right, l1, l0), top_y]),
    ], axis=1)  # (n, 4, 2), counter-clockwise from the lowest-leftmost corner
    edges = (np.roll(corners, -1, axis=1) - corners).reshape(-1, 2) / n
    edges = edges[np.any(edges != 0.0, axis=1)]
    angle = np.mod(np.arctan2(edges[:, 1], edges[:, 0]), TWO_PI)
    order = np.argsort(angle, kind="stable")
    edges, angle = edges[order], angle[order]
    starts = np.flatnonzero(np.r_[True, np.diff(angle) > 1e-12])  # merge parallel edges
    edges = np.add.reduceat(edges, starts, axis=0) if edges.size else edges
    start = corners[:, 0, :].mean(axis=0)
    vertices = start + np.vstack([np.zeros((1, 2)), np.cumsum(edges, axis=0)[:-1]])
    return ReachableRegion(vertices=vertices)


@dataclass(frozen=True, eq=False)
class EmpiricalBounds:
    """Exact oracle, constant-alpha bounds and reachable region of one family (Fig. 4).

    ``oracle`` is the exact oracle (Eq. 4) on **every** state: it never drops one, so it is the
    number ``adaptlib oracle`` prints for the same files; ``intervals`` (the bootstrap
    percentile intervals of :func:`adaptlib.bootstrap_oracle`) and ``region`` use every state
    too. Only the closed forms (Eq. 8-9) need Eq. 3: they use ``space``, the Pareto front of
    the states (``dropped`` names the states it leaves out) unless told otherwise, and
    ``front_oracle`` is the exact oracle restricted to it, whose measured alpha_i they use
    (``alpha_min``, with the interval ``alpha_min_low``/``_high`` over the same replicates).
    Chapter 05.
    """

    name: str
    unit: str
    oracle: OracleResult
    intervals: pd.DataFrame
    alpha_min: float
    alpha_min_state: str
    alpha_min_low: float
    alpha_min_high: float
    region: ReachableRegion
    dropped: tuple[str, ...]
    front_oracle: OracleResult
    level: float

    @property
    def space(self) -> StateSpace:
        """The states the closed forms (Eq. 8-9) use: the Pareto front unless told otherwise."""
        return self.front_oracle.space

    @property
    def alpha_n(self) -> float:
        """The constant alpha at which Eq. 8 (on ``space``) gives the exact oracle's accuracy,
        P(no state right) / (1 - A_N): alpha_N measured when the dearest state is on the front."""
        error = 1.0 - float(self.space.accuracies[-1])
        return float(np.clip((1.0 - self.oracle.accuracy) / error, 0.0, 1.0)) if error > 0 else 0.0

    def at_alpha(self, alpha: float) -> OperatingPoint:
        """Eq. 8 on this family's measured (R_i, A_i) with constant ``alpha``."""
        return eq8_constant_alpha(self.space, alpha)

    @property
    def conservative(self) -> OperatingPoint:
        """The alpha = 1 bound (Eq. 9)."""
        return eq9_conservative(self.space)

    @property
    def optimistic(self) -> OperatingPoint:
        """Eq. 8 at the measured alpha_min: the paper's optimistic bound."""
        return self.at_alpha(self.alpha_min)

    def line(self, n_points: int = 101) -> pd.DataFrame:
        """The constant-alpha line of Eq. 8: columns alpha (0..1), cost, accuracy."""
        return constant_alpha_line(self.space, n_points)


def constant_alpha_line(space: StateSpace, n_points: int = 101) -> pd.DataFrame:
    """Eq. 8 for alpha from 0 to 1 (``n_points`` values): columns alpha, cost, accuracy."""
    if not is_integer(n_points) or n_points < 2:
        raise ValueError(f"n_points must be an integer >= 2; got {n_points!r}")
    alphas = np.linspace(0.0, 1.0, n_points)
    start, end = eq8_constant_alpha(space, 0.0), eq8_constant_alpha(space, 1.0)
    # Eq. 8 is affine in alpha: the line joins its two ends.
    return pd.DataFrame({
        "alpha": alphas,
        "cost": start.cost + alphas * (end.cost - start.cost),
        "accuracy": start.accuracy + alphas * (end.accuracy - start.accuracy),
    })


def empirical_bounds(
    correct: np.ndarray,
    costs: Sequence[float],
    names: Sequence[str] | None = None,
    *,
    name: str = "family",
    unit: str = "FLOPs",
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    drop_dominated: bool = True,
) -> EmpiricalBounds:
    """Everything Fig. 4 draws for one family with per-instance correctness (n x N).

    The exact oracle (Eq. 4), its bootstrap intervals and the reachable region always use every
    state: a dominated state can still be the cheapest right one on some instance. Only the
    constant-alpha bounds (Eq. 8-9) need Eq. 3 (accuracy non-decreasing with cost): with
    ``drop_dominated`` they use the Pareto front of the states, without it a family that
    breaks Eq. 3 is refused (Sec. 3.3, chapter 05).
    """
    if not isinstance(drop_dominated, bool):
        raise ValueError(f"drop_dominated must be True or False; got {drop_dominated!r}")
    matrix, ordered = sorted_columns(correct, costs, names)
    matrix = np.ascontiguousarray(matrix)
    oracle = exact_oracle(matrix, ordered.costs, ordered.names)
    if not drop_dominated:
        oracle.space.require_monotone(f"the constant-alpha bounds of {name}")
    kept_space = oracle.space.pareto() if drop_dominated else oracle.space
    if len(kept_space) < 2:
        raise ValueError(f"{name}: only {len(kept_space)} state is left after dropping dominated "
                         "states; the bounds need at least two")
    keep = [ordered.names.index(s) for s in kept_space.names]
    sub = np.ascontiguousarray(matrix[:, keep])
    front = exact_oracle(sub, kept_space.costs, list(kept_space.names))
    intervals = bootstrap_oracle(matrix, ordered.costs, list(ordered.names), n_boot=n_boot,
                                 seed=seed, level=level)
    replicates = alpha_replicates(sub, kept_space.costs, list(kept_space.names), n_boot=n_boot,
                                  seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a replicate where no alpha is defined
        minima = np.nanmin(replicates[:, 1:], axis=1)
    tail = (1.0 - float(level)) / 2.0
    low, high = np.nanquantile(minima, [tail, 1.0 - tail])
    measured = front.alpha[1:]
    dropped = tuple(s for s in oracle.space.names if s not in kept_space.names)
    return EmpiricalBounds(
        name=name, unit=unit, oracle=oracle, intervals=intervals,
        alpha_min=front.alpha_min,
        alpha_min_state=front.space.names[1 + int(np.nanargmin(measured))],
        alpha_min_low=float(low), alpha_min_high=float(high),
        region=reachable_region(matrix, ordered.costs), dropped=dropped,
        front_oracle=front, level=float(level),
    )


def bounds_summary(results: Sequence[EmpiricalBounds]) -> pd.DataFrame:
    """How close each bound sits to the exact oracle, one row per (family, point).

    Points: the exact oracle, Eq. 9 (alpha = 1), Eq. 8 at alpha_min, and Eq. 8 at alpha_N (the
    constant alpha that gives the oracle's own accuracy, so only the costs differ). Columns:
    alpha, cost, accuracy (%), ``cost_vs_exact`` (bound / exact - 1), ``accuracy_vs_exact``
    (percentage points), ``best_accuracy`` (%; the most accurate reachable point at that cost)
    and ``verdict``: ``reachable`` when some agent attains the point (a conservative promise),
    ``optimistic`` when no agent reaches that accuracy at that cost.
    """
    records = []
    for result in results:
        exact = result.oracle.point
        points = [
            ("exact oracle", float("nan"), exact),
            ("alpha = 1 (Eq. 9)", 1.0, result.conservative),
            ("alpha_min (Eq. 8)", result.alpha_min, result.optimistic),
            ("alpha_N (Eq. 8)", result.alpha_n, result.at_alpha(result.alpha_n)),
        ]
        for label, alpha, point in points:
            best = float(result.region.best_accuracy(point.cost))
            reachable = bool(point.accuracy <= best + 1e-9)
            records.append({
                "family": result.name, "point": label, "alpha": alpha, "cost": point.cost,
                "accuracy_pct": 100.0 * point.accuracy,
                "cost_vs_exact": point.cost / exact.cost - 1.0,
                "accuracy_vs_exact": 100.0 * (point.accuracy - exact.accuracy),
                "best_accuracy_pct": 100.0 * best,
                "verdict": "exact" if label == "exact oracle" else ("reachable" if reachable else "optimistic"),
            })
    return pd.DataFrame(records)


def summary_view(summary: pd.DataFrame) -> pd.DataFrame:
    """:func:`bounds_summary` as chapter 05 shows it: index (family, point), the points named
    with Greek letters ("α = 1 (Eq. 9)"), ``cost_vs_exact`` in percent; the other columns as
    they are. Only the layout changes, not a value."""
    shown = summary.assign(
        point=summary["point"].str.replace("alpha", "α", regex=False),
        cost_vs_exact=100.0 * summary["cost_vs_exact"],
    )
    return shown.set_index(["family", "point"]).rename_axis([None, None])


def intervals_table(results: Sequence[EmpiricalBounds]) -> pd.DataFrame:
    """The bootstrap intervals of each family as chapter 05 shows them (Fig. 4's error bars):
    one row per (family, quantity), the exact Oracle's mean cost (in the family's unit) and
    accuracy (%), and alpha_min (named with the state it is measured at), with the
    ``estimate`` and the percentile interval ``low``-``high`` at the results' level."""
    records, index = [], []
    for r in results:
        ci = r.intervals
        records += [
            (r.oracle.cost, ci.loc["cost", "low"], ci.loc["cost", "high"]),
            (100.0 * r.oracle.accuracy, 100.0 * ci.loc["accuracy", "low"],
             100.0 * ci.loc["accuracy", "high"]),
            (r.alpha_min, r.alpha_min_low, r.alpha_min_high),
        ]
        index += [(r.name, f"R_oracle ({r.unit})"), (r.name, "A_oracle (%)"),
                  (r.name, f"α_min (state {r.alpha_min_state})")]
    return pd.DataFrame([[float(v) for v in row] for row in records], columns=["estimate", "low", "high"],
                        index=pd.MultiIndex.from_tuples(index, names=[None, None]))


def constant_alpha_segment(space: StateSpace, low: float, high: float, n_points: int = 21) -> pd.DataFrame:
    """The part of the Eq. 8 line between alpha = ``low`` and ``high`` (clipped to [0, 1])."""
    line = constant_alpha_line(space, 2)  # the two ends; Eq. 8 is affine in alpha
    alphas = np.linspace(np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0), n_points)
    return pd.DataFrame({
        "alpha": alphas,
        "cost": np.interp(alphas, line["alpha"], line["cost"]),
        "accuracy": np.interp(alphas, line["alpha"], line["accuracy"]),
    })


def guaranteed_region(space: StateSpace) -> np.ndarray:
    """Convex hull (counter-clockwise vertices) of the states and the alpha = 1 point.

    Each state is reachable (send everything to it); so is the alpha = 1 point of a space that
    meets Eq. 3: an oracle that stops helping once its accuracy reaches A_N pays at most the
    Eq. 9 cost, whatever the per-instance structure; mixtures reach the hull between them.
    """
    point = eq9_conservative(space)
    cloud = np.vstack([np.column_stack([space.costs, space.accuracies]), [[point.cost, point.accuracy]]])
    return convex_hull(cloud)


def convex_hull(points: np.ndarray) -> np.ndarray:
    """Counter-clockwise convex hull of 2-D points (Andrew's monotone chain)."""
    pts = np.unique(np.asarray(points, dtype=float), axis=0)  # sorted by x, then y
    if len(pts) <= 2:
        return pts

    def chain(sequence):
        hull: list[np.ndarray] = []
        for p in sequence:
            while len(hull) >= 2 and _turn(hull[-2], hull[-1], p) <= 0:
                hull.pop()
            hull.append(p)
        return hull[:-1]

    return np.array(chain(pts) + chain(pts[::-1]))


def _turn(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """z of (b - a) x (c - a): positive for a left (counter-clockwise) turn."""
    return float((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))


def states_table(result: EmpiricalBounds) -> pd.DataFrame:
    """The states of one family as chapter 05 shows them: cost, accuracy (%), whether the
    closed forms (Eq. 8-9) use the state (it is on the Pareto front, Eq. 3) and how many
    instances the exact oracle (Eq. 4, every state) sends to it. Index: the state names."""
    every, front = result.oracle.space, set(result.space.names)
    return pd.DataFrame({
        "cost": every.costs,
        "accuracy_pct": 100.0 * every.accuracies,
        "in Eq. 8-9": ["yes" if s in front else "no (dominated)" for s in every.names],
        "oracle_sends": result.oracle.histogram.astype(int),
    }, index=pd.Index(list(every.names)))


def oracle_against_bounds(result: EmpiricalBounds) -> pd.DataFrame:
    """The exact oracle against the closed-form bounds, one row per point (Sec. 3.3, Eq. 8-9;
    chapter 05): the exact oracle on every state (Eq. 4), the exact oracle on the Pareto front
    only (what dropping the dominated states would report), Eq. 9 (alpha = 1), Eq. 8 at
    alpha_min and at alpha_N. Columns: ``states`` used, ``alpha``, ``cost``, ``accuracy_pct``,
    ``cost_vs_exact`` (%, point / exact - 1), ``accuracy_vs_exact`` (points) and ``verdict``
    of :func:`bounds_summary`, all against the exact oracle on every state."""
    summary = bounds_summary([result]).set_index("point")
    front = result.front_oracle.point
    exact = result.oracle.point
    rows = [("exact oracle, every state", len(result.oracle.space), summary.loc["exact oracle"])]
    rows.append(("exact oracle, Pareto front", len(result.space), pd.Series({
        "alpha": float("nan"), "cost": front.cost, "accuracy_pct": 100.0 * front.accuracy,
        "cost_vs_exact": front.cost / exact.cost - 1.0,
        "accuracy_vs_exact": 100.0 * (front.accuracy - exact.accuracy), "verdict": "reachable",
    })))
    for label in ("alpha = 1 (Eq. 9)", "alpha_min (Eq. 8)", "alpha_N (Eq. 8)"):
        rows.append((label.replace("alpha", "α"), len(result.space), summary.loc[label]))
    columns = ["alpha", "cost", "accuracy_pct", "cost_vs_exact", "accuracy_vs_exact", "verdict"]
    frame = pd.DataFrame([{"states": n, **{c: row[c] for c in columns}} for _, n, row in rows],
                         index=pd.Index([label for label, _, _ in rows]))
    frame["cost_vs_exact"] = 100.0 * frame["cost_vs_exact"].astype(float)
    return frame
