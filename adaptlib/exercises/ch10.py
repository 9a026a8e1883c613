"""Answers of the exercises of chapter 10 (Beyond the oracle: real agents against the bound),
``notebooks/10_beyond_the_oracle.ipynb``.

Each answer is computed as the chapter's solution cells compute it, with the chapter's default
parameters (the width digits family, ``alpha_weighting="errors"``): the budgeted oracle frontier
of two states (``budget_frontier``) and the alpha models of Eq. 7 fitted to the cheaper states
(``fit_alpha``, the paper's Sec. 5 future work).
"""
from __future__ import annotations

import numpy as np

from adaptlib import exact_oracle
from adaptlib.analysis.alpha_models import fit_alpha
from adaptlib.datasets.digits import load_family
from adaptlib.exercises import exercise, unchecked

FAMILY = "width"  # the chapter's default detailed family
ALPHA_WEIGHTING = "errors"  # the chapter's default alpha_weighting
EXTRAPOLATED_MODELS = ("constant-min", "linear-index")  # ex-ch10-3, in this order


@exercise("ex-ch10-1", "the budgeted frontier of two states: one segment whose rise is P(IC)",
          hint="count the instances on which S_1 is wrong and S_N right and divide by all instances "
               "(a fraction, not a percentage)")
def two_state_rise() -> float:
    """P(IC) of the width family's cheapest and largest states, a fraction (ex-ch10-1)."""
    correct = load_family(FAMILY).correct
    pair = correct[:, [0, -1]]
    return float(np.mean(~pair[:, 0] & pair[:, 1]))


unchecked("ex-ch10-2", "holding a budget out of sample: what a margin buys and what it costs")


@exercise("ex-ch10-3", "extrapolating a model of alpha_i from the cheaper states, against the exact oracle",
          kind="vector",
          hint="mask the alpha_i above the cheapest half with NaN, fit_alpha each model, and compare "
               "its Eq. 7 cost with exact_oracle's: 100 (R_model / R_oracle - 1)")
def extrapolated_cost_errors() -> list[float]:
    """Cost errors (%) of alpha_min and of the line in the index, fitted on the cheapest half of
    the width family's states and extrapolated to all (ex-ch10-3)."""
    data = load_family(FAMILY)
    oracle = exact_oracle(data.correct, data.costs, data.names)
    measured = oracle.alpha.copy()
    half = max(3, (len(measured) + 1) // 2)  # S_1 to S_half measured
    measured[half:] = np.nan
    errors = []
    for model in EXTRAPOLATED_MODELS:
        point = fit_alpha(measured, oracle.space.costs, oracle.space.accuracies, model,
                          weighting=ALPHA_WEIGHTING).point
        errors.append(float(100 * (point.cost / oracle.cost - 1)))
    return errors
