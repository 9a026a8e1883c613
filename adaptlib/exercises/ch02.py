"""Answers of the exercises of chapter 02 (The Oracle Agent).

Each answer function computes its exercise's answer with adaptlib exactly as the solution
cells of ``notebooks/02_oracle_agent.ipynb`` do (Sec. 2.2-2.2.1 of the paper, Eq. 4-7): the
same data and the chapter's default parameters. ``check("ex-ch02-k", answer)`` grades against it.
"""
from __future__ import annotations

from adaptlib.exercises import exercise


@exercise(
    "ex-ch02-1",
    "Eq. 7 for N = 2: the bracket (1 - A_1) - alpha_2 (1 - A_2) is P(IC)",
    hint="run exact_oracle on the two columns 4x4 and 8x8 only, so that alpha_2 is measured "
    "against 4x4 alone; or count the images 4x4 gets wrong and 8x8 gets right.",
)
def two_state_bracket() -> float:
    from adaptlib import exact_oracle
    from adaptlib.datasets.digits import load_family

    res = load_family("resolution")
    i, j = res.names.index("4x4"), res.names.index("8x8")
    duo = exact_oracle(res.correct[:, [i, j]], res.costs[[i, j]], ["4x4", "8x8"])
    a1, a2 = duo.space.accuracies
    return float((1 - a1) - duo.alpha[1] * (1 - a2))


@exercise(
    "ex-ch02-2",
    "The Oracle under a cascade cost model: the gain R_N / R_oracle it leaves",
    kind="vector",
    hint="exact_oracle(correct, costs, names, cost_model=\"cascade\").cost for each family, "
    "then the family's largest cost R_N divided by it; order width, resolution, mixed.",
)
def cascade_gains() -> list[float]:
    from adaptlib import exact_oracle
    from adaptlib.datasets.digits import FAMILIES, load_family

    gains = []
    for name in FAMILIES:
        fam = load_family(name)
        cascade = exact_oracle(fam.correct, fam.costs, fam.names, cost_model="cascade").cost
        gains.append(float(fam.costs[-1] / cascade))
    return gains


@exercise(
    "ex-ch02-3",
    "The none_correct rules: what charging R_N for the hopeless instances costs",
    rtol=5e-3,
    hint="the mixed family's exact_oracle(..., none_correct=\"largest\").cost divided by its "
    "cost under none_correct=\"cheapest\" (the paper's rule).",
)
def mixed_largest_over_cheapest() -> float:
    from adaptlib import exact_oracle
    from adaptlib.datasets.digits import load_family

    fam = load_family("mixed")
    args = fam.correct, fam.costs, fam.names
    largest = exact_oracle(*args, none_correct="largest").cost
    cheapest = exact_oracle(*args, none_correct="cheapest").cost
    return float(largest / cheapest)
