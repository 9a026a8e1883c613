"""Answers of the exercises of chapter 07 (Continuous adaptation), ``notebooks/07_continuous_adaptation.ipynb``.

Each answer is computed as the chapter's solution cells compute it, on the same public envelopes
(``adaptlib.analysis.design_spaces.named_space``, default model pools) with Eq. 9
(``eq9_conservative``) and Eq. 11 (``eq11_continuous``, Sec. 4.1.2 of the paper).
"""
from __future__ import annotations

from adaptlib import StateSpace, eq9_conservative, eq11_continuous, gains
from adaptlib.analysis import design_spaces
from adaptlib.exercises import exercise, unchecked

# Table 1's printed largest ImageNet state (the paper's R_N, in GMACs, and its accuracy A_N)
PAPER_IMAGENET_RN = 2586.0
PAPER_IMAGENET_AN = 0.9088


@exercise("ex-ch07-1", "the gap between the discrete and the continuous bound as triangles between step and chord",
          hint="Eq. 9 minus Eq. 11 with the linear curve, on the HellaSwag envelope, in GFLOPs")
def gap_hellaswag() -> float:
    """Eq. 9 minus Eq. 11 (linear) on the HellaSwag envelope, in GFLOPs (ex-ch07-1)."""
    hs = design_spaces.named_space("hellaswag").space
    return float(eq9_conservative(hs).cost - eq11_continuous(hs, "linear").cost)


unchecked("ex-ch07-2", "why interpolating linearly in log cost never gives a higher continuous bound than in cost")


def extended_imagenet() -> StateSpace:
    """The book's default ImageNet envelope plus the paper's largest state (ex-ch07-3)."""
    base = design_spaces.named_space("imagenet").space
    return StateSpace.from_arrays([*base.names, "paper's largest state"], [*base.costs, PAPER_IMAGENET_RN],
                                  [*base.accuracies, PAPER_IMAGENET_AN])


@exercise("ex-ch07-3", "how much of the gap to the printed Tables 1 and 2 the largest ImageNet state explains",
          kind="vector",
          hint="append the state to the envelope with StateSpace.from_arrays, then take gains(...).r_ratio "
               "of eq9_conservative and of eq11_continuous(..., \"linear\"), in that order")
def gains_with_paper_rn() -> list[float]:
    """[discrete (Eq. 9), continuous (Eq. 11, linear)] R_ratio with the paper's R_N added (ex-ch07-3)."""
    s = extended_imagenet()
    return [float(gains(eq9_conservative(s), s).r_ratio), float(gains(eq11_continuous(s, "linear"), s).r_ratio)]

