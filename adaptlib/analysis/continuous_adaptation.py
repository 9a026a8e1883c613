"""Continuous adaptation, Sec. 4.1.2: the accuracy-cost curve between states, Eq. 11 as the
limit of ever finer state spaces, Table 2 (chapter 07)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from adaptlib.analysis.comparison import book_beside_paper
from adaptlib.core.bounds import eq9_conservative, eq11_continuous, gains
from adaptlib.core.states import StateSpace
from adaptlib.core.validate import is_integer, monotone_arrays
from adaptlib.datasets import public

INTERPOLATIONS = ("linear", "log")


# ------------------------------------------------------------ chapter 7: continuous states
def accuracy_curve(space: StateSpace, costs, interpolation: str = "linear") -> np.ndarray:
    """A(R) of Eq. 11 through the states of ``space``: linear in cost between neighbours,
    linear in log cost (``"log"``), or held at the cheaper state (``"step"``, Eq. 9's A)."""
    r, a = monotone_arrays(space, "accuracy_curve", min_states=2)
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
    r, _ = monotone_arrays(space, "refine", min_states=2)
    if not is_integer(per_segment) or per_segment < 0:
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


# the book's column of Table 2 -> the printed value it is compared with
TABLE2_PRINTED = {"A_oracle_pct": "printed_A_oracle_pct", "R_oracle": "printed_R_oracle",
                  "dR": "printed_dR", "R_ratio": "printed_R_ratio", "R_N": "printed_R_N",
                  "R_ratio_discrete": "printed_R_ratio_discrete",
                  "continuous_over_discrete": "printed_continuous_over_discrete"}


def table2_comparison(table: pd.DataFrame) -> pd.DataFrame:
    """Table 2 (Sec. 4.1.2, Eq. 11) as chapter 07 shows it: for each data set of
    :func:`table2`, a row of the book's values, one of the printed values and their
    difference (book - printed), indexed by (data set with its cost unit, source)."""
    pairs = {
        f"{row['dataset']} ({row['cost_unit']})": (
            {column: row[column] for column in TABLE2_PRINTED},
            {column: row[printed] for column, printed in TABLE2_PRINTED.items()},
        )
        for row in table.to_dict("records")
    }
    return book_beside_paper(pairs, ("data set", "source"))


def interpolation_sensitivity() -> pd.DataFrame:
    """Eq. 11 under both interpolations (chapter 07) for every model pool of every envelope:
    its ``states`` and ``R_N``, R_ratio of the discrete bound (Eq. 9), of the continuous
    bound interpolated linearly in cost and in log cost, and ``log_over_linear``; after each
    envelope's pools, a row ``paper`` with the printed R_N (Table 1), discrete R_ratio (Table 1)
    and continuous R_ratio (Table 2). Indexed by (envelope, pool)."""
    rows = {}
    for key in public.ENVELOPES:
        for pool in public.envelope_pools(key):
            by_interp = {i: table2(i, {key: pool}).set_index("key").loc[key] for i in INTERPOLATIONS}
            linear, log = by_interp["linear"], by_interp["log"]
            rows[(linear["dataset"], pool)] = {
                "states": float(linear["states"]), "R_N": linear["R_N"],
                "discrete": linear["R_ratio_discrete"], "linear": linear["R_ratio"],
                "log": log["R_ratio"], "log_over_linear": log["R_ratio"] / linear["R_ratio"]}
        rows[(linear["dataset"], "paper")] = {
            "states": np.nan, "R_N": linear["printed_R_N"],
            "discrete": linear["printed_R_ratio_discrete"], "linear": linear["printed_R_ratio"],
            "log": np.nan, "log_over_linear": np.nan}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index = pd.MultiIndex.from_tuples(list(rows), names=["envelope", "pool"])
    return frame
