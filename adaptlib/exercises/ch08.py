"""Answers of the exercises of chapter 08 (Adaptation costs and dynamic range),
``notebooks/08_adaptation_costs.ipynb``.

Each answer is computed as the chapter's solution cells compute it: the exact oracle
(``exact_oracle``) of a digits family with the overheads of Sec. 4.2 of the paper,
Delta_i = beta_0 + beta_1 R_i, added to every state's cost.
"""
from __future__ import annotations

import numpy as np

from adaptlib import exact_oracle
from adaptlib.datasets.digits import load_family
from adaptlib.exercises import exercise, unchecked

# the overheads of the solutions: (beta_0 in FLOPs, beta_1)
WIDTH_OVERHEADS = (500.0, 0.2)  # ex-ch08-1
RESOLUTION_OVERHEADS = (50.0, 0.5)  # ex-ch08-2


@exercise("ex-ch08-1", "the overhead identity when unsolved instances cost nothing (none_correct=\"zero\")",
          rtol=1e-4, close=2e-3,
          hint="the fixed overhead is paid only on the instances that some state solves; or add the "
               "overheads to the costs and run exact_oracle(..., none_correct=\"zero\")")
def width_cost_with_overheads() -> float:
    """R'_oracle of the width family with beta_0 = 500 FLOPs, beta_1 = 0.2, unsolved instances
    free (ex-ch08-1), in FLOPs."""
    width = load_family("width")
    beta0, beta1 = WIDTH_OVERHEADS
    return float(exact_oracle(width.correct, width.costs + beta0 + beta1 * width.costs, none_correct="zero").cost)


@exercise("ex-ch08-2", "the overhead identity for a cascade that pays every state it runs",
          hint="weigh the number of states run to reach each state by the oracle's histogram; an instance "
               "no state solves runs as many states as the paper's rule charges it for")
def resolution_states_run() -> float:
    """E[states run] per instance by the cascade oracle of the resolution family (ex-ch08-2)."""
    res = load_family("resolution")
    plain = exact_oracle(res.correct, res.costs, cost_model="cascade")
    return float((plain.histogram @ np.arange(1, len(res.costs) + 1) + plain.n_none * 1) / res.correct.shape[0])


unchecked("ex-ch08-3", "why the printed Eq. 16 (with R_N) never rejects a state the derived form (R_2) keeps")
