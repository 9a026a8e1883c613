"""Answers of the exercises of chapter 09 (The appendix proofs, checked, and the paper's errata),
``notebooks/09_proofs_and_errata.ipynb``.

Each answer is computed as the chapter's solution cells compute it: proof 2's last line
(``errata.eq7_as_in_proof``, Appendix A.2 of the paper) against the exact oracle (Eq. 5 and 7)
of the width digits family, and the exact oracle of a two-state space whose overheads reverse
the cost order (Sec. 4.2).
"""
from __future__ import annotations

import numpy as np

from adaptlib import exact_oracle
from adaptlib.analysis import errata
from adaptlib.datasets.digits import load_family
from adaptlib.exercises import exercise, unchecked

PROOF2_STATES = 3  # ex-ch09-1: the cheapest three states of the width family


@exercise("ex-ch09-1", "deriving Eq. 7 from Eq. 5 and Eq. 6 by hand, and what proof 2's slip costs",
          hint="evaluate the proof's last line (alpha_i (1 - A_i) in the sum) and Eq. 7 with the alpha_i, "
               "A_i and R_i that exact_oracle measures on the three states: the proof's line minus Eq. 7")
def proof2_slip_width() -> float:
    """Proof 2's last line minus R_oracle on the three cheapest width states, in FLOPs (ex-ch09-1)."""
    width = load_family("width")
    n = PROOF2_STATES
    three = exact_oracle(width.correct[:, :n], width.costs[:n], width.names[:n])
    slipped = errata.eq7_as_in_proof(three.space.costs, three.space.accuracies, three.alpha)
    return float(slipped - three.cost)


unchecked("ex-ch09-2", "why Algorithm 1 (greedy) is optimal for k <= 3 and k = N, and a counterexample with N = 5")


@exercise("ex-ch09-3", "the adaptation-cost identity needs overheads that keep the cost order",
          hint="the oracle pays the cheapest right state, with the overheads included")
def reordered_oracle_cost() -> float:
    """The oracle's cost on an instance both states get right, R = (1, 4), Delta = (5, 0) (ex-ch09-3)."""
    both_right = np.array([[True, True]])
    return float(exact_oracle(both_right, [1.0 + 5.0, 4.0 + 0.0]).cost)
