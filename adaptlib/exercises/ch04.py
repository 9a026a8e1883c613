"""Answers of the exercises of chapter 04 (Opportunity bounds of public model families).

Chapter 04 (``notebooks/04_public_bounds.ipynb``) recomputes the paper's Table 1 from public
costs and accuracies with the conservative bound of Eq. 9 and the constant-alpha bound of
Eq. 8. Each answer below is computed as the chapter's solution cells compute it, on the
chapter's default data (the paper's alpha_min, dominated states dropped).
"""
from __future__ import annotations

import numpy as np

from adaptlib import StateSpace, eq9_conservative
from adaptlib.analysis import public_bounds as T
from adaptlib.datasets import public
from adaptlib.exercises import exercise

SWAPPED = {"GMACs": "GFLOPs", "GFLOPs": "GMACs"}  # the units of ex-ch04-1, the opposite of the paper's
B1_V2 = ("efficientnet_b1_v2", 0.687, 0.79838)  # ex-ch04-2: torchvision's second B1 weight (GMACs, accuracy)
VIT_PRINTED_A_ORACLE_PCT = 94.26  # ex-ch04-3: the paper's printed optimistic accuracy of ViT


def _alpha_min() -> dict[str, float]:
    """The chapter's default alpha_min: the paper's value for each family."""
    return {key: public.paper_alpha_min(key) for key in public.FAMILIES}


@exercise("ex-ch04-1", "units of cost: which columns of Table 1 scale when GMACs and GFLOPs are swapped",
          kind="vector", rtol=1e-3, close=0.05,
          hint="convert each row's costs with T.convert_costs, recompute the row with T.table1_row, "
               "and divide each column by its value in the paper's units")
def swapped_unit_factors() -> list[float]:
    """[factor of the ImageNet cost columns, of the HellaSwag cost columns, of R_ratio] when
    every row of Table 1 is recomputed in the other unit (the solution's table of factors)."""
    spaces = T.table1_spaces()
    reproduced = T.reproduce_table1(_alpha_min())
    alpha_min = _alpha_min()
    factors: dict[str, list[float]] = {"ImageNet": [], "HellaSwag": [], "ratio": []}
    for key in T.TABLE1_KEYS:
        unit = reproduced.loc[key, "cost_unit"]
        converted = spaces[key].with_costs(T.convert_costs(spaces[key].costs, unit, SWAPPED[unit]))
        alpha = alpha_min.get(key)
        before, after = T.table1_row(spaces[key], alpha), T.table1_row(converted, alpha)
        for column in T.COLUMNS:
            if not (np.isfinite(before[column]) and before[column] != 0):
                continue
            if column in T.COST_COLUMNS:
                factors[T.CONTEXT[key]].append(after[column] / before[column])
            elif column.startswith("R_ratio"):
                factors["ratio"].append(after[column] / before[column])
    for name, values in factors.items():  # the question has one factor per group
        if not np.allclose(values, values[0]):
            raise ValueError(f"ex-ch04-1: the {name} factors differ: {values}")
    return [float(factors[name][0]) for name in ("ImageNet", "HellaSwag", "ratio")]


@exercise("ex-ch04-2", "Pareto filtering and Eq. 9: the bound with a better intermediate state",
          kind="number", rtol=1e-3, close=0.005,
          hint="add the V2 weight to the EfficientNet family, keep what pareto() keeps, and take "
               "R_N over the Eq. 9 cost of that space")
def efficientnet_v2_ratio() -> float:
    """Conservative R_ratio of EfficientNet with B1's V2 weight in place of V1 (the solution)."""
    efficientnet = public.load_public_family("efficientnet")
    name, cost, accuracy = B1_V2
    both = StateSpace.from_arrays(list(efficientnet.names) + [name], np.r_[efficientnet.costs, cost],
                                  np.r_[efficientnet.accuracies, accuracy])
    kept = both.pareto()
    return float(kept.costs[-1] / eq9_conservative(kept).cost)


@exercise("ex-ch04-3", "Eq. 8 backwards: the alpha that a printed accuracy implies, and its bound",
          kind="vector", rtol=1e-3, close=0.01,
          hint="solve A_oracle = 1 - alpha (1 - A_N) for alpha with the reproduced A_N of ViT, then "
               "recompute the row with T.reproduce_table1({\"vit\": alpha})")
def vit_alpha_for_printed_accuracy() -> list[float]:
    """[alpha_min giving the printed 94.26 %, the optimistic R_ratio with it] (the solution)."""
    a_n = T.reproduce_table1(_alpha_min()).loc["vit", "A_N_pct"]
    needed = (100 - VIT_PRINTED_A_ORACLE_PCT) / (100 - a_n)
    row = T.reproduce_table1({"vit": needed}).loc["vit"]
    return [float(needed), float(row["R_ratio_amin"])]
