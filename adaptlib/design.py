"""Designing the adaptation state space: what chapters 6-8 compute beyond the core bounds.

- Sec. 4.1 and A.3 (chapter 6): which k states to keep. Selection curves R_ratio(k) for
  Algorithm 1 (greedy) and the exact optimum, checks against brute force, every size where
  greedy loses, the fewest states that reach a share of the full gain, Algorithm 1 traced step
  by step, and each state's saving term in Eq. 10.
- Sec. 4.1.2 (chapter 7): Eq. 11 on an interpolated envelope, Table 2 next to the printed
  values, and the discrete bound (Eq. 9) approaching Eq. 11 as virtual states are added.
- Sec. 4.2 and A.4 (chapter 8): adaptation overheads Delta_i = beta_0 + beta_1 R_i, where they
  cancel the gain, the dynamic-range trade-off of Eq. 15, and Eq. 16 with its two right-hand
  sides.

Every function takes a :class:`~adaptlib.StateSpace` that meets Eq. 3 (call ``.pareto()``
first) and returns plain numbers or a DataFrame; costs keep the unit of the space.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from math import comb

import numpy as np
import pandas as pd

from . import digits, public
from .bounds import (
    adapted_oracle_cost,
    eq8_constant_alpha,
    eq9_conservative,
    eq10_terms,
    eq11_continuous,
    eq16_smallest_state,
    gains,
)
from .oracle import exact_oracle
from .selection import greedy_selection, optimal_selections
from .states import StateSpace

SPACES = ("imagenet", "hellaswag", "efficientnet", "vit", "pythia", "llama2",
          "width", "resolution", "mixed")
# Classes C of Eq. 16: ImageNet-1K has 1,000; HellaSwag offers four endings (a random guess is
# right 1/4 of the time); the digits are 0-9.
N_CLASSES = {"imagenet": 1000, "efficientnet": 1000, "vit": 1000,
             "hellaswag": 4, "pythia": 4, "llama2": 4,
             "width": 10, "resolution": 10, "mixed": 10}
LABELS = {"imagenet": "ImageNet envelope", "hellaswag": "HellaSwag envelope",
          "efficientnet": "EfficientNet", "vit": "ViT", "pythia": "Pythia", "llama2": "Llama-2",
          "width": "digits: width", "resolution": "digits: resolution",
          "mixed": "digits: mixed (Pareto)"}
ALGORITHMS = ("exact", "greedy")
INTERPOLATIONS = ("linear", "log")
BRUTE_FORCE_BUDGET = 100_000  # subsets per size k that brute force may try (about 0.1 s)
_RTOL = 1e-9  # relative tolerance when two bounds are compared


# ----------------------------------------------------------------------------- state spaces
@dataclass(frozen=True, eq=False)
class NamedSpace:
    """A state space with what the chapters print beside it.

    ``space`` meets Eq. 2-3 (dominated states dropped, listed in ``dropped``); ``unit`` is its
    cost unit (GMACs for ImageNet, GFLOPs for HellaSwag, FLOPs per image for the digits);
    ``n_classes`` is C of Eq. 16.
    """

    name: str
    label: str
    space: StateSpace
    unit: str
    n_classes: int
    dropped: tuple[str, ...]


def load_space(name: str, *, pool: str | None = None) -> NamedSpace:
    """One of :data:`SPACES`: a public envelope (``pool`` picks its model pool, see
    :func:`adaptlib.public.envelope_pools`), a public family (default accuracy source), or a
    digits family (measured out-of-fold accuracies), with dominated states dropped."""
    if name not in SPACES:
        raise ValueError(f"space {name!r} is unknown; accepted: {', '.join(SPACES)}")
    if pool is not None and name not in public.ENVELOPES:
        raise ValueError(f"pool={pool!r} only applies to the envelopes "
                         f"{', '.join(public.ENVELOPES)}, not to {name!r}")
    if name in public.ENVELOPES:
        full, unit = public.load_envelope(name, pool), public.cost_unit(name)
    elif name in public.FAMILIES:
        full, unit = public.load_family(name), public.cost_unit(name)
    else:
        full, unit = digits.load_family(name).space, "FLOPs"
    kept = full.pareto()
    dropped = tuple(n for n in full.names if n not in set(kept.names))
    return NamedSpace(name, LABELS[name], kept, unit, N_CLASSES[name], dropped)


def custom_space(path: str, n_classes: int = 2) -> NamedSpace:
    """A user's ``state,cost,accuracy`` CSV (accuracies as fractions) as a NamedSpace."""
    full = StateSpace.from_csv(path)
    full.require_accuracies(f"the state space in {path}")
    kept = full.pareto()
    dropped = tuple(n for n in full.names if n not in set(kept.names))
    return NamedSpace("custom", "your space", kept, "cost units", n_classes, dropped)


def short_names(names: Sequence[str]) -> tuple[str, ...]:
    """Names for tables and figures: ``timm:caformer_m36.sail_in22k_ft_in1k@224`` becomes
    ``caformer_m36@224``, ``torchvision:ViT_B_16_Weights.X`` becomes ``ViT_B_16``, and
    ``org/model`` becomes ``model``. A shortened name that would repeat keeps its full form."""
    short = []
    for name in names:
        text = re.sub(r"^(timm|torchvision):", "", name)
        text = re.sub(r"\.[^@]*(@\d+)$", r"\1", text)  # timm: drop the pretrained tag
        text = re.sub(r"_Weights\..*$", "", text)  # torchvision: drop the weight enum
        short.append(text.rsplit("/", 1)[-1])
    return tuple(s if short.count(s) == 1 else n for s, n in zip(short, names))


def _monotone(space: StateSpace, context: str) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(space, StateSpace):
        raise ValueError(f"{context} takes a StateSpace; build one with StateSpace.from_arrays()")
    space.require_monotone(context)
    if len(space) < 2:
        raise ValueError(f"{context} needs at least two states; the space has {len(space)}")
    return space.costs, space.accuracies


def _k_max(space: StateSpace, k_max: int | None) -> int:
    n = len(space)
    if k_max is None:
        return n
    if isinstance(k_max, bool) or not isinstance(k_max, (int, np.integer)) or k_max < 2:
        raise ValueError(f"k_max (the largest number of states) must be an integer >= 2; got {k_max!r}")
    return int(min(k_max, n))


# -------------------------------------------------------------------- chapter 6: selection
def selection_curve(space: StateSpace, k_max: int | None = None) -> pd.DataFrame:
    """R_ratio against the number of states k = 2..k_max for Algorithm 1 and the exact
    optimum (Fig. 5): one row per (k, algorithm) with the alpha = 1 bound ``cost`` (Eq. 9),
    ``r_ratio`` = R_N / cost, ``share`` = r_ratio / r_ratio of all N states (the paper's
    "share of the gain of the largest discrete space"), ``dr_share`` = the same for dR, and
    the chosen ``indices``."""
    _monotone(space, "selection_curve")
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
    r, a = _monotone(space, "brute_force_bound")
    n = len(space)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 2 <= k <= n:
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
    r, a = _monotone(space, "marginal_gains")
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
    r, a = _monotone(space, "algorithm1_trace")
    n = len(space)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 2 <= k <= n:
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


# ------------------------------------------------------------ chapter 7: continuous states
def accuracy_curve(space: StateSpace, costs, interpolation: str = "linear") -> np.ndarray:
    """A(R) of Eq. 11 through the states of ``space``: linear in cost between neighbours,
    linear in log cost (``"log"``), or held at the cheaper state (``"step"``, Eq. 9's A)."""
    r, a = _monotone(space, "accuracy_curve")
    x = np.asarray(costs, dtype=float)
    if np.any(~np.isfinite(x)) or np.any(x < r[0]) or np.any(x > r[-1]):
        raise ValueError(f"costs must lie within the space's range [{r[0]:g}, {r[-1]:g}]")
    if interpolation == "linear":
        return np.interp(x, r, a)
    if interpolation == "log":
        if r[0] <= 0:
            raise ValueError("interpolation='log' needs every cost > 0")
        return np.interp(np.log(x), np.log(r), a)
    if interpolation == "step":
        return a[np.searchsorted(r, x, side="right") - 1]
    raise ValueError(f"interpolation must be one of linear, log, step; got {interpolation!r}")


def refine(space: StateSpace, per_segment: int, interpolation: str = "linear") -> StateSpace:
    """The space with ``per_segment`` virtual states added between each pair of neighbours,
    evenly spaced in cost (``"linear"``) or in log cost (``"log"``), their accuracies read
    from :func:`accuracy_curve`: a discrete space that tends to the continuous one of Eq. 11."""
    r, _ = _monotone(space, "refine")
    if isinstance(per_segment, bool) or not isinstance(per_segment, (int, np.integer)) or per_segment < 0:
        raise ValueError(f"per_segment must be an integer >= 0; got {per_segment!r}")
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"interpolation must be one of {', '.join(INTERPOLATIONS)}; got {interpolation!r}")
    if per_segment == 0:
        return space
    t = np.arange(1, per_segment + 1) / (per_segment + 1)
    if interpolation == "linear":
        extra = r[:-1, None] + np.diff(r)[:, None] * t[None, :]
    else:
        extra = np.exp(np.log(r[:-1, None]) + np.diff(np.log(r))[:, None] * t[None, :])
    extra = extra.ravel()
    names = [*space.names, *(f"virtual {j}" for j in range(extra.size))]
    costs = np.concatenate([r, extra])
    accuracies = np.concatenate([space.accuracies, accuracy_curve(space, extra, interpolation)])
    return StateSpace.from_arrays(names, costs, accuracies)


def continuum_approach(space: StateSpace, per_segment: Sequence[int],
                       interpolation: str = "linear") -> pd.DataFrame:
    """Eq. 9 on :func:`refine` (space, m) for each m in ``per_segment``, against Eq. 11 on the
    same curve: ``gap`` = Eq. 9 - Eq. 11. For linear interpolation the gap is exactly
    sum_j dR_j dA_j / (2 (m + 1)) (``gap_formula``), so it halves when m + 1 doubles."""
    continuous = eq11_continuous(space, interpolation).cost
    r_n = float(space.costs[-1])
    half_area = 0.5 * float(np.sum(np.diff(space.costs) * np.diff(space.accuracies)))
    rows = []
    for m in per_segment:
        fine = refine(space, m, interpolation)
        cost = eq9_conservative(fine).cost
        rows.append({"per_segment": int(m), "states": len(fine), "cost": cost,
                     "r_ratio": r_n / cost, "gap": cost - continuous,
                     "gap_formula": half_area / (m + 1) if interpolation == "linear" else np.nan})
    return pd.DataFrame(rows).assign(continuous_cost=continuous, continuous_r_ratio=r_n / continuous)


def table2(interpolation: str = "linear", pools: Mapping[str, str | None] | None = None) -> pd.DataFrame:
    """Table 2 (Sec. 4.1.2) reproduced from the public envelopes, one row per data set, beside
    the printed values. Eq. 11 on the envelope interpolated as asked; also the discrete bound
    (Eq. 9, Table 1's SOTA rows) and how much continuous adaptation adds over it.

    Units: ImageNet costs are GMACs, HellaSwag costs GFLOPs, as printed (the paper labels both
    GFLOPs); ``R_ratio`` and ``dA`` are unit-free."""
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"interpolation must be one of {', '.join(INTERPOLATIONS)}; got {interpolation!r}")
    pools = dict(pools or {})
    printed2 = public.paper_table2().set_index("key")
    printed1 = public.paper_table1().set_index("key")
    rows = []
    for key in public.ENVELOPES:
        pool = pools.get(key) or public.envelope_pools(key)[0]
        space = public.load_envelope(key, pool)
        point = eq11_continuous(space, interpolation)
        g = gains(point, space)
        discrete = gains(eq9_conservative(space), space)
        p2, p1 = printed2.loc[key], printed1.loc[key]
        rows.append({
            "dataset": p2["dataset"], "key": key, "pool": pool, "interpolation": interpolation,
            "cost_unit": public.cost_unit(key), "states": len(space),
            "R_1": float(space.costs[0]), "R_N": float(space.costs[-1]),
            "A_oracle_pct": 100.0 * point.accuracy, "R_oracle": point.cost, "dR": g.delta_r,
            "R_ratio": g.r_ratio,
            "printed_A_oracle_pct": float(p2["A_oracle_pct"]), "printed_R_oracle": float(p2["R_oracle"]),
            "printed_dR": float(p2["dR"]), "printed_R_ratio": float(p2["R_ratio"]),
            "printed_R_N": float(p1["R_N"]),
            "A_oracle_diff_pp": 100.0 * point.accuracy - float(p2["A_oracle_pct"]),
            "R_ratio_over_printed": g.r_ratio / float(p2["R_ratio"]),
            "R_ratio_discrete": discrete.r_ratio, "printed_R_ratio_discrete": float(p1["R_ratio_a1"]),
            "continuous_over_discrete": g.r_ratio / discrete.r_ratio,
            "printed_continuous_over_discrete": float(p2["R_ratio"]) / float(p1["R_ratio_a1"]),
        })
    return pd.DataFrame(rows)


def printed_table2_consistency() -> pd.DataFrame:
    """Whether the printed Table 2 agrees with itself and with Table 1's R_N: R_N / R_oracle
    against the printed R_ratio, R_N - R_oracle against the printed dR."""
    t2 = public.paper_table2().set_index("key")
    t1 = public.paper_table1().set_index("key")
    r_n = t1.loc[t2.index, "R_N"].to_numpy(float)
    return pd.DataFrame({
        "dataset": t2["dataset"].to_numpy(), "printed_R_N": r_n,
        "printed_R_oracle": t2["R_oracle"].to_numpy(float),
        "R_N_over_R_oracle": r_n / t2["R_oracle"].to_numpy(float),
        "printed_R_ratio": t2["R_ratio"].to_numpy(float),
        "R_N_minus_R_oracle": r_n - t2["R_oracle"].to_numpy(float),
        "printed_dR": t2["dR"].to_numpy(float),
    })


# ------------------------------------------------------------ chapter 8: overheads, range
def _grid(name: str, values) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    if x.size == 0 or not np.all(np.isfinite(x)) or np.any(x < 0):
        raise ValueError(f"{name} must be a non-empty list of finite numbers >= 0; got {values!r}")
    return x


def overhead_check(correct: np.ndarray, costs: Sequence[float], beta0: Sequence[float],
                   beta1: Sequence[float]) -> pd.DataFrame:
    """Sec. 4.2 on per-instance data: the exact oracle (Def. 2.1, the paper's rule for
    instances no state gets right) recomputed with every R_i replaced by R_i + beta_0 +
    beta_1 R_i (``direct``) against beta_0 + (1 + beta_1) R_oracle (``identity``), for each
    pair (beta0[j], beta1[j])."""
    b0, b1 = _grid("beta0", beta0), _grid("beta1", beta1)
    if b0.shape != b1.shape:
        raise ValueError(f"beta0 and beta1 must pair up one to one; got {b0.size} and {b1.size} values")
    r = np.asarray(costs, dtype=float)
    base = exact_oracle(correct, r).cost
    direct = [exact_oracle(correct, r + x0 + x1 * r).cost for x0, x1 in zip(b0, b1)]
    identity = [adapted_oracle_cost(base, x0, x1) for x0, x1 in zip(b0, b1)]
    return pd.DataFrame({"beta0": b0, "beta1": b1, "direct": direct, "identity": identity})


def overhead_check_closed_form(space: StateSpace, alpha: float, beta0: Sequence[float],
                               beta1: Sequence[float]) -> pd.DataFrame:
    """The same identity on Eq. 8 (constant alpha): Eq. 8 on the space with overheads added to
    its costs against beta_0 + (1 + beta_1) times Eq. 8 on the space as is."""
    b0, b1 = _grid("beta0", beta0), _grid("beta1", beta1)
    if b0.shape != b1.shape:
        raise ValueError(f"beta0 and beta1 must pair up one to one; got {b0.size} and {b1.size} values")
    base = eq8_constant_alpha(space, alpha).cost
    r = space.costs
    direct = [eq8_constant_alpha(space.with_costs(r + x0 + x1 * r), alpha).cost for x0, x1 in zip(b0, b1)]
    identity = [adapted_oracle_cost(base, x0, x1) for x0, x1 in zip(b0, b1)]
    return pd.DataFrame({"beta0": b0, "beta1": b1, "direct": direct, "identity": identity})


def overhead_ratios(space: StateSpace, beta0: Sequence[float], beta1: Sequence[float]) -> pd.DataFrame:
    """R'_ratio = R_N / (beta_0 + (1 + beta_1) R_oracle) on the grid beta0 x beta1, with
    R_oracle the alpha = 1 bound (Eq. 9) and R_N, the largest state run alone, paying no
    overhead. ``pays`` is R'_ratio > 1. beta_0 is in the space's cost unit."""
    b0, b1 = np.meshgrid(_grid("beta0", beta0), _grid("beta1", beta1), indexing="ij")
    r_oracle = eq9_conservative(space).cost
    adapted = b0 + (1.0 + b1) * r_oracle
    ratio = space.costs[-1] / adapted
    return pd.DataFrame({"beta0": b0.ravel(), "beta1": b1.ravel(), "cost": adapted.ravel(),
                         "r_ratio": ratio.ravel(), "pays": ratio.ravel() > 1.0})


def break_even(spaces: Mapping[str, NamedSpace]) -> pd.DataFrame:
    """Where overheads cancel the alpha = 1 gain, per space: beta_0 + (1 + beta_1) R_oracle =
    R_N. In unit-free form beta_0 / R_N + (1 + beta_1) / R_ratio = 1, so the break-even
    beta_1 (with beta_0 = 0) is R_ratio - 1 and the break-even beta_0 (with beta_1 = 0) is
    R_N (1 - 1 / R_ratio), also given in units of R_1 (the cheapest state's cost)."""
    rows = []
    for key, named in spaces.items():
        space = named.space
        point = eq9_conservative(space)
        ratio = gains(point, space).r_ratio
        r_n, r_1 = float(space.costs[-1]), float(space.costs[0])
        beta0 = r_n - point.cost
        rows.append({"space": named.label, "key": key, "cost_unit": named.unit, "R_1": r_1, "R_N": r_n,
                     "R_oracle": point.cost, "R_ratio": ratio, "beta1_break_even": ratio - 1.0,
                     "beta0_break_even": beta0, "beta0_over_R_N": beta0 / r_n,
                     "beta0_over_R_1": beta0 / r_1 if r_1 > 0 else np.inf})
    return pd.DataFrame(rows)


def dynamic_range_pairs(space: StateSpace) -> pd.DataFrame:
    """Every two-state space {S_i, S_j}, i < j (Eq. 15, A.4): R_oracle = R_i + (A_j - A_i)(R_j - R_i),
    A_oracle = A_j, with ``r_ratio`` against R_j; and ``cost_all`` = Eq. 9 on all the states
    from S_i to S_j, what the intermediate states take off the same dynamic range."""
    r, a = _monotone(space, "dynamic_range_pairs")
    i, j = np.triu_indices(len(space), k=1)
    eq15 = r[i] + (a[j] - a[i]) * (r[j] - r[i])
    # Eq. 9 on S_i..S_j: R_i + sum_{m=i+1..j} (R_m - R_i)(A_m - A_{m-1}); with
    # c[m] = sum_{l<=m} R_l (A_l - A_{l-1}) the sum is c[j] - c[i] - R_i (A_j - A_i).
    c = np.concatenate([[0.0], np.cumsum(r[1:] * np.diff(a))])
    all_states = r[i] + c[j] - c[i] - r[i] * (a[j] - a[i])
    names = np.array(space.names, dtype=object)
    return pd.DataFrame({"low": names[i], "high": names[j], "i": i, "j": j,
                         "R_low": r[i], "R_high": r[j], "A_low": a[i], "A_high": a[j],
                         "cost": eq15, "r_ratio": r[j] / eq15, "cost_all": all_states})


def eq16_table(spaces: Mapping[str, NamedSpace]) -> pd.DataFrame:
    """Eq. 16 (A.4.1) for each space with its number of classes C: the threshold on R_1 with
    R_2 (as the proof in A.2 derives) and with R_N (as printed), each verdict, and the direct
    comparison the criterion stands for: the alpha = 1 bound with S_1 (``cost``) against the
    bound with S_1 replaced by a free random guesser (R = 0, A = 1/C)."""
    rows = []
    for key, named in spaces.items():
        check = eq16_smallest_state(named.space, named.n_classes)
        direct = check.cost < check.cost_with_guesser
        agrees = [side for side, verdict in (("R_2", check.worth_it_r2), ("R_N", check.worth_it_rn))
                  if verdict == direct]
        s = named.space
        rows.append({
            "space": named.label, "key": key, "C": named.n_classes, "cost_unit": named.unit,
            "R_1": check.r1, "A_1": float(s.accuracies[0]), "R_2": float(s.costs[1]),
            "R_N": float(s.costs[-1]), "A_N": float(s.accuracies[-1]),
            "threshold_R2": check.threshold_r2, "threshold_RN": check.threshold_rn,
            "worth_it_R2": check.worth_it_r2, "worth_it_RN": check.worth_it_rn,
            "cost": check.cost, "cost_with_guesser": check.cost_with_guesser,
            "worth_it_direct": bool(direct),
            "direct_agrees_with": " and ".join(agrees) if agrees else "neither",
        })
    return pd.DataFrame(rows)
