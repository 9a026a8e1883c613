"""Designing the state space, Sec. 4.1.1: Eq. 10, Algorithm 1 against the exact optimum, how many
states a family needs (chapter 06, Fig. 5-6)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from math import comb

import numpy as np
import pandas as pd

from adaptlib.analysis.comparison import book_beside_paper
from adaptlib.analysis.design_spaces import short_names
from adaptlib.core.bounds import eq9_conservative, eq10_terms
from adaptlib.core.selection import greedy_selection, optimal_selections
from adaptlib.core.states import StateSpace
from adaptlib.core.validate import is_integer, monotone_arrays

ALGORITHMS = ("exact", "greedy")
BRUTE_FORCE_BUDGET = 100_000  # subsets per size k that brute force may try (about 0.1 s)
_RTOL = 1e-9  # relative tolerance when two bounds are compared


def _k_max(space: StateSpace, k_max: int | None) -> int:
    n = len(space)
    if k_max is None:
        return n
    if not is_integer(k_max) or k_max < 2:
        raise ValueError(f"k_max (the largest number of states) must be an integer >= 2; got {k_max!r}")
    return int(min(k_max, n))


# -------------------------------------------------------------------- chapter 6: selection
def selection_curve(space: StateSpace, k_max: int | None = None) -> pd.DataFrame:
    """R_ratio against the number of states k = 2..k_max for Algorithm 1 and the exact
    optimum (Fig. 5): one row per (k, algorithm) with the alpha = 1 bound ``cost`` (Eq. 9),
    ``r_ratio`` = R_N / cost, ``share`` = r_ratio / r_ratio of all N states (the paper's
    "share of the gain of the largest discrete space"), ``dr_share`` = the same for dR, and
    the chosen ``indices``."""
    monotone_arrays(space, "selection_curve", min_states=2)
    k_max = _k_max(space, k_max)
    exact = optimal_selections(space, k_max)
    full = eq9_conservative(space).cost
    r_n = float(space.costs[-1])
    rows = []
    for k in range(2, k_max + 1):
        for algorithm, chosen in (("greedy", greedy_selection(space, k)), ("exact", exact[k])):
            cost = chosen.point.cost
            rows.append({"k": k, "algorithm": algorithm, "cost": cost, "r_ratio": r_n / cost,
                         "share": full / cost, "dr_share": (r_n - cost) / (r_n - full),
                         "indices": chosen.indices})
    return pd.DataFrame(rows)


def brute_force_bound(space: StateSpace, k: int, budget: int = BRUTE_FORCE_BUDGET) -> tuple[float, tuple[int, ...]]:
    """The least alpha = 1 bound (Eq. 9) over every subset of ``k`` states that keeps S_1 and
    S_N, tried one by one (all at once, as rows of an index array): the reference the exact
    selection is checked against. Refuses more than ``budget`` subsets."""
    r, a = monotone_arrays(space, "brute_force_bound", min_states=2)
    n = len(space)
    if not is_integer(k) or not 2 <= k <= n:
        raise ValueError(f"k (the number of states to keep) must be an integer in 2..{n}; got {k!r}")
    subsets = comb(n - 2, k - 2)
    if subsets > budget:
        raise ValueError(f"brute force over C({n - 2}, {k - 2}) = {subsets} subsets exceeds "
                         f"budget={budget}; raise the budget or use optimal_selection()")
    middle = np.array(list(combinations(range(1, n - 1), k - 2)), dtype=np.int64).reshape(subsets, k - 2)
    idx = np.hstack([np.zeros((subsets, 1), np.int64), middle, np.full((subsets, 1), n - 1)])
    cost = r[0] + np.sum((r[idx[:, 1:]] - r[0]) * np.diff(a[idx], axis=1), axis=1)
    best = int(np.argmin(cost))
    return float(cost[best]), tuple(int(i) for i in idx[best])


def brute_force_check(space: StateSpace, k_max: int | None = None,
                      budget: int = BRUTE_FORCE_BUDGET) -> pd.DataFrame:
    """For every k whose number of candidate subsets C(N-2, k-2) is at most ``budget``: the
    brute-force minimum of Eq. 9 (:func:`brute_force_bound`), the exact (DP) and the greedy
    bound, ``exact_is_brute`` (equal within 1e-9) and ``exact_le_greedy``. Sizes beyond the
    budget are left out."""
    curve = selection_curve(space, k_max).pivot(index="k", columns="algorithm", values="cost")
    n = len(space)
    rows = []
    for k in curve.index:
        subsets = comb(n - 2, int(k) - 2)
        if subsets > budget:
            continue
        brute, _ = brute_force_bound(space, int(k), budget)
        exact, greedy = curve.loc[k, "exact"], curve.loc[k, "greedy"]
        rows.append({"k": int(k), "subsets": subsets, "brute": brute, "exact": exact,
                     "greedy": greedy,
                     "exact_is_brute": bool(np.isclose(exact, brute, rtol=_RTOL, atol=0)),
                     "exact_le_greedy": bool(exact <= greedy * (1 + _RTOL))})
    return pd.DataFrame(rows, columns=["k", "subsets", "brute", "exact", "greedy",
                                       "exact_is_brute", "exact_le_greedy"])


def greedy_shortfalls(spaces: Mapping[str, StateSpace], k_max: int | None = None) -> pd.DataFrame:
    """Every size k at which Algorithm 1 misses the exact optimum, across ``spaces``:
    R_ratio of both, ``extra_cost_pct`` (how much more the greedy bound costs, in % of the
    optimum) and ``ratio_lost_pct`` (the share of the optimal R_ratio the greedy choice loses),
    with the states only one of them picks."""
    rows = []
    for label, space in spaces.items():
        curve = selection_curve(space, k_max)
        wide = curve.pivot(index="k", columns="algorithm", values="cost")
        chosen = curve.set_index(["k", "algorithm"])["indices"]
        names = short_names(space.names)
        for k in wide.index[wide["greedy"] > wide["exact"] * (1 + _RTOL)]:
            greedy, exact = wide.loc[k, "greedy"], wide.loc[k, "exact"]
            g_set, e_set = set(chosen[(k, "greedy")]), set(chosen[(k, "exact")])
            rows.append({
                "space": label, "k": int(k),
                "greedy_r_ratio": space.costs[-1] / greedy, "exact_r_ratio": space.costs[-1] / exact,
                "extra_cost_pct": 100.0 * (greedy / exact - 1.0),
                "ratio_lost_pct": 100.0 * (1.0 - exact / greedy),
                "greedy_only": ", ".join(names[i] for i in sorted(g_set - e_set)),
                "exact_only": ", ".join(names[i] for i in sorted(e_set - g_set)),
            })
    return pd.DataFrame(rows, columns=["space", "k", "greedy_r_ratio", "exact_r_ratio",
                                       "extra_cost_pct", "ratio_lost_pct", "greedy_only",
                                       "exact_only"])


def states_needed(curve: pd.DataFrame, algorithm: str = "exact", *, share: float | None = None,
                  r_ratio: float | None = None) -> int | None:
    """The fewest states whose R_ratio reaches ``share`` of the full space's or the target
    ``r_ratio`` (give exactly one), read from a :func:`selection_curve`; None if no size does."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}; got {algorithm!r}")
    if (share is None) == (r_ratio is None):
        raise ValueError("give exactly one target: share (a fraction in (0, 1]) or r_ratio (> 0)")
    if share is not None and not 0 < share <= 1:
        raise ValueError(f"share must lie in (0, 1]; got {share!r}")
    if r_ratio is not None and not r_ratio > 0:
        raise ValueError(f"r_ratio must be > 0; got {r_ratio!r}")
    rows = curve[curve["algorithm"] == algorithm].sort_values("k")
    column, target = ("share", share) if share is not None else ("r_ratio", r_ratio)
    reached = rows.loc[rows[column] >= target * (1 - _RTOL), "k"]
    return int(reached.iloc[0]) if len(reached) else None


def marginal_gains(space: StateSpace, indices: Sequence[int]) -> np.ndarray:
    """What each chosen state takes off the alpha = 1 bound of the chosen subset: removing
    interior state s raises Eq. 9 by [R(s_+) - R(s)][A(s) - A(s_-)], Algorithm 1's dR(s) with
    s_-, s_+ its chosen neighbours. NaN for the two ends, which every subset keeps."""
    r, a = monotone_arrays(space, "marginal_gains", min_states=2)
    idx = np.array(sorted(int(i) for i in indices))
    gain = np.full(idx.size, np.nan)
    gain[1:-1] = (r[idx[2:]] - r[idx[1:-1]]) * (a[idx[1:-1]] - a[idx[:-2]])
    return gain


def selection_path(space: StateSpace, k_max: int | None = None,
                   algorithm: str = "exact") -> pd.DataFrame:
    """The chosen subset for each size (Fig. 6), with the state that adds most over the
    next smaller subset: among the states new at size k, the one with the largest
    :func:`marginal_gains` (for greedy the one state added; exact subsets need not be nested,
    so several states can be new). ``added`` is its position, -1 at k = 2."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}; got {algorithm!r}")
    curve = selection_curve(space, k_max)
    rows = curve[curve["algorithm"] == algorithm].reset_index(drop=True)
    added, added_gain = [-1], [np.nan]
    for previous, current in zip(rows["indices"][:-1], rows["indices"][1:]):
        gain = marginal_gains(space, current)
        new = np.isin(current, previous, invert=True)
        best = int(np.nanargmax(np.where(new, gain, np.nan)))
        added.append(int(current[best]))
        added_gain.append(float(gain[best]))
    return rows.assign(added=added, added_gain=added_gain)


def algorithm1_trace(space: StateSpace, k: int) -> pd.DataFrame:
    """Algorithm 1 (A.3) step by step: at each step every unused state s with its chosen
    neighbours s_- and s_+, its score dR(s) = [R(s_+) - R(s)][A(s) - A(s_-)], whether it is
    taken (largest score, ties to the cheaper state), and the bound once it is added."""
    r, a = monotone_arrays(space, "algorithm1_trace", min_states=2)
    n = len(space)
    if not is_integer(k) or not 2 <= k <= n:
        raise ValueError(f"k (the number of states to keep) must be an integer in 2..{n}; got {k!r}")
    chosen = np.array([0, n - 1])
    frames = []
    for step in range(1, k - 1):
        unused = np.setdiff1d(np.arange(n), chosen)
        pos = np.searchsorted(chosen, unused)
        below, above = chosen[pos - 1], chosen[pos]
        score = (r[above] - r[unused]) * (a[unused] - a[below])
        taken = unused[np.argmax(score)]
        chosen = np.sort(np.append(chosen, taken))
        frames.append(pd.DataFrame({
            "step": step, "state": unused, "below": below, "above": above, "dR": score,
            "taken": unused == taken,
            "bound_after": eq9_conservative(space.subset(chosen)).cost}))
    if not frames:
        return pd.DataFrame(columns=["step", "state", "below", "above", "dR", "taken", "bound_after"])
    return pd.concat(frames, ignore_index=True)


def eq10_contributions(space: StateSpace) -> pd.DataFrame:
    """Eq. 10 term by term: the dynamic-range part R_1 + (A_N - A_1)(R_N - R_1), then each
    state i = 2..N with its saving (A_i - A_{i-1})(R_N - R_i) and ``share`` of all savings;
    ``bound_after`` runs down to the alpha = 1 bound."""
    terms = eq10_terms(space)
    total = terms.savings.sum()
    return pd.DataFrame({
        "state": space.names[1:],
        "cost": space.costs[1:],
        "accuracy": space.accuracies[1:],
        "saving": terms.savings,
        "share": terms.savings / total if total > 0 else np.zeros_like(terms.savings),
        "bound_after": terms.dynamic_range - np.cumsum(terms.savings),
    })


def path_changes(path: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Fig. 6's subsets size by size, in words (chapter 06): for each k of a
    :func:`selection_path`, its ``r_ratio`` and ``share``, the ``red_dot`` state (the one that
    adds most, Algorithm 1's dR of Appendix A.3 with its chosen neighbours), the states ``new``
    at size k and those ``left_out`` from size k - 1 (exact subsets need not be nested)."""
    previous = [(), *path["indices"][:-1]]
    return path.assign(
        red_dot=[names[i] if i >= 0 else "" for i in path["added"]],
        new=[", ".join(names[i] for i in ix if i not in p) for ix, p in zip(path["indices"], previous)],
        left_out=[", ".join(names[i] for i in p if i not in ix)
                  for ix, p in zip(path["indices"], previous)],
    )[["k", "r_ratio", "share", "red_dot", "new", "left_out"]]


# Sec. 4.1.1: "for ImageNet SOTA, it is possible to realize over a 100x efficiency gain
# (equivalent to 90% of the efficiency gain of the largest discrete state space) using only 7
# states"; R_N and the full space's R_ratio are Table 1's ImageNet SOTA row. NaN: not stated.
PAPER_CLAIM = {"states": np.nan, "R_N": 2586.0, "r_ratio_all": 121.77, "r_ratio_best": 100.0,
               "r_ratio_greedy": np.nan, "share_best": 0.90, "dr_share_best": np.nan,
               "k_target": 7.0}
CLAIM_STATES = 7  # the paper's "only 7 states"
CLAIM_TARGET = 100.0  # the paper's "over a 100x efficiency gain"


def claim_table(fronts: Mapping[str, StateSpace], gain_share: float = 0.9) -> pd.DataFrame:
    """The claim of Sec. 4.1.1 (chapter 06) checked on each front: one row of the book's values
    (``book``), one of the paper's (``paper``, :data:`PAPER_CLAIM`; 100 stands for "over 100x",
    7 for "seven states suffice") and their ``difference`` (book - paper), indexed by (front,
    source). Columns: the front's ``states`` and ``R_N``, R_ratio (Eq. 9) of all its states, of
    the best and of the greedy 7 (``r_ratio_best``, ``r_ratio_greedy``), the best 7's share of
    the full R_ratio and of the full dR, the fewest states reaching 100x (``k_target``) and
    ``gain_share`` of the full R_ratio (``k_share``); NaN where no size reaches it."""
    pairs = {}
    paper = {**PAPER_CLAIM, "k_share": float(CLAIM_STATES) if gain_share == 0.9 else np.nan}
    for front, space in fronts.items():
        curve = selection_curve(space)
        c = curve.set_index(["k", "algorithm"])
        k_target = states_needed(curve, r_ratio=CLAIM_TARGET)
        k_share = states_needed(curve, share=gain_share)
        book = {"states": float(len(space)), "R_N": float(space.costs[-1]),
                "r_ratio_all": c.loc[(len(space), "exact"), "r_ratio"],
                "r_ratio_best": c.loc[(CLAIM_STATES, "exact"), "r_ratio"],
                "r_ratio_greedy": c.loc[(CLAIM_STATES, "greedy"), "r_ratio"],
                "share_best": c.loc[(CLAIM_STATES, "exact"), "share"],
                "dr_share_best": c.loc[(CLAIM_STATES, "exact"), "dr_share"],
                "k_target": np.nan if k_target is None else float(k_target),
                "k_share": np.nan if k_share is None else float(k_share)}
        pairs[front] = (book, paper)
    return book_beside_paper(pairs, ("front", "source"))
