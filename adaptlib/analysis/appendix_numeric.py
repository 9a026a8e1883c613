"""The identities of :mod:`adaptlib.analysis.appendix_proofs` checked numerically on real per-instance data.

Each ``numeric_*`` function measures the Oracle Agent from a correctness matrix with numpy
alone (:func:`measure`, straight from Definition 2.1), then asks adaptlib's own functions for
the same quantity through the equation under test, and returns True only if they agree. The
adaptlib functions are looked up on their modules at call time (``bounds.eq9_conservative``
...), so that breaking one of them in adaptlib makes the matching check return False.

Taught in chapter 09.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from adaptlib.core import bounds, oracle, selection
from adaptlib.core.states import OperatingPoint, StateSpace
from adaptlib.core.validate import is_integer

RTOL = 1e-9  # relative tolerance of every comparison: float rounding, not modelling error


@dataclass(frozen=True)
class Measured:
    """The oracle on one correctness matrix, computed with numpy from Definition 2.1 (Eq. 4).

    ``p_first[i]`` is P(x_{i+1}), the share of instances whose cheapest correct state is
    i + 1; ``p_none`` is P(x_f); ``p_e[i]`` is P(e_{i+1}); ``alpha[i]`` is alpha_{i+1}
    = P(e_{i+1}) / (1 - A_{i+1}) (NaN for i = 0 and where a state makes no error).
    """

    costs: np.ndarray
    accuracies: np.ndarray
    p_first: np.ndarray
    p_none: float
    p_e: np.ndarray
    alpha: np.ndarray
    cost: float
    accuracy: float


def measure(correct: np.ndarray, costs: Sequence[float]) -> Measured:
    """Measure the Oracle Agent directly: each instance pays the cost of its cheapest correct
    state, or R_1 when none is right. Columns must be in cost order (Eq. 2)."""
    matrix = np.asarray(correct)
    r = np.asarray(costs, dtype=float)
    if matrix.ndim != 2 or matrix.dtype != bool or matrix.shape[0] == 0:
        raise ValueError(f"correct must be a non-empty boolean matrix (instances x states); got shape {matrix.shape}")
    if r.shape != (matrix.shape[1],) or np.any(np.diff(r) < 0):
        raise ValueError("costs must give one cost per column, in ascending order (sort the columns by cost)")
    n = matrix.shape[0]
    solved = matrix.any(axis=1)
    first = np.argmax(matrix, axis=1)
    paid = np.where(solved, r[first], r[0])
    p_first = np.bincount(first[solved], minlength=r.size) / n
    p_e = np.logical_and.accumulate(~matrix, axis=1).mean(axis=0)
    accuracies = matrix.mean(axis=0)
    alpha = np.full(r.size, np.nan)
    errs = 1.0 - accuracies
    np.divide(p_e, errs, out=alpha, where=errs > 0)
    alpha[0] = np.nan
    return Measured(r, accuracies, p_first, float(1.0 - solved.mean()), p_e, alpha,
                    float(paid.mean()), float(solved.mean()))


def _close(x, y) -> bool:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    scale = max(1.0, float(np.nanmax(np.abs(np.concatenate([x.ravel(), y.ravel()])))))
    return bool(x.shape == y.shape and np.allclose(x, y, rtol=RTOL, atol=RTOL * scale, equal_nan=True))


def _same_point(p: OperatingPoint, cost: float, accuracy: float) -> bool:
    return _close([p.cost, p.accuracy], [cost, accuracy])


def numeric_eq5(correct: np.ndarray, costs: Sequence[float]) -> bool:
    """Eq. 5 and Eq. 12 on data: ``eq5_oracle`` and ``exact_oracle`` give the measured R_oracle
    and A_oracle, and P(x_i) = P(e_{i-1}) - P(e_i) for every i = 2..N (i = N included)."""
    m = measure(correct, costs)
    lemma = _close(m.p_first, np.concatenate([[1.0 - m.p_e[0]], m.p_e[:-1] - m.p_e[1:]]))
    lemma &= _close(m.p_none, m.p_e[-1])
    via_eq5 = _same_point(bounds.eq5_oracle(m.costs, m.p_e), m.cost, m.accuracy)
    exact = oracle.exact_oracle(correct, m.costs)
    return bool(lemma and via_eq5 and _same_point(exact.point, m.cost, m.accuracy) and _close(exact.p_e, m.p_e))


def numeric_eq7(correct: np.ndarray, costs: Sequence[float]) -> bool:
    """Eq. 6 and Eq. 7 on data: with the measured A_i and alpha_i, ``eq6_p_e`` gives P(e_i)
    and ``eq7_oracle`` the measured R_oracle, A_oracle; ``exact_oracle`` measures the same alpha."""
    m = measure(correct, costs)
    p_e = bounds.eq6_p_e(m.accuracies, m.alpha)
    point = bounds.eq7_oracle(m.costs, m.accuracies, m.alpha)
    exact = oracle.exact_oracle(correct, m.costs)
    return bool(_close(p_e, m.p_e) and _same_point(point, m.cost, m.accuracy) and _close(exact.alpha, m.alpha))


def numeric_eq8(space: StateSpace, alphas: Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0)) -> bool:
    """Eq. 8 on a family's (R_i, A_i): ``eq8_constant_alpha`` equals ``eq7_oracle`` with every
    alpha_i = alpha, and the points lie on the line from alpha = 0 to alpha = 1."""
    r, acc = space.costs, space.require_accuracies("numeric_eq8")
    start = bounds.eq8_constant_alpha(space, 0.0)
    end = bounds.eq8_constant_alpha(space, 1.0)
    ok = _same_point(start, r[0] + (r[1] - r[0]) * (1.0 - acc[0]), 1.0)
    for value in alphas:
        point = bounds.eq8_constant_alpha(space, value)
        flat = bounds.eq7_oracle(r, acc, np.full(r.size, float(value)))
        on_line = (start.cost + value * (end.cost - start.cost), start.accuracy + value * (end.accuracy - start.accuracy))
        ok &= _same_point(point, flat.cost, flat.accuracy) and _same_point(point, *on_line)
    return bool(ok)


def nested_correctness(accuracies: Sequence[float], n: int) -> np.ndarray:
    """A correctness matrix with the given accuracies (rounded to k_i / n) whose errors are
    nested: instance x is right on state i iff x < k_i, so every alpha_i = 1 (Eq. 9 exact).
    Accuracies must not decrease (a nested matrix of a non-monotone space does not exist)."""
    acc = np.asarray(accuracies, dtype=float)
    if np.any(np.diff(acc) < 0):
        raise ValueError("nested errors need accuracies that never decrease with cost (Eq. 3)")
    counts = np.rint(acc * n).astype(int)
    return np.arange(n)[:, None] < counts[None, :]


def numeric_eq9(space: StateSpace, n: int) -> bool:
    """Eq. 9 on a family's (R_i, A_i): ``eq9_conservative`` is Eq. 8 at alpha = 1 and is exactly
    the ``exact_oracle`` of the nested matrix with these accuracies (``n`` instances)."""
    nested = nested_correctness(space.require_accuracies("numeric_eq9"), n)
    exact = oracle.exact_oracle(nested, space.costs, space.names)
    point = bounds.eq9_conservative(space)
    rounded = bounds.eq9_conservative(exact.space)
    measured = exact.alpha[1:][np.isfinite(exact.alpha[1:])]
    alpha_one = _close(measured, np.ones_like(measured))
    at_one = bounds.eq8_constant_alpha(space, 1.0)
    same_as_eq8 = _same_point(point, at_one.cost, at_one.accuracy)
    return bool(alpha_one and same_as_eq8 and _same_point(rounded, exact.cost, exact.accuracy))


def numeric_eq10(space: StateSpace) -> bool:
    """Eq. 10 on a family: ``eq10_terms`` adds up to Eq. 9, its first part is Eq. 15 and each
    saving (A_i - A_{i-1})(R_N - R_i) is >= 0."""
    r, acc = space.costs, space.require_accuracies("numeric_eq10")
    terms = bounds.eq10_terms(space)
    savings = np.diff(acc) * (r[-1] - r[1:])
    return bool(
        _close(terms.cost, bounds.eq9_conservative(space).cost)
        and _close(terms.dynamic_range, bounds.eq15_two_state(space).cost)
        and _close(terms.savings, savings)
        and np.all(terms.savings >= 0)
    )


def refined_space(space: StateSpace, pieces: int) -> StateSpace:
    """The piecewise-linear curve through ``space`` sampled at ``pieces`` equal cost steps per
    segment: a discrete space that tends to the continuous one of Eq. 11 as ``pieces`` grows."""
    r, acc = space.costs, space.require_accuracies("refined_space")
    t = np.arange(pieces) / pieces
    costs = (r[:-1, None] + np.diff(r)[:, None] * t).ravel()
    accs = (acc[:-1, None] + np.diff(acc)[:, None] * t).ravel()
    costs, accs = np.append(costs, r[-1]), np.append(accs, acc[-1])
    return StateSpace.from_arrays([f"s{k}" for k in range(costs.size)], costs, accs)


def numeric_eq11(space: StateSpace, pieces: Sequence[int] = (1, 4, 16, 64)) -> bool:
    """Eq. 11 on a family: with the step curve ``eq11_continuous`` is Eq. 9; with the linear
    curve it is R_1 + A_N (R_N - R_1) minus the trapezoid area; and Eq. 9 on the curve sampled
    at M points per segment approaches it as G / M, G = sum over segments of dR dA / 2."""
    r, acc = space.costs, space.require_accuracies("numeric_eq11")
    step = bounds.eq11_continuous(space, "step")
    linear = bounds.eq11_continuous(space, "linear")
    area = float(np.sum(np.diff(r) * (acc[:-1] + acc[1:]) / 2.0))
    ok = _close(step.cost, bounds.eq9_conservative(space).cost)
    ok &= _close(linear.cost, r[0] + acc[-1] * (r[-1] - r[0]) - area)
    gap = float(np.sum(np.diff(r) * np.diff(acc))) / 2.0
    for m in pieces:
        discrete = bounds.eq9_conservative(refined_space(space, int(m))).cost
        ok &= _close(discrete - linear.cost, gap / m)
    return bool(ok)


def numeric_adaptation_cost(correct: np.ndarray, costs: Sequence[float], beta0: float, beta1: float) -> bool:
    """Sec. 4.2 on data: the exact oracle with costs R_i + beta_0 + beta_1 R_i costs
    ``adapted_oracle_cost`` (beta_0 + (1 + beta_1) R_oracle), and so does Eq. 5."""
    m = measure(correct, costs)
    adapted = bounds.adaptation_costs(m.costs, beta0, beta1)
    expected = bounds.adapted_oracle_cost(m.cost, beta0, beta1)
    exact = oracle.exact_oracle(correct, adapted).cost
    return bool(_close(exact, expected) and _close(bounds.eq5_oracle(adapted, m.p_e).cost, expected)
                and _close(measure(correct, adapted).cost, expected))


def numeric_eq15(space: StateSpace) -> bool:
    """Eq. 15 on a family: ``eq15_two_state`` is Eq. 9 on {S_1, S_N} and Eq. 10's first part."""
    point = bounds.eq15_two_state(space)
    two = selection.subset_bound(space, [0, len(space) - 1])
    return bool(_same_point(point, two.cost, two.accuracy)
                and _close(point.cost, bounds.eq10_terms(space).dynamic_range))


def guesser_space(space: StateSpace, n_classes: int) -> StateSpace:
    """``space`` with S_1 replaced by a free random guesser: R = 0, A = 1/C (proof 3, A.2)."""
    acc = space.require_accuracies("guesser_space")
    if not is_integer(n_classes) or n_classes < 2:
        raise ValueError(f"n_classes (the number of classes C) must be an integer >= 2; got {n_classes!r}")
    if len(space) < 2 or acc[1] < 1.0 / n_classes:
        raise ValueError("proof 3 of A.2 needs S_2 at least as accurate as the guesser (A_2 >= 1/C); "
                         f"got {len(space)} state(s), A_2 = {acc[1] if len(space) > 1 else float('nan'):.4f}, "
                         f"1/C = {1.0 / n_classes:.4f}")
    return StateSpace.from_arrays(("guesser",) + space.names[1:], np.r_[0.0, space.costs[1:]],
                                  np.r_[1.0 / n_classes, acc[1:]])


def numeric_eq16(space: StateSpace, n_classes: int) -> bool:
    """Eq. 16 on a family: ``eq16_smallest_state`` reports R_oracle (Eq. 9) and R'_oracle (Eq. 9
    with the guesser), their difference is R_1 (1 - A_N + A_1) - R_2 (A_1 - 1/C), and its
    R_2 verdict says whether S_1 beats the guesser."""
    r, acc = space.costs, space.require_accuracies("numeric_eq16")
    check = bounds.eq16_smallest_state(space, n_classes)
    with_guesser = bounds.eq9_conservative(guesser_space(space, n_classes)).cost
    difference = r[0] * (1.0 - acc[-1] + acc[0]) - r[1] * (acc[0] - 1.0 / n_classes)
    factor = (acc[0] - 1.0 / n_classes) / (1.0 - acc[-1] + acc[0])
    return bool(
        _close(check.cost, bounds.eq9_conservative(space).cost)
        and _close(check.cost_with_guesser, with_guesser)
        and _close(check.cost - check.cost_with_guesser, difference)
        and _close([check.threshold_r2, check.threshold_rn], [factor * r[1], factor * r[-1]])
        and check.worth_it_r2 == bool(check.cost < check.cost_with_guesser)
    )
