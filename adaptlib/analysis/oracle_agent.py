"""The Oracle Agent, Sec. 2.2.1: the two-state table of Fig. 1 and the per-instance adaptation
labels of Eq. 4 (chapter 02)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from adaptlib.core.oracle import OracleResult
from adaptlib.core.prices import (
    COST_MODELS,
    NONE_CORRECT_RULES,
    paid_costs,
    unsolved_cost,
    unsolved_shift,
)


def adaptation_labels(result: OracleResult, truth: np.ndarray | None = None) -> pd.DataFrame:
    """The Oracle Agent's decision per instance (Eq. 4) as a table, ready to save as CSV.

    Columns: ``instance`` (row of the correctness matrix), ``true_label`` (when ``truth`` is
    given), ``oracle_state_index`` (0-based, cost order; -1 when no state is right),
    ``oracle_state`` (its name, ``none`` when no state is right) and ``oracle_cost``: what the
    oracle pays for the instance under ``result``'s ``none_correct`` rule and cost model, so
    that the column's mean is R_oracle.
    """
    space = result.space
    paid = paid_costs(space.costs, result.cost_model)
    none_cost = unsolved_cost(paid, result.none_correct)
    labels = np.asarray(result.labels)
    frame = pd.DataFrame({"instance": np.arange(labels.size)})
    if truth is not None:
        truth = np.asarray(truth)
        if truth.shape != labels.shape:
            raise ValueError(
                f"truth must hold one label per instance ({labels.size}); got shape {truth.shape}"
            )
        frame["true_label"] = truth
    frame["oracle_state_index"] = labels
    frame["oracle_state"] = result.label_names()
    frame["oracle_cost"] = np.where(labels >= 0, paid[np.maximum(labels, 0)], none_cost)
    return frame


def two_state_table(
    correct_small: np.ndarray,
    correct_large: np.ndarray,
    cost_small: float,
    cost_large: float,
    *,
    none_correct: str = "cheapest",
    cost_model: str = "routing",
) -> pd.DataFrame:
    """Fig. 1: the four cases of a small state S_s and a large state S_L, and the oracle's cost.

    Cells are named by (small, large) correctness: CC, CI (small right, large wrong), IC (the
    paper's IA: small wrong, large right) and II. The oracle of Definition 2.1 keeps S_s
    whenever S_s is right (CC, CI), escalates to S_L only on IC, and on II pays by the
    ``none_correct`` rule (``"cheapest"``: R_s, the paper's; ``"largest"``: R_L; ``"zero"``).
    With ``cost_model="cascade"`` escalating pays R_s + R_L. Columns: ``cell``, ``small``,
    ``large`` (bool), ``count``, ``probability``, ``oracle_state`` (which state it uses),
    ``oracle_cost`` (per instance in the cell). Sum probability x oracle_cost over the cells to
    get R_oracle; under the paper's rule it is R_s + (R_L - R_s) P(IC) (routing) or
    R_s + R_L P(IC) (cascade), a function of P(IC) alone.
    """
    small = _bool_vector("correct_small", correct_small)
    large = _bool_vector("correct_large", correct_large)
    if small.shape != large.shape:
        raise ValueError(
            "correct_small and correct_large must have one entry per instance each; "
            f"got {small.size} and {large.size}"
        )
    if none_correct not in NONE_CORRECT_RULES:
        raise ValueError(
            f"none_correct must be one of {', '.join(NONE_CORRECT_RULES)}; got {none_correct!r}"
        )
    if cost_model not in COST_MODELS:
        raise ValueError(f"cost_model must be one of {', '.join(COST_MODELS)}; got {cost_model!r}")
    r_s, r_l = float(cost_small), float(cost_large)
    if not (np.isfinite(r_s) and np.isfinite(r_l)) or r_s < 0 or r_l < 0:
        raise ValueError(
            f"cost_small and cost_large must be finite and >= 0; got {cost_small!r}, {cost_large!r}"
        )
    escalate = r_s + r_l if cost_model == "cascade" else r_l
    unsolved = unsolved_cost(np.array([r_s, escalate]), none_correct)
    unsolved_state = {"cheapest": "small", "largest": "large", "zero": "none"}[none_correct]
    cells = [
        ("CC", True, True, "small", r_s),
        ("CI", True, False, "small", r_s),
        ("IC", False, True, "large", escalate),
        ("II", False, False, unsolved_state, unsolved),
    ]
    counts = [int(np.count_nonzero((small == s) & (large == lg))) for _, s, lg, _, _ in cells]
    n = small.size
    return pd.DataFrame(
        {
            "cell": [c[0] for c in cells],
            "small": [c[1] for c in cells],
            "large": [c[2] for c in cells],
            "count": counts,
            "probability": np.asarray(counts, float) / n,
            "oracle_state": [c[3] for c in cells],
            "oracle_cost": [c[4] for c in cells],
        }
    )


def _bool_vector(name: str, values: np.ndarray) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D array of per-instance correctness; "
            f"got shape {arr.shape}"
        )
    if arr.dtype != bool:
        if not np.isin(arr, (0, 1)).all():
            raise ValueError(f"{name} must hold only 0/1 or True/False values")
        arr = arr.astype(bool)
    return arr


def require_state_pair(name: str, value, names, costs) -> tuple[int, int]:
    """A parameter naming the two states of Fig. 1, ``[S_s, S_L]``, validated (chapter 02).

    ``value`` must be a list of two distinct names from ``names`` with the first strictly
    cheaper than the second (``costs`` in the order of ``names``): Fig. 1 of the paper
    compares a small state with a large one, R_s < R_L. Returns the two column indices;
    raises ValueError naming the parameter otherwise.
    """
    names = list(names)
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValueError(f"parameter {name!r} = {value!r} must be a list of two states [small, large]")
    if len(value) != 2:
        raise ValueError(f"parameter {name!r} = {list(value)!r} has {len(value)} item(s); give two states [small, large]")
    for k, item in enumerate(value):
        if item not in names:
            raise ValueError(f"parameter '{name}[{k}]' = {item!r}: unknown state; accepted: {', '.join(names)}")
    small, large = names.index(value[0]), names.index(value[1])
    costs = np.asarray(costs, float)
    if not costs[small] < costs[large]:
        raise ValueError(
            f"parameter {name!r}: {value[0]!r} (cost {costs[small]:g}) must cost less than "
            f"{value[1]!r} (cost {costs[large]:g}); swap them or pick other states"
        )
    return small, large


def oracle_identities(
    correct: np.ndarray,
    costs: np.ndarray,
    names,
    *,
    none_correct: str = "cheapest",
    cost_model: str = "routing",
) -> pd.DataFrame:
    """The exact Oracle (Eq. 4) beside Eq. 5 and Eq. 7 on one correctness matrix (chapter 02).

    Rows ``cost`` and ``accuracy``; columns ``exact`` (:func:`adaptlib.exact_oracle`),
    ``Eq. 5`` (from P(e_i)) and ``Eq. 7`` (from A_i and alpha_i, Eq. 6). Both equations use the
    prices c_i of ``cost_model`` and add the correction (c_f - c_1) P(e_N) of the
    ``none_correct`` rule, as in the chapter's table of the digits families: the three
    columns agree, Eq. 5 and Eq. 7 being identities.
    """
    from adaptlib import eq5_oracle, eq7_oracle, exact_oracle

    exact = exact_oracle(correct, costs, names, none_correct=none_correct, cost_model=cost_model)
    c = paid_costs(exact.space.costs, cost_model)
    correction = unsolved_shift(c, none_correct, exact.p_e[-1])
    five = eq5_oracle(c, exact.p_e)
    seven = eq7_oracle(c, exact.space.accuracies, exact.alpha)
    return pd.DataFrame(
        {
            "exact": [exact.cost, exact.accuracy],
            "Eq. 5": [five.cost + correction, five.accuracy],
            "Eq. 7": [seven.cost + correction, seven.accuracy],
        },
        index=pd.Index(["cost", "accuracy"], name="quantity"),
    )


def two_state_summary(table: pd.DataFrame, cost_large: float) -> pd.Series:
    """One row of Fig. 1's numbers from :func:`two_state_table` (chapter 02, Sec. 2.2.1).

    The four cell shares ``P(CC)`` .. ``P(II)``, the accuracies ``A_s = P(CC) + P(CI)``,
    ``A_L = P(CC) + P(IC)`` and ``A_oracle = 1 - P(II)``, the Oracle's cost ``R_oracle`` (the
    cells' shares times what it pays in each) and ``R_oracle / R_L``, its cost as a fraction
    of always running the large state (``cost_large``, R_L).
    """
    share = table.set_index("cell")["probability"]
    cost = float((table["probability"] * table["oracle_cost"]).sum())
    return pd.Series(
        {
            **{f"P({c})": float(share[c]) for c in ("CC", "CI", "IC", "II")},
            "A_s": float(share["CC"] + share["CI"]),
            "A_L": float(share["CC"] + share["IC"]),
            "A_oracle": float(1.0 - share["II"]),
            "R_oracle": cost,
            "R_oracle / R_L": cost / float(cost_large),
        }
    )
