"""Adaptation costs and dynamic range, Sec. 4.2 and A.4: the overheads beta_0, beta_1 and their
break-even values, Eq. 15-16 (chapter 08)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from adaptlib.analysis.design_spaces import NamedSpace
from adaptlib.core.bounds import (
    adapted_oracle_cost,
    eq8_constant_alpha,
    eq9_conservative,
    eq16_smallest_state,
    gains,
)
from adaptlib.core.oracle import exact_oracle
from adaptlib.core.states import StateSpace
from adaptlib.core.validate import monotone_arrays


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
    r, a = monotone_arrays(space, "dynamic_range_pairs", min_states=2)
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


def overhead_grid_check(instances: Mapping[str, tuple[np.ndarray, Sequence[float]]],
                        beta0_grid: Sequence[float], beta1_grid: Sequence[float]) -> pd.DataFrame:
    """The identity of Sec. 4.2 (chapter 08) on every data set of ``instances`` (name ->
    correctness matrix and costs), over every pair of ``beta0_grid`` x ``beta1_grid``, with
    beta_0 in units of the data set's cheapest state's cost R_1: :func:`overhead_check` per
    data set, stacked, with the data set's name in ``data``."""
    frames = []
    for name, (correct, costs) in instances.items():
        r_1 = float(np.min(costs))
        b0, b1 = np.meshgrid(np.array(beta0_grid) * r_1, beta1_grid, indexing="ij")
        frames.append(overhead_check(correct, costs, b0.ravel(), b1.ravel()).assign(data=name))
    return pd.concat(frames, ignore_index=True)


def dynamic_range_by_top(pairs: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Eq. 15 against Eq. 9 for each choice of the largest state S_j (A.4.2, chapter 08), from
    :func:`dynamic_range_pairs`: the ``top`` state, its accuracy and cost; the two-state
    bound with the cheapest state (``cost``, ``r_ratio``); the cheapest state that gives the
    best two-state bound for S_j (``best_low``, ``r_ratio_best_pair``); and Eq. 9 on every
    state from the cheapest to S_j (``cost_all``, ``r_ratio_all``)."""
    by_top = pairs[pairs["i"] == 0].assign(top=lambda t: [names[j] for j in t["j"]])
    best = pairs.loc[pairs.groupby("j")["cost"].idxmin()].set_index("j")
    by_top["best_low"] = [names[best.loc[j, "i"]] for j in by_top["j"]]
    by_top["r_ratio_best_pair"] = [best.loc[j, "r_ratio"] for j in by_top["j"]]
    by_top["r_ratio_all"] = by_top["R_high"] / by_top["cost_all"]
    return by_top[["top", "A_high", "R_high", "cost", "r_ratio", "best_low",
                   "r_ratio_best_pair", "cost_all", "r_ratio_all"]].reset_index(drop=True)
