"""Answers of the exercises of chapter 05 (Empirical (exact) bounds).

Chapter 05 (``notebooks/05_empirical_bounds.ipynb``) measures the exact Oracle Agent from
per-instance correctness and compares it with the conservative bound (Eq. 9) and the
constant-alpha estimate of Eq. 8. Each answer below is computed as the chapter's solution
cells compute it, with the same toy matrix, draws and bootstrap settings.
"""
from __future__ import annotations

import numpy as np

from adaptlib.analysis.empirical_bounds import bounds_summary, empirical_bounds
from adaptlib.datasets.digits import load_family
from adaptlib.exercises import exercise, unchecked

unchecked("ex-ch05-1", "the constant-alpha point at alpha_min claims at least the exact Oracle's accuracy")

TOY_SEED, TOY_N = 7, 2000  # ex-ch05-2: the toy matrix of the solution
TOY_COSTS = [1.0, 2.0, 10.0]
SUBSAMPLE_SEED, SUBSAMPLE_SIZES = 1, (200, 800)  # ex-ch05-3: the draws of the solution
N_BOOT, BOOT_SEED = 500, 0  # ex-ch05-3: its bootstrap


@exercise("ex-ch05-2", "when constant alpha is conservative: rising alpha_i (Eq. 7 against Eq. 8)",
          kind="number", rtol=1e-3, close=0.05,
          hint="build the three columns as the exercise says, run empirical_bounds and read the "
               "alpha_N point's cost over the exact Oracle's, minus one, in percent")
def toy_alpha_n_excess_pct() -> float:
    """How much Eq. 8 at alpha_N costs more than the exact Oracle on the toy family, in %."""
    rng = np.random.default_rng(TOY_SEED)
    small, middle = rng.random(TOY_N) < 0.6, rng.random(TOY_N) < 0.8
    toy = np.column_stack([small, middle, small | middle])
    result = empirical_bounds(toy, TOY_COSTS, ["small", "middle", "large"], name="toy", n_boot=50)
    summary = bounds_summary([result]).set_index("point")
    return float(100 * summary.loc["alpha_N (Eq. 8)", "cost_vs_exact"])


@exercise("ex-ch05-3", "bootstrap intervals: how their width shrinks with the number of instances",
          kind="vector", rtol=1e-3, close=0.1,
          hint="take the first n images of np.random.default_rng(1).permutation, bootstrap with "
               "n_boot=500 and seed=0, and divide the width of the cost interval by the Oracle's cost")
def width_cost_interval_widths() -> list[float]:
    """Relative width of the Oracle's cost interval on 200, 800 and all images of width."""
    family = load_family("width")
    n_all = family.correct.shape[0]
    draw = np.random.default_rng(SUBSAMPLE_SEED).permutation(n_all)
    widths = []
    for n in (*SUBSAMPLE_SIZES, n_all):
        rows = np.sort(draw[:n])
        result = empirical_bounds(family.correct[rows], family.costs, list(family.names), name=f"n={n}",
                                  n_boot=N_BOOT, seed=BOOT_SEED)
        interval = result.intervals.loc["cost"]
        widths.append(float((interval["high"] - interval["low"]) / result.oracle.cost))
    return widths
