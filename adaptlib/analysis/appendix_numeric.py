"""The identities of :mod:`adaptlib.analysis.appendix_proofs` checked numerically on real per-instance data.

Each ``numeric_*`` function measures the Oracle Agent from a correctness matrix with numpy
alone (:func:`measure`, straight from Definition 2.1), then asks adaptlib's own functions for
the same quantity through the equation under test, and returns True only if they agree; its
``steps_*`` twin returns the same comparisons one by one, as (claim, holds, evidence), the
self-checks chapter 9 shows, one line per step. The adaptlib functions are looked up on their
modules at call time (``bounds.eq9_conservative`` ...), so that breaking one of them in
adaptlib makes the matching check return False.

Taught in chapter 09.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


Step = tuple[str, bool, str]  # (the claim, whether it holds, the evidence): one self-check


def _all(steps: Sequence[Step]) -> bool:
    return bool(all(ok for _, ok, _ in steps))


def _gap(x, y) -> str:
    """The evidence of an array comparison: the largest absolute difference."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape:
        return f"shapes differ: {x.shape} vs {y.shape}"
    diff = np.abs(x - y)
    diff = diff[np.isfinite(diff)]
    return f"largest difference {float(diff.max()) if diff.size else 0.0:.3g}"


def _pair(x: float, y: float) -> str:
    return f"{float(x):.10g} vs {float(y):.10g}"


def _points(p: OperatingPoint, cost: float, accuracy: float) -> str:
    return f"R {_pair(p.cost, cost)}; A {_pair(p.accuracy, accuracy)}"


def steps_eq5(correct: np.ndarray, costs: Sequence[float]) -> list[Step]:
    """Eq. 5 and Eq. 12 on data, one self-check per step (chapter 9): the lemma of proof 1
    (A.2) for the measured P(x_i), i = N included; ``eq5_oracle`` of the measured P(e_i) and
    ``exact_oracle`` give the measured R_oracle and A_oracle."""
    m = measure(correct, costs)
    first = np.concatenate([[1.0 - m.p_e[0]], m.p_e[:-1] - m.p_e[1:]])
    lemma = _close(m.p_first, first) and _close(m.p_none, m.p_e[-1])
    via_eq5 = bounds.eq5_oracle(m.costs, m.p_e)
    exact = oracle.exact_oracle(correct, m.costs)
    return [
        ("on the data, P(x_i) = P(e_i−1) − P(e_i) for i = 2..N and P(x_f) = P(e_N)", lemma,
         f"P(x_i): {_gap(m.p_first, first)}; P(x_f) {_pair(m.p_none, m.p_e[-1])}"),
        ("on the data, eq5_oracle of the measured P(e_i) is the measured oracle",
         _same_point(via_eq5, m.cost, m.accuracy), _points(via_eq5, m.cost, m.accuracy)),
        ("on the data, exact_oracle is the measured oracle, with the same P(e_i)",
         _same_point(exact.point, m.cost, m.accuracy) and _close(exact.p_e, m.p_e),
         f"{_points(exact.point, m.cost, m.accuracy)}; P(e_i): {_gap(exact.p_e, m.p_e)}"),
    ]


def numeric_eq5(correct: np.ndarray, costs: Sequence[float]) -> bool:
    """Eq. 5 and Eq. 12 on data: ``eq5_oracle`` and ``exact_oracle`` give the measured R_oracle
    and A_oracle, and P(x_i) = P(e_{i-1}) - P(e_i) for every i = 2..N (i = N included)."""
    return _all(steps_eq5(correct, costs))


def steps_eq7(correct: np.ndarray, costs: Sequence[float]) -> list[Step]:
    """Eq. 6 and Eq. 7 on data, one self-check per step (chapter 9): with the measured A_i and
    alpha_i, ``eq6_p_e`` gives P(e_i) and ``eq7_oracle`` the measured R_oracle, A_oracle;
    ``exact_oracle`` measures the same alpha_i."""
    m = measure(correct, costs)
    p_e = bounds.eq6_p_e(m.accuracies, m.alpha)
    point = bounds.eq7_oracle(m.costs, m.accuracies, m.alpha)
    exact = oracle.exact_oracle(correct, m.costs)
    return [
        ("on the data, eq6_p_e of the measured A_i and α_i is the measured P(e_i)",
         _close(p_e, m.p_e), _gap(p_e, m.p_e)),
        ("on the data, eq7_oracle with the measured α_i is the measured oracle",
         _same_point(point, m.cost, m.accuracy), _points(point, m.cost, m.accuracy)),
        ("on the data, exact_oracle measures the same α_i",
         _close(exact.alpha, m.alpha), _gap(exact.alpha, m.alpha)),
    ]


def numeric_eq7(correct: np.ndarray, costs: Sequence[float]) -> bool:
    """Eq. 6 and Eq. 7 on data: with the measured A_i and alpha_i, ``eq6_p_e`` gives P(e_i)
    and ``eq7_oracle`` the measured R_oracle, A_oracle; ``exact_oracle`` measures the same alpha."""
    return _all(steps_eq7(correct, costs))


def steps_eq8(space: StateSpace, alphas: Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0)) -> list[Step]:
    """Eq. 8 on a family's (R_i, A_i), one self-check per step (chapter 9): at alpha = 0 it is
    the optimistic point; ``eq8_constant_alpha`` equals ``eq7_oracle`` with every
    alpha_i = alpha, and the points lie on the line from alpha = 0 to alpha = 1."""
    r, acc = space.costs, space.require_accuracies("numeric_eq8")
    start = bounds.eq8_constant_alpha(space, 0.0)
    end = bounds.eq8_constant_alpha(space, 1.0)
    optimistic = r[0] + (r[1] - r[0]) * (1.0 - acc[0])
    flat_ok, line_ok, flat_gap, line_gap = True, True, [0.0], [0.0]
    for value in alphas:
        point = bounds.eq8_constant_alpha(space, value)
        flat = bounds.eq7_oracle(r, acc, np.full(r.size, float(value)))
        on_line = (start.cost + value * (end.cost - start.cost), start.accuracy + value * (end.accuracy - start.accuracy))
        flat_ok &= _same_point(point, flat.cost, flat.accuracy)
        line_ok &= _same_point(point, *on_line)
        flat_gap.append(abs(point.cost - flat.cost))
        line_gap.append(abs(point.cost - on_line[0]))
    listed = ", ".join(f"{value:g}" for value in alphas)
    return [
        ("on the data, Eq. 8 at α = 0 is (R_1 + (R_2 − R_1)(1 − A_1), 1)",
         _same_point(start, optimistic, 1.0), _points(start, optimistic, 1.0)),
        (f"on the data, Eq. 8 is Eq. 7 with every α_i = α, for α = {listed}",
         bool(flat_ok), f"largest cost difference {max(flat_gap):.3g}"),
        ("on the data, those points lie on the segment from α = 0 to α = 1", bool(line_ok),
         f"largest cost difference {max(line_gap):.3g}"),
    ]


def numeric_eq8(space: StateSpace, alphas: Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0)) -> bool:
    """Eq. 8 on a family's (R_i, A_i): ``eq8_constant_alpha`` equals ``eq7_oracle`` with every
    alpha_i = alpha, and the points lie on the line from alpha = 0 to alpha = 1."""
    return _all(steps_eq8(space, alphas))


def nested_correctness(accuracies: Sequence[float], n: int) -> np.ndarray:
    """A correctness matrix with the given accuracies (rounded to k_i / n) whose errors are
    nested: instance x is right on state i iff x < k_i, so every alpha_i = 1 (Eq. 9 exact).
    Accuracies must not decrease (a nested matrix of a non-monotone space does not exist)."""
    acc = np.asarray(accuracies, dtype=float)
    if np.any(np.diff(acc) < 0):
        raise ValueError("nested errors need accuracies that never decrease with cost (Eq. 3)")
    counts = np.rint(acc * n).astype(int)
    return np.arange(n)[:, None] < counts[None, :]


def steps_eq9(space: StateSpace, n: int) -> list[Step]:
    """Eq. 9 on a family's (R_i, A_i), one self-check per step (chapter 9): ``exact_oracle``
    measures every alpha_i = 1 on the nested matrix with these accuracies (``n`` instances),
    ``eq9_conservative`` is Eq. 8 at alpha = 1 and is exactly that matrix's oracle."""
    nested = nested_correctness(space.require_accuracies("numeric_eq9"), n)
    exact = oracle.exact_oracle(nested, space.costs, space.names)
    point = bounds.eq9_conservative(space)
    rounded = bounds.eq9_conservative(exact.space)
    measured = exact.alpha[1:][np.isfinite(exact.alpha[1:])]
    at_one = bounds.eq8_constant_alpha(space, 1.0)
    return [
        ("on a nested matrix of these accuracies, exact_oracle measures every α_i = 1",
         _close(measured, np.ones_like(measured)), _gap(measured, np.ones_like(measured))),
        ("on the data, eq9_conservative is Eq. 8 at α = 1",
         _same_point(point, at_one.cost, at_one.accuracy), _points(point, at_one.cost, at_one.accuracy)),
        ("Eq. 9 of the nested matrix is exactly its oracle",
         _same_point(rounded, exact.cost, exact.accuracy), _points(rounded, exact.cost, exact.accuracy)),
    ]


def numeric_eq9(space: StateSpace, n: int) -> bool:
    """Eq. 9 on a family's (R_i, A_i): ``eq9_conservative`` is Eq. 8 at alpha = 1 and is exactly
    the ``exact_oracle`` of the nested matrix with these accuracies (``n`` instances)."""
    return _all(steps_eq9(space, n))


def steps_eq10(space: StateSpace) -> list[Step]:
    """Eq. 10 on a family, one self-check per step (chapter 9): ``eq10_terms`` adds up to
    Eq. 9, its first part is Eq. 15 and each saving (A_i - A_{i-1})(R_N - R_i) is >= 0."""
    r, acc = space.costs, space.require_accuracies("numeric_eq10")
    terms = bounds.eq10_terms(space)
    savings = np.diff(acc) * (r[-1] - r[1:])
    eq9 = bounds.eq9_conservative(space).cost
    eq15 = bounds.eq15_two_state(space).cost
    return [
        ("on the data, Eq. 10's terms add up to Eq. 9", _close(terms.cost, eq9), _pair(terms.cost, eq9)),
        ("on the data, its first part is Eq. 15", _close(terms.dynamic_range, eq15),
         _pair(terms.dynamic_range, eq15)),
        ("on the data, its savings are (A_i − A_i−1)(R_N − R_i)", _close(terms.savings, savings),
         _gap(terms.savings, savings)),
        ("on the data, every saving is ≥ 0", bool(np.all(terms.savings >= 0)),
         f"smallest saving {float(np.min(terms.savings, initial=np.inf)):.6g}"),
    ]


def numeric_eq10(space: StateSpace) -> bool:
    """Eq. 10 on a family: ``eq10_terms`` adds up to Eq. 9, its first part is Eq. 15 and each
    saving (A_i - A_{i-1})(R_N - R_i) is >= 0."""
    return _all(steps_eq10(space))


def refined_space(space: StateSpace, pieces: int) -> StateSpace:
    """The piecewise-linear curve through ``space`` sampled at ``pieces`` equal cost steps per
    segment: a discrete space that tends to the continuous one of Eq. 11 as ``pieces`` grows."""
    r, acc = space.costs, space.require_accuracies("refined_space")
    t = np.arange(pieces) / pieces
    costs = (r[:-1, None] + np.diff(r)[:, None] * t).ravel()
    accs = (acc[:-1, None] + np.diff(acc)[:, None] * t).ravel()
    costs, accs = np.append(costs, r[-1]), np.append(accs, acc[-1])
    return StateSpace.from_arrays([f"s{k}" for k in range(costs.size)], costs, accs)


def steps_eq11(space: StateSpace, pieces: Sequence[int] = (1, 4, 16, 64)) -> list[Step]:
    """Eq. 11 on a family, one self-check per step (chapter 9): with the step curve
    ``eq11_continuous`` is Eq. 9; with the linear curve it is R_1 + A_N (R_N - R_1) minus the
    trapezoid area; and Eq. 9 on the curve sampled at M points per segment exceeds it by G / M,
    G = sum over segments of dR dA / 2."""
    r, acc = space.costs, space.require_accuracies("numeric_eq11")
    step = bounds.eq11_continuous(space, "step")
    linear = bounds.eq11_continuous(space, "linear")
    area = float(np.sum(np.diff(r) * (acc[:-1] + acc[1:]) / 2.0))
    eq9 = bounds.eq9_conservative(space).cost
    trapezoid = r[0] + acc[-1] * (r[-1] - r[0]) - area
    gap = float(np.sum(np.diff(r) * np.diff(acc))) / 2.0
    excess = {int(m): bounds.eq9_conservative(refined_space(space, int(m))).cost - linear.cost for m in pieces}
    listed = ", ".join(str(m) for m in excess)
    return [
        ("on the data, Eq. 11 of the step curve is Eq. 9", _close(step.cost, eq9), _pair(step.cost, eq9)),
        ("on the data, Eq. 11 of the linear curve is R_1 + A_N (R_N − R_1) minus its area",
         _close(linear.cost, trapezoid), _pair(linear.cost, trapezoid)),
        (f"Eq. 9 of that curve, M points per segment, exceeds it by G / M, M = {listed}",
         all(_close(d, gap / m) for m, d in excess.items()),
         "; ".join(f"M = {m}: {_pair(d, gap / m)}" for m, d in excess.items())),
    ]


def numeric_eq11(space: StateSpace, pieces: Sequence[int] = (1, 4, 16, 64)) -> bool:
    """Eq. 11 on a family: with the step curve ``eq11_continuous`` is Eq. 9; with the linear
    curve it is R_1 + A_N (R_N - R_1) minus the trapezoid area; and Eq. 9 on the curve sampled
    at M points per segment approaches it as G / M, G = sum over segments of dR dA / 2."""
    return _all(steps_eq11(space, pieces))


def steps_adaptation_cost(correct: np.ndarray, costs: Sequence[float], beta0: float, beta1: float) -> list[Step]:
    """Sec. 4.2 on data, one self-check per step (chapter 9): with costs R_i + beta_0 +
    beta_1 R_i the exact oracle, Eq. 5 and the measured oracle all cost
    ``adapted_oracle_cost``, beta_0 + (1 + beta_1) R_oracle."""
    m = measure(correct, costs)
    adapted = bounds.adaptation_costs(m.costs, beta0, beta1)
    expected = bounds.adapted_oracle_cost(m.cost, beta0, beta1)
    exact = oracle.exact_oracle(correct, adapted).cost
    via_eq5 = bounds.eq5_oracle(adapted, m.p_e).cost
    measured = measure(correct, adapted).cost
    return [
        ("on the data, exact_oracle with the overheads is β_0 + (1 + β_1) R_oracle",
         _close(exact, expected), _pair(exact, expected)),
        ("on the data, so is Eq. 5 with the overhead costs", _close(via_eq5, expected), _pair(via_eq5, expected)),
        ("on the data, so is the oracle measured with the overheads", _close(measured, expected),
         _pair(measured, expected)),
    ]


def numeric_adaptation_cost(correct: np.ndarray, costs: Sequence[float], beta0: float, beta1: float) -> bool:
    """Sec. 4.2 on data: the exact oracle with costs R_i + beta_0 + beta_1 R_i costs
    ``adapted_oracle_cost`` (beta_0 + (1 + beta_1) R_oracle), and so does Eq. 5."""
    return _all(steps_adaptation_cost(correct, costs, beta0, beta1))


def steps_eq15(space: StateSpace) -> list[Step]:
    """Eq. 15 on a family, one self-check per step (chapter 9): ``eq15_two_state`` is Eq. 9 on
    {S_1, S_N} and Eq. 10's first part."""
    point = bounds.eq15_two_state(space)
    two = selection.subset_bound(space, [0, len(space) - 1])
    dynamic = bounds.eq10_terms(space).dynamic_range
    return [
        ("on the data, Eq. 15 is Eq. 9 of {S_1, S_N}", _same_point(point, two.cost, two.accuracy),
         _points(point, two.cost, two.accuracy)),
        ("on the data, and the first part of Eq. 10", _close(point.cost, dynamic), _pair(point.cost, dynamic)),
    ]


def numeric_eq15(space: StateSpace) -> bool:
    """Eq. 15 on a family: ``eq15_two_state`` is Eq. 9 on {S_1, S_N} and Eq. 10's first part."""
    return _all(steps_eq15(space))


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


def steps_eq16(space: StateSpace, n_classes: int) -> list[Step]:
    """Eq. 16 on a family, one self-check per step (chapter 9): ``eq16_smallest_state`` reports
    R_oracle (Eq. 9) and R'_oracle (Eq. 9 with the guesser), their difference is
    R_1 (1 - A_N + A_1) - R_2 (A_1 - 1/C), its thresholds are the factor of proof 3 times R_2
    and times R_N (Eq. 16 as printed), and its R_2 verdict says whether S_1 beats the guesser."""
    r, acc = space.costs, space.require_accuracies("numeric_eq16")
    check = bounds.eq16_smallest_state(space, n_classes)
    eq9 = bounds.eq9_conservative(space).cost
    with_guesser = bounds.eq9_conservative(guesser_space(space, n_classes)).cost
    difference = r[0] * (1.0 - acc[-1] + acc[0]) - r[1] * (acc[0] - 1.0 / n_classes)
    factor = (acc[0] - 1.0 / n_classes) / (1.0 - acc[-1] + acc[0])
    lower = bool(check.cost < check.cost_with_guesser)
    return [
        ("on the data, eq16_smallest_state reports Eq. 9", _close(check.cost, eq9), _pair(check.cost, eq9)),
        ("on the data, and Eq. 9 with S_1 replaced by the guesser", _close(check.cost_with_guesser, with_guesser),
         _pair(check.cost_with_guesser, with_guesser)),
        ("on the data, their difference is R_1 (1 − A_N + A_1) − R_2 (A_1 − 1/C)",
         _close(check.cost - check.cost_with_guesser, difference),
         _pair(check.cost - check.cost_with_guesser, difference)),
        ("on the data, its thresholds are the factor of Eq. 16 times R_2 and times R_N",
         _close([check.threshold_r2, check.threshold_rn], [factor * r[1], factor * r[-1]]),
         f"R_2: {_pair(check.threshold_r2, factor * r[1])}; R_N: {_pair(check.threshold_rn, factor * r[-1])}"),
        ("on the data, the R_2 verdict is the comparison of the two bounds", check.worth_it_r2 == lower,
         f"worth it by R_2: {check.worth_it_r2}; Eq. 9 lower with S_1: {lower}"),
    ]


def numeric_eq16(space: StateSpace, n_classes: int) -> bool:
    """Eq. 16 on a family: ``eq16_smallest_state`` reports R_oracle (Eq. 9) and R'_oracle (Eq. 9
    with the guesser), their difference is R_1 (1 - A_N + A_1) - R_2 (A_1 - 1/C), and its
    R_2 verdict says whether S_1 beats the guesser."""
    return _all(steps_eq16(space, n_classes))
