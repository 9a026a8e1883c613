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
from adaptlib.exercises import exercise

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


MULTIPLES = (1.0, 2.0, 4.0)  # the chapter's default budget_multiples (ex-ch10-2)
N_FOLDS, BUDGET_REPEATS, SEED = 5, 2, 0  # the chapter's default n_folds, budget_repeats, seed
MARGIN = 0.1  # ex-ch10-2


@exercise("ex-ch10-2", "holding a budget out of sample: what a margin buys and what it costs",
          kind="vector", atol=1e-3,
          hint="run budget_table twice for the shared-threshold cascade, margin 0 and 0.1, and read "
               "folds_over_budget of the second run and the drop of held_out_accuracy (fractions, not %)")
def margin_effect_of_the_shared_cascade() -> list[float]:
    """Share of held-out folds over budget with a 10% margin at 1, 2 and 4 x R_oracle, then the
    accuracy the margin costs at each, for the width family's shared-threshold cascade
    (ex-ch10-2). The cascade reads stored top probabilities, so the answer is the same on
    every CPU (the learned router's is not)."""
    from adaptlib.analysis.agents import budget_table, compare_agents, margin_effect, shared_cascade

    data = load_family(FAMILY)
    cascade = shared_cascade(data.top_probability, data.costs)
    comparison = compare_agents(data.correct, data.costs, data.names, [cascade], n_folds=N_FOLDS, seed=SEED)
    runs = [budget_table([cascade], data.correct, MULTIPLES, comparison, n_folds=N_FOLDS,
                         n_repeats=BUDGET_REPEATS, seed=SEED, margin=margin) for margin in (0.0, MARGIN)]
    effect = margin_effect(*runs).sort_values("budget")
    return [float(v) for v in (*effect.folds_over_budget_margin, *effect.accuracy_lost)]


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
