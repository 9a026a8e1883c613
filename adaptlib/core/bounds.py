"""The paper's closed forms for the Oracle Agent's cost and accuracy (Eq. 5-11, 15-16, Sec. 4.2).

Functions that assume Eq. 3 (accuracy non-decreasing with cost) refuse a space that breaks
it; :func:`eq5_oracle` and :func:`eq7_oracle` are identities and need no such assumption.

Taught in chapters 03-08 (each equation where it is derived).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from adaptlib.core.states import OperatingPoint, StateSpace
from adaptlib.core.validate import is_integer, monotone_arrays

Interpolation = Literal["linear", "log", "step"]


@dataclass(frozen=True)
class Eq10Terms:
    """Eq. 10 split into its parts: ``cost = dynamic_range - savings.sum()``.

    ``dynamic_range`` is R_1 + (A_N - A_1)(R_N - R_1), the bound of S_1 and S_N alone (Eq. 15);
    ``savings[j]`` is (A_i - A_{i-1})(R_N - R_i) for state i = j + 2, what state i takes off.
    """

    dynamic_range: float
    savings: np.ndarray
    cost: float


@dataclass(frozen=True)
class Gains:
    """dR = R_N - R_oracle, R_ratio = R_N / R_oracle and dA = A_oracle - A_N (Sec. 3)."""

    delta_r: float
    r_ratio: float
    delta_a: float


@dataclass(frozen=True)
class SmallestStateCheck:
    """Eq. 16: is S_1 worth more than a free random guesser (R = 0, A = 1/C)?

    ``threshold_r2`` = (A_1 - 1/C) / (1 - A_N + A_1) * R_2, as the proof in A.2 derives;
    ``threshold_rn`` uses R_N, as Eq. 16 is printed. ``cost_with_guesser`` is the alpha = 1
    bound (Eq. 9) with S_1 replaced by the guesser, to compare with ``cost``, the bound as is.
    """

    r1: float
    threshold_r2: float
    threshold_rn: float
    worth_it_r2: bool
    worth_it_rn: bool
    cost: float
    cost_with_guesser: float


def eq5_oracle(costs: Sequence[float], p_e: Sequence[float]) -> OperatingPoint:
    """Eq. 5: R_oracle = R_1 (1 - P(e_1) + P(e_N)) + sum_{i>=2} R_i [P(e_{i-1}) - P(e_i)],
    A_oracle = 1 - P(e_N). ``p_e[i]`` is P(e_{i+1}); costs in state order."""
    r, pe = _pair("costs", costs, "p_e", p_e)
    cost = r[0] * (1.0 - pe[0] + pe[-1]) + float(np.sum(r[1:] * (pe[:-1] - pe[1:])))
    return OperatingPoint(float(cost), float(1.0 - pe[-1]))


def eq6_p_e(accuracies: Sequence[float], alpha: Sequence[float]) -> np.ndarray:
    """Eq. 6: P(e_1) = 1 - A_1 and P(e_i) = alpha_i (1 - A_i) for i > 1 (alpha[0] is ignored).

    Where A_i = 1 the state makes no error, alpha_i is undefined and P(e_i) = 0.
    """
    a, al = _pair("accuracies", accuracies, "alpha", alpha, allow_nan_second=True)
    wrong = 1.0 - a
    p_e = np.where(wrong > 0, np.nan_to_num(al, nan=0.0) * wrong, 0.0)
    p_e[0] = wrong[0]
    if np.isnan(al[1:][wrong[1:] > 0]).any():
        raise ValueError("alpha_i is NaN for a state that makes errors; measure it or give a value in [0, 1]")
    return p_e


def eq7_oracle(
    costs: Sequence[float], accuracies: Sequence[float], alpha: Sequence[float]
) -> OperatingPoint:
    """Eq. 7: R_oracle = R_1 + (R_2 - R_1)(1 - A_1) - alpha_N (R_N - R_1)(1 - A_N)
    + sum_{i=3..N} alpha_{i-1} (R_i - R_{i-1})(1 - A_{i-1});  A_oracle = 1 - alpha_N (1 - A_N)."""
    r, _ = _pair("costs", costs, "accuracies", accuracies)
    p_e = eq6_p_e(accuracies, alpha)  # alpha_i (1 - A_i), with the A_i = 1 case made explicit
    if r.size < 2:
        raise ValueError("Eq. 7 needs at least two states")
    cost = (
        r[0]
        + (r[1] - r[0]) * p_e[0]
        - (r[-1] - r[0]) * p_e[-1]
        + float(np.sum((r[2:] - r[1:-1]) * p_e[1:-1]))
    )
    return OperatingPoint(float(cost), float(1.0 - p_e[-1]))


def eq8_constant_alpha(space: StateSpace, alpha: float) -> OperatingPoint:
    """Eq. 8, constant alpha in [0, 1]: R_oracle = R_1 + (R_2 - R_1)(1 - A_1)
    + alpha [sum_{i=3..N} (R_i - R_{i-1})(1 - A_{i-1}) - (R_N - R_1)(1 - A_N)],
    A_oracle = 1 - alpha (1 - A_N). alpha = 1 gives Eq. 9, alpha = 0 the optimistic end."""
    alpha = _unit_interval("alpha", alpha)
    r, a = monotone_arrays(space, "Eq. 8 (constant alpha)")
    if r.size == 1:
        return OperatingPoint(float(r[0]), float(1.0 - alpha * (1.0 - a[0])))
    slope = float(np.sum((r[2:] - r[1:-1]) * (1.0 - a[1:-1]))) - (r[-1] - r[0]) * (1.0 - a[-1])
    cost = r[0] + (r[1] - r[0]) * (1.0 - a[0]) + alpha * slope
    return OperatingPoint(float(cost), float(1.0 - alpha * (1.0 - a[-1])))


def eq9_conservative(space: StateSpace) -> OperatingPoint:
    """Eq. 9, the conservative (alpha = 1) bound: R_oracle = R_1 + sum_{i>=2} (R_i - R_1)(A_i - A_{i-1}),
    A_oracle = A_N. It needs only the (R_i, A_i) pairs."""
    r, a = monotone_arrays(space, "Eq. 9 (the alpha = 1 bound)")
    cost = r[0] + float(np.sum((r[1:] - r[0]) * np.diff(a)))
    return OperatingPoint(float(cost), float(a[-1]))


def eq10_terms(space: StateSpace) -> Eq10Terms:
    """Eq. 10: R_oracle = R_1 + (A_N - A_1)(R_N - R_1) - sum_{i>=2} (A_i - A_{i-1})(R_N - R_i)."""
    r, a = monotone_arrays(space, "Eq. 10")
    dynamic = r[0] + (a[-1] - a[0]) * (r[-1] - r[0])
    savings = np.diff(a) * (r[-1] - r[1:])
    return Eq10Terms(float(dynamic), savings, float(dynamic - savings.sum()))


def eq11_continuous(space: StateSpace, interpolation: Interpolation = "linear") -> OperatingPoint:
    """Eq. 11: R_oracle = R_1 + A_h (R_h - R_1) - integral_{R_1}^{R_h} A(R) dR, A_oracle = A_h,
    for the accuracy-cost curve A(R) through the states of ``space``.

    ``interpolation`` shapes A(R) between neighbouring states: ``"linear"`` in cost (the
    paper's piecewise-linear envelope), ``"log"`` linear in log cost, or ``"step"`` (A held at
    the cheaper state's value up to the next state), which gives Eq. 9 exactly.
    """
    r, a = monotone_arrays(space, "Eq. 11 (continuous adaptation)")
    if interpolation not in ("linear", "log", "step"):
        raise ValueError(f"interpolation must be one of linear, log, step; got {interpolation!r}")
    dr, da = np.diff(r), np.diff(a)
    if interpolation == "step":
        integral = float(np.sum(a[:-1] * dr))
    elif interpolation == "linear":
        integral = float(np.sum(dr * (a[:-1] + a[1:]) / 2.0))
    else:
        if r[0] <= 0:
            raise ValueError("interpolation='log' needs every cost > 0; the cheapest state costs 0")
        # On [R_j, R_k]: A = A_j + dA ln(R/R_j)/L with L = ln(R_k/R_j), so the integral is
        # A_j dR + dA (R_k - dR/L).
        moving = dr > 0
        log_ratio = np.log(r[1:][moving] / r[:-1][moving])
        integral = float(
            np.sum(a[:-1][moving] * dr[moving] + da[moving] * (r[1:][moving] - dr[moving] / log_ratio))
        )
    cost = r[0] + a[-1] * (r[-1] - r[0]) - integral
    return OperatingPoint(float(cost), float(a[-1]))


def eq15_two_state(space: StateSpace) -> OperatingPoint:
    """Eq. 15, the dynamic range alone: R_oracle = R_1 + (A_N - A_1)(R_N - R_1), A_oracle = A_N."""
    r, a = monotone_arrays(space, "Eq. 15")
    return OperatingPoint(float(r[0] + (a[-1] - a[0]) * (r[-1] - r[0])), float(a[-1]))


def eq16_smallest_state(space: StateSpace, n_classes: int) -> SmallestStateCheck:
    """Eq. 16 (A.4.1, proof 3 of A.2): S_1 is worth having only if
    R_1 < (A_1 - 1/C) / (1 - A_N + A_1) * R_2. The printed Eq. 16 has R_N in place of R_2."""
    r, a = monotone_arrays(space, "Eq. 16")
    if not is_integer(n_classes) or n_classes < 2:
        raise ValueError(f"n_classes must be an integer >= 2 (the number of classes C); got {n_classes!r}")
    if r.size < 2:
        raise ValueError("Eq. 16 compares S_1 with S_2; the space needs at least two states")
    guess = 1.0 / n_classes
    factor = (a[0] - guess) / (1.0 - a[-1] + a[0])
    t2, tn = factor * r[1], factor * r[-1]
    # The guesser replaces S_1 in Eq. 9: R' = R_2 (A_2 - 1/C) + sum_{i>=3} R_i (A_i - A_{i-1}).
    with_guesser = r[1] * (a[1] - guess) + float(np.sum(r[2:] * np.diff(a[1:])))
    return SmallestStateCheck(
        r1=float(r[0]),
        threshold_r2=float(t2),
        threshold_rn=float(tn),
        worth_it_r2=bool(r[0] < t2),
        worth_it_rn=bool(r[0] < tn),
        cost=eq9_conservative(space).cost,
        cost_with_guesser=float(with_guesser),
    )


def adaptation_costs(costs: Sequence[float], beta0: float, beta1: float) -> np.ndarray:
    """Sec. 4.2: each state's cost plus its overhead Delta_i = beta_0 + beta_1 R_i."""
    r = np.asarray(costs, dtype=float)
    beta0, beta1 = _betas(beta0, beta1)
    return r + beta0 + beta1 * r


def adapted_oracle_cost(r_oracle: float, beta0: float, beta1: float) -> float:
    """Sec. 4.2: R'_oracle = beta_0 + (1 + beta_1) R_oracle, the oracle's cost with overheads."""
    beta0, beta1 = _betas(beta0, beta1)
    return float(beta0 + (1.0 + beta1) * r_oracle)


def break_even_beta0(r_oracle: float, r_n: float, beta1: float = 0.0) -> float:
    """The fixed overhead beta_0 at which adaptation stops paying: beta_0 + (1 + beta_1) R_oracle = R_N."""
    _, beta1 = _betas(0.0, beta1)
    return float(r_n - (1.0 + beta1) * r_oracle)


def break_even_beta1(r_oracle: float, r_n: float, beta0: float = 0.0) -> float:
    """The proportional overhead beta_1 at which adaptation stops paying (R'_oracle = R_N)."""
    beta0, _ = _betas(beta0, 0.0)
    if r_oracle <= 0:
        raise ValueError("R_oracle must be > 0 to find a break-even beta_1")
    return float((r_n - beta0) / r_oracle - 1.0)


def gains(point: OperatingPoint, space: StateSpace) -> Gains:
    """dR = R_N - R_oracle, R_ratio = R_N / R_oracle, dA = A_oracle - A_N (Table 1's columns)."""
    a = space.require_accuracies("the gains dR, R_ratio, dA")
    r_n = float(space.costs[-1])
    ratio = r_n / point.cost if point.cost > 0 else float("inf")
    return Gains(r_n - point.cost, ratio, point.accuracy - float(a[-1]))


def _pair(
    name_a: str, a: Sequence[float], name_b: str, b: Sequence[float], allow_nan_second: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or x.size == 0:
        raise ValueError(
            f"{name_a} and {name_b} must be 1-D with one value per state; got shapes {x.shape} and {y.shape}"
        )
    if not np.isfinite(x).all() or (not allow_nan_second and not np.isfinite(y).all()):
        raise ValueError(f"{name_a} and {name_b} must be finite numbers")
    return x, y


def _unit_interval(name: str, value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in [0, 1]; got {value!r}") from None
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1]; got {value!r}")
    return v


def _betas(beta0: float, beta1: float) -> tuple[float, float]:
    b0, b1 = float(beta0), float(beta1)
    if not (np.isfinite(b0) and np.isfinite(b1)) or b0 < 0 or b1 < 0:
        raise ValueError(f"beta_0 and beta_1 must be finite and >= 0; got {beta0!r}, {beta1!r}")
    return b0, b1
