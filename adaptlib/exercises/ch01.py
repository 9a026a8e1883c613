"""Answers of the exercises of chapter 01 (The adaptation state space).

Each answer function computes its exercise's answer with adaptlib exactly as the solution
cells of ``notebooks/01_state_space.ipynb`` do (Sec. 2.1 of the paper, Eq. 1-3): the same
data and the chapter's default parameters. ``check("ex-ch01-k", answer)`` grades against it.
"""
from __future__ import annotations

import numpy as np

from adaptlib.exercises import exercise, unchecked


@exercise(
    "ex-ch01-1",
    "Eq. 2-3 on a toy space: ties, a break of Eq. 3, and what pareto() keeps",
    kind="set",
    hint="walk up in cost and keep a state only if it is strictly more accurate than every "
    "state kept before it; of two tied states, the more accurate one survives.",
)
def toy_pareto_states() -> set[str]:
    from adaptlib import StateSpace

    toy = StateSpace.from_arrays(["a", "b", "c", "d"], [1, 2, 2, 5], [0.6, 0.7, 0.75, 0.72])
    return set(toy.pareto().names)


def _points_per_doubling(space) -> float:
    """Accuracy gained (percentage points) per doubling of cost between the two largest states."""
    gain = 100 * (space.accuracies[-1] - space.accuracies[-2])
    return float(gain / np.log2(space.costs[-1] / space.costs[-2]))


@exercise(
    "ex-ch01-2",
    "Eq. 2-3 on the paper's public families; the accuracy the last doubling of cost buys",
    kind="vector",
    rtol=5e-3,
    close=0.02,
    hint="take the two most expensive states of each family: the gain A_N - A_{N-1} in "
    "percentage points divided by log2(R_N / R_{N-1}); EfficientNet first, width second.",
)
def last_doubling_gains() -> list[float]:
    from adaptlib.datasets.digits import load_family
    from adaptlib.datasets.public import load_public_family

    return [_points_per_doubling(load_public_family("efficientnet")),
            _points_per_doubling(load_family("width").space)]


unchecked("ex-ch01-3", "Why a tie in cost matters: the order of the states fixes P(e_i) and alpha_i")
