"""Answers of the exercises of chapter 03 (The constant-alpha approximation).

Each answer function computes its exercise's answer with adaptlib exactly as the solution
cells of ``notebooks/03_constant_alpha.ipynb`` do (Sec. 2.2.2 of the paper, Eq. 6-9): the
same data and the chapter's default parameters (``n_boot = 1000``, ``seed = 0``,
``level = 0.95``, ``tolerance = 0.1``, all three digits families).
``check("ex-ch03-k", answer)`` grades against it.
"""
from __future__ import annotations

from adaptlib.exercises import exercise

N_BOOT, SEED, LEVEL, TOLERANCE = 1000, 0, 0.95, 0.1  # the chapter's default parameters


@exercise(
    "ex-ch03-1",
    "The flatness rule without the width family's bottleneck state: the drift's interval",
    kind="vector",
    rtol=5e-3,
    close=0.15,
    hint="flatness(correct[:, 1:], costs[1:], names[1:]) on the width family with the "
    "chapter's n_boot, seed, level and tolerance; give its drift_low and drift_high.",
)
def drift_interval_without_h1() -> list[float]:
    from adaptlib.analysis.alpha_profiles import flatness
    from adaptlib.datasets.digits import load_family

    width = load_family("width")
    without_h1 = flatness(width.correct[:, 1:], width.costs[1:], width.names[1:],
                          n_boot=N_BOOT, seed=SEED, level=LEVEL, tolerance=TOLERANCE)
    return [float(without_h1.drift_low), float(without_h1.drift_high)]


@exercise(
    "ex-ch03-2",
    "Eq. 8 at alpha = alpha_N: the exact accuracy, but not the exact cost",
    kind="vector",
    hint="on each family's Pareto-efficient states (pareto_oracle), take alpha_N = "
    "oracle.alpha[-1] and evaluate eq8_constant_alpha(oracle.space, alpha_N).cost; "
    "order width, resolution, mixed.",
)
def eq8_costs_at_alpha_n() -> list[float]:
    from adaptlib import eq8_constant_alpha
    from adaptlib.analysis.alpha_profiles import pareto_oracle
    from adaptlib.datasets.digits import FAMILIES, load_family

    costs = []
    for name in FAMILIES:
        fam = load_family(name)
        oracle = pareto_oracle(fam.correct, fam.costs, fam.names)
        costs.append(eq8_constant_alpha(oracle.space, float(oracle.alpha[-1])).cost)
    return costs


@exercise(
    "ex-ch03-3",
    "Eq. 6 with a constant alpha: P(e_i) falls, yet Eq. 3 may fail at i = 2",
    kind="vector",
    hint="Eq. 6: P(e_1) = 1 - A_1 and P(e_i) = alpha (1 - A_i) for i > 1 "
    "(eq6_p_e with constant_alpha(3, 0.5)).",
)
def counterexample_p_e() -> list[float]:
    from adaptlib import eq6_p_e
    from adaptlib.analysis.alpha_profiles import constant_alpha

    accuracies = [0.80, 0.75, 0.90]
    return eq6_p_e(accuracies, constant_alpha(len(accuracies), 0.5)).tolist()
