"""Answers of the exercises of chapter 06 (Designing the state space).

Chapter 06 (``notebooks/06_state_selection.ipynb``) splits the conservative bound into Eq. 10,
runs the paper's greedy Algorithm 1 and finds the exact best subset of every size by dynamic
programming. Each answer below is computed as the chapter's solution cells compute it, on the
chapter's default state spaces (``design_spaces.named_space``).
"""
from __future__ import annotations

from adaptlib import greedy_selection, optimal_selection
from adaptlib.analysis import design_spaces, state_selection
from adaptlib.exercises import exercise, unchecked

K_BREAK = 4  # ex-ch06-1: the first size where greedy can lose
SHARE = 0.9  # ex-ch06-3: the paper's 90 % of the full gain
NEEDED_SPACES = ("imagenet", "hellaswag", "pythia")  # ex-ch06-3, in the order asked


@exercise("ex-ch06-1", "Algorithm 1 against the exact optimum: optimal for three states, not for four",
          kind="vector", rtol=1e-3, close=0.05,
          hint="choose four states of the ImageNet envelope with greedy_selection and with "
               "optimal_selection, and take R_N over the bound of each subset")
def imagenet_four_states() -> list[float]:
    """[greedy's R_ratio, the exact R_ratio] of four states of the ImageNet envelope."""
    envelope = design_spaces.named_space("imagenet").space
    chosen = greedy_selection(envelope, K_BREAK), optimal_selection(envelope, K_BREAK)
    return [float(envelope.costs[-1] / subset.point.cost) for subset in chosen]


unchecked("ex-ch06-2", "building a state space on which greedy state selection misses the optimum")


@exercise("ex-ch06-3", "how many well-chosen states reach 90 % of the full gain, and why it depends on the curve",
          kind="vector", rtol=1e-3, close=0.05,
          hint="apply states_needed(selection_curve(space), share=0.9) to each of the three spaces")
def states_for_ninety_percent() -> list[float]:
    """States needed for 90 % of R_ratio: [ImageNet envelope, HellaSwag envelope, Pythia]."""
    return [
        float(state_selection.states_needed(
            state_selection.selection_curve(design_spaces.named_space(key).space), share=SHARE))
        for key in NEEDED_SPACES
    ]
