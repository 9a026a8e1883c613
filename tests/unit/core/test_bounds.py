"""The paper's closed forms (Eq. 8-11, 15-16, Sec. 4.2) against each other and the exact oracle."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import PROPERTY, matrices_and_costs, monotone_spaces, naive_conservative, nested_matrices

from adaptlib import (
    StateSpace,
    adaptation_costs,
    adapted_oracle_cost,
    break_even_beta0,
    break_even_beta1,
    eq5_oracle,
    eq7_oracle,
    eq8_constant_alpha,
    eq9_conservative,
    eq10_terms,
    eq11_continuous,
    eq15_two_state,
    eq16_smallest_state,
    exact_oracle,
    gains,
)

unit = st.floats(0.0, 1.0, allow_nan=False)
beta = st.floats(0.0, 100.0, allow_nan=False)


def close(a: float, b: float) -> bool:
    return a == pytest.approx(b, rel=1e-9, abs=1e-9)


# --- a hand-worked space -------------------------------------------------------------------
HAND = StateSpace.from_arrays(["a", "b", "c"], [1.0, 4.0, 10.0], [0.5, 0.7, 0.8])


def test_hand_worked_space():
    # Eq. 9: 1 + (4 - 1)(0.7 - 0.5) + (10 - 1)(0.8 - 0.7) = 1 + 0.6 + 0.9 = 2.5, A = 0.8.
    assert (eq9_conservative(HAND).cost, eq9_conservative(HAND).accuracy) == pytest.approx((2.5, 0.8))
    # Eq. 10: dynamic range 1 + (0.8 - 0.5)(10 - 1) = 3.7; savings (0.2)(10 - 4) = 1.2 and 0.
    terms = eq10_terms(HAND)
    assert terms.dynamic_range == pytest.approx(3.7)
    np.testing.assert_allclose(terms.savings, [1.2, 0.0])
    assert terms.cost == pytest.approx(2.5)
    # Eq. 15 is the dynamic range alone.
    assert eq15_two_state(HAND).cost == pytest.approx(3.7)
    # Eq. 8 at alpha = 0: 1 + (4 - 1)(1 - 0.5) = 2.5, A = 1; slope
    # (10 - 4)(1 - 0.7) - (10 - 1)(1 - 0.8) = 1.8 - 1.8 = 0, so every alpha costs 2.5 here.
    p0, p_half = eq8_constant_alpha(HAND, 0.0), eq8_constant_alpha(HAND, 0.5)
    assert (p0.cost, p0.accuracy) == pytest.approx((2.5, 1.0))
    assert (p_half.cost, p_half.accuracy) == pytest.approx((2.5, 0.9))
    # Eq. 11, linear: integral of A(R) = 3 (0.5 + 0.7) / 2 + 6 (0.7 + 0.8) / 2 = 1.8 + 4.5 = 6.3,
    # so R = 1 + 0.8 * 9 - 6.3 = 1.9.
    assert eq11_continuous(HAND, "linear").cost == pytest.approx(1.9)
    # Gains against R_N = 10, A_N = 0.8 at the Eq. 9 point.
    g = gains(eq9_conservative(HAND), HAND)
    assert (g.delta_r, g.r_ratio, g.delta_a) == pytest.approx((7.5, 4.0, 0.0))


def test_eq11_log_by_hand():
    # Two states (1, 0.5) and (e, 0.9): A(R) = 0.5 + 0.4 ln R on [1, e], whose integral is
    # 0.5 (e - 1) + 0.4 [R ln R - R]_1^e = 0.5 (e - 1) + 0.4. R = 1 + 0.9 (e - 1) - that.
    space = StateSpace.from_arrays(["s", "l"], [1.0, np.e], [0.5, 0.9])
    expected = 1 + 0.9 * (np.e - 1) - (0.5 * (np.e - 1) + 0.4)
    assert eq11_continuous(space, "log").cost == pytest.approx(expected)


def test_eq5_by_hand_and_against_the_oracle():
    """Eq. 5 with R = 1, 4, 10 and P(e_1), P(e_2), P(e_3) = 0.5, 0.3, 0.2:
    R_oracle = 1 (1 - 0.5 + 0.2) + 4 (0.5 - 0.3) + 10 (0.3 - 0.2) = 0.7 + 0.8 + 1.0 = 2.5,
    A_oracle = 1 - 0.2 = 0.8. The R_1 P(e_N) = 0.2 term is what the unsolved instances pay
    (they go to S_1): without it the cost would read 2.3."""
    point = eq5_oracle([1.0, 4.0, 10.0], [0.5, 0.3, 0.2])
    assert point.cost == pytest.approx(2.5, abs=1e-12)
    assert point.accuracy == pytest.approx(0.8, abs=1e-12)
    # Ten instances: 5 first right at S1, 2 at S2, 1 at S3, 2 never (they pay R_1 = 1):
    # (5 * 1 + 2 * 4 + 1 * 10 + 2 * 1) / 10 = 2.5, the same number from Definition 2.1.
    correct = np.array(
        [[1, 1, 1]] * 5 + [[0, 1, 1]] * 2 + [[0, 0, 1]] + [[0, 0, 0]] * 2, dtype=bool
    )
    oracle = exact_oracle(correct, [1.0, 4.0, 10.0])
    np.testing.assert_allclose(oracle.p_e, [0.5, 0.3, 0.2])
    assert oracle.cost == pytest.approx(2.5, abs=1e-12)
    assert oracle.accuracy == pytest.approx(0.8, abs=1e-12)


def test_eq5_all_unsolved_pay_the_cheapest_state():
    """Nothing is ever right: P(e_i) = 1 for every i, so only the P(e_N) term is left:
    R_oracle = R_1 (1 - 1 + 1) + R_2 (1 - 1) = R_1 = 3, A_oracle = 0."""
    point = eq5_oracle([3.0, 7.0], [1.0, 1.0])
    assert (point.cost, point.accuracy) == (3.0, 0.0)
    # And when everything is solved, P(e_N) = 0 and the term vanishes: P(e) = 0.25, 0
    # gives 3 (1 - 0.25) + 7 (0.25 - 0) = 2.25 + 1.75 = 4.
    point = eq5_oracle([3.0, 7.0], [0.25, 0.0])
    assert (point.cost, point.accuracy) == (4.0, 1.0)


def test_eq7_by_hand_matches_eq5():
    """Eq. 7 on the same space as the Eq. 5 example: A = 0.5, 0.6, 0.8 and alpha_2 = 0.75,
    alpha_3 = 1 give P(e) = 0.5, 0.3, 0.2 (Eq. 6), and
    R = 1 + 3 (0.5) - 9 (1)(0.2) + alpha_2 (10 - 4)(1 - 0.6) = 1 + 1.5 - 1.8 + 1.8 = 2.5."""
    point = eq7_oracle([1.0, 4.0, 10.0], [0.5, 0.6, 0.8], [np.nan, 0.75, 1.0])
    assert point.cost == pytest.approx(2.5, abs=1e-12)
    assert point.accuracy == pytest.approx(0.8, abs=1e-12)


def test_break_even_overheads_by_hand():
    """Sec. 4.2 with R_oracle = 2.5 and R_N = 10: beta_0 = 10 - 2.5 = 7.5 with beta_1 = 0, and
    10 - 1.5 * 2.5 = 6.25 with beta_1 = 0.5; beta_1 = 10 / 2.5 - 1 = 3 with beta_0 = 0 and
    (10 - 5) / 2.5 - 1 = 1 with beta_0 = 5. At each break-even point R'_oracle = R_N exactly."""
    assert break_even_beta0(2.5, 10.0) == 7.5
    assert break_even_beta0(2.5, 10.0, beta1=0.5) == 6.25
    assert break_even_beta1(2.5, 10.0) == 3.0
    assert break_even_beta1(2.5, 10.0, beta0=5.0) == 1.0
    assert adapted_oracle_cost(2.5, 6.25, 0.5) == 10.0
    assert adapted_oracle_cost(2.5, 5.0, 1.0) == 10.0
    with pytest.raises(ValueError, match="R_oracle must be > 0"):
        break_even_beta1(0.0, 10.0)


# --- properties ----------------------------------------------------------------------------
@PROPERTY
@given(monotone_spaces(min_states=1))
def test_alpha_one_forms_agree(space):
    """Eq. 9 = Eq. 10 = Eq. 8 at alpha = 1 = Eq. 11 with a step curve, and Eq. 9 term by term."""
    eq9 = eq9_conservative(space)
    assert close(eq9.cost, naive_conservative(space.costs, space.accuracies))
    assert eq9.accuracy == space.accuracies[-1]
    eq8 = eq8_constant_alpha(space, 1.0)
    assert close(eq8.cost, eq9.cost) and close(eq8.accuracy, eq9.accuracy)
    terms = eq10_terms(space)
    assert close(terms.cost, eq9.cost)
    assert close(terms.dynamic_range - terms.savings.sum(), eq9.cost)
    assert close(terms.dynamic_range, eq15_two_state(space).cost)
    assert (terms.savings >= 0).all()  # every added state can only lower the bound
    step = eq11_continuous(space, "step")
    assert close(step.cost, eq9.cost) and step.accuracy == eq9.accuracy


@PROPERTY
@given(monotone_spaces(min_states=2), unit)
def test_eq8_runs_from_the_optimistic_to_the_conservative_end(space, alpha):
    """Eq. 8 with alpha in [0, 1] lies on the segment from the optimistic to the conservative end."""
    lo, hi = eq8_constant_alpha(space, 0.0), eq8_constant_alpha(space, 1.0)
    mid = eq8_constant_alpha(space, alpha)
    assert close(mid.cost, lo.cost + alpha * (hi.cost - lo.cost))
    assert close(mid.accuracy, lo.accuracy + alpha * (hi.accuracy - lo.accuracy))
    r, a = space.costs, space.accuracies
    assert close(lo.cost, r[0] + (r[1] - r[0]) * (1 - a[0])) and lo.accuracy == 1.0


@PROPERTY
@given(monotone_spaces(min_states=2), unit, unit, unit)
def test_eq8_is_linear_in_alpha(space, x, y, t):
    mixed = eq8_constant_alpha(space, t * x + (1 - t) * y)
    px, py = eq8_constant_alpha(space, x), eq8_constant_alpha(space, y)
    assert close(mixed.cost, t * px.cost + (1 - t) * py.cost)
    assert close(mixed.accuracy, t * px.accuracy + (1 - t) * py.accuracy)


@PROPERTY
@given(nested_matrices())
def test_nested_errors_make_the_oracle_equal_eq9(case):
    correct, costs = case
    result = exact_oracle(correct, costs)
    assert np.all(np.diff(result.space.accuracies) >= 0)
    measured = result.alpha[1:][np.isfinite(result.alpha[1:])]
    np.testing.assert_array_equal(measured, 1.0)
    bound = eq9_conservative(result.space)
    assert close(result.cost, bound.cost)
    assert close(result.accuracy, bound.accuracy)


@PROPERTY
@given(matrices_and_costs(max_states=5))
def test_oracle_is_at_least_as_accurate_as_eq9(case):
    """On any matrix whose measured accuracies are monotone, the oracle is at least as accurate
    as the alpha = 1 bound (A_oracle >= A_N), since alpha_N <= 1."""
    correct, costs = case
    result = exact_oracle(correct, costs)
    assume(result.space.assumptions().accuracies_monotone)
    assert result.accuracy >= eq9_conservative(result.space).accuracy - 1e-12


@PROPERTY
@given(monotone_spaces(min_states=2))
def test_eq11_curve_is_never_above_eq9_on_its_vertices(space):
    eq9 = eq9_conservative(space)
    linear = eq11_continuous(space, "linear")
    log = eq11_continuous(space, "log")
    tol = 1e-9 * max(1.0, space.costs[-1])
    assert linear.cost <= eq9.cost + tol
    assert log.cost <= linear.cost + tol  # log-linear interpolation lies above the chord
    assert linear.accuracy == log.accuracy == eq9.accuracy


@PROPERTY
@given(matrices_and_costs(), beta, beta, st.sampled_from(["cheapest", "largest"]))
def test_adaptation_cost_identity(case, beta0, beta1, none_correct):
    """Sec. 4.2: adding Delta_i = beta_0 + beta_1 R_i to every state gives
    R'_oracle = beta_0 + (1 + beta_1) R_oracle (routing; unsolved instances pay a state)."""
    correct, costs = case
    plain = exact_oracle(correct, costs, none_correct=none_correct)
    adapted = exact_oracle(correct, adaptation_costs(costs, beta0, beta1), none_correct=none_correct)
    expected = adapted_oracle_cost(plain.cost, beta0, beta1)
    assert adapted.cost == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert adapted.accuracy == plain.accuracy


def test_adaptation_cost_identity_fails_when_unsolved_instances_are_free():
    """With none_correct="zero" an unsolved instance pays no overhead either, so R'_oracle is
    beta_0 (1 - P(e_N)) + (1 + beta_1) R_oracle: the identity is off by beta_0 P(e_N)."""
    correct = np.array([[1, 1], [0, 1], [0, 0], [0, 0]], dtype=bool)  # P(e_N) = 0.5
    costs, beta0, beta1 = np.array([1.0, 10.0]), 2.0, 0.5
    plain = exact_oracle(correct, costs, none_correct="zero")  # (1 + 10) / 4 = 2.75
    adapted = exact_oracle(correct, adaptation_costs(costs, beta0, beta1), none_correct="zero")
    # Costs become 1 + 2 + 0.5 = 3.5 and 10 + 2 + 5 = 17: (3.5 + 17) / 4 = 5.125.
    assert plain.cost == pytest.approx(2.75) and adapted.cost == pytest.approx(5.125)
    identity = adapted_oracle_cost(plain.cost, beta0, beta1)  # 2 + 1.5 * 2.75 = 6.125
    assert identity == pytest.approx(6.125)
    assert adapted.cost == pytest.approx(identity - beta0 * plain.p_e[-1])


def test_adaptation_costs_values_and_bad_betas():
    np.testing.assert_allclose(adaptation_costs([1.0, 10.0], 0.5, 0.1), [1.6, 11.5])
    assert adapted_oracle_cost(2.0, 0.5, 0.1) == pytest.approx(2.7)
    for b0, b1 in ((-1.0, 0.0), (0.0, -0.1), (np.nan, 0.0), (0.0, np.inf)):
        with pytest.raises(ValueError, match="beta_0 and beta_1 must be finite and >= 0"):
            adaptation_costs([1.0], b0, b1)
        with pytest.raises(ValueError, match="beta_0 and beta_1"):
            adapted_oracle_cost(1.0, b0, b1)


@PROPERTY
@given(monotone_spaces(min_states=2), st.integers(2, 1000))
def test_eq16_r2_criterion_is_the_direct_comparison(space, n_classes):
    """Eq. 16 as derived (with R_2): S_1 is worth keeping exactly when the alpha = 1 bound with
    S_1 is below the bound with S_1 replaced by a free guesser (R = 0, A = 1/C)."""
    r, a = space.costs, space.accuracies
    guess = 1.0 / n_classes
    assume(guess <= a[1])  # the guesser then sits below S_2, as Eq. 3 needs
    assume(1.0 - a[-1] + a[0] > 1e-6)
    check = eq16_smallest_state(space, n_classes)
    assume(abs(check.cost - check.cost_with_guesser) > 1e-9 * max(1.0, r[-1]))
    assert check.worth_it_r2 == (check.cost < check.cost_with_guesser)
    # The guesser's bound, recomputed as Eq. 9 on the space with S_1 swapped for the guesser.
    swapped = StateSpace.from_arrays(
        ["guess", *space.names[1:]], [0.0, *r[1:]], [guess, *a[1:]]
    )
    assert close(check.cost_with_guesser, eq9_conservative(swapped).cost)
    assert close(check.cost, eq9_conservative(space).cost)


def test_eq16_printed_rn_differs_from_derived_r2():
    # R = 1.5, 2, 100, A = 0.6, 0.7, 0.8, C = 10: factor (0.6 - 0.1) / (1 - 0.8 + 0.6) = 0.625,
    # so the threshold is 0.625 * 2 = 1.25 with R_2 and 62.5 with R_N. R_1 = 1.5: the derived
    # criterion says drop S_1, the printed one says keep it. Directly: Eq. 9 with S_1 is
    # 1.5 + 0.5 * 0.1 + 98.5 * 0.1 = 11.4; with the guesser 2 * 0.6 + 100 * 0.1 = 11.2.
    space = StateSpace.from_arrays(["a", "b", "c"], [1.5, 2.0, 100.0], [0.6, 0.7, 0.8])
    check = eq16_smallest_state(space, 10)
    assert check.threshold_r2 == pytest.approx(1.25) and check.threshold_rn == pytest.approx(62.5)
    assert not check.worth_it_r2 and check.worth_it_rn
    assert (check.cost, check.cost_with_guesser) == pytest.approx((11.4, 11.2))
    with pytest.raises(ValueError, match="n_classes must be an integer >= 2"):
        eq16_smallest_state(space, 1)
    with pytest.raises(ValueError, match="n_classes"):
        eq16_smallest_state(space, 2.5)


def test_eq16_boundary_is_strict_two_states():
    """Eq. 16 asks R_1 < threshold, strictly. R = 1, 2, A = 0.5, 1, C = 4: the factor is
    (0.5 - 0.25) / (1 - 1 + 0.5) = 0.5, so both thresholds are 0.5 * 2 = 1 = R_1 (R_2 = R_N
    here). On the boundary S_1 does not pay: Eq. 9 is 1 + 1 * 0.5 = 1.5 with S_1 and
    2 * (1 - 0.25) = 1.5 with the free guesser, a tie."""
    space = StateSpace.from_arrays(["a", "b"], [1.0, 2.0], [0.5, 1.0])
    check = eq16_smallest_state(space, 4)
    assert (check.r1, check.threshold_r2, check.threshold_rn) == (1.0, 1.0, 1.0)
    assert check.worth_it_r2 is False and check.worth_it_rn is False
    assert (check.cost, check.cost_with_guesser) == (1.5, 1.5)
    # Just below the boundary (R_1 = 0.75; the thresholds do not involve R_1) S_1 pays.
    cheaper = eq16_smallest_state(StateSpace.from_arrays(["a", "b"], [0.75, 2.0], [0.5, 1.0]), 4)
    assert (cheaper.threshold_r2, cheaper.threshold_rn) == (1.0, 1.0)
    assert cheaper.worth_it_r2 is True and cheaper.worth_it_rn is True
    assert cheaper.cost == 0.75 + 1.25 * 0.5 < cheaper.cost_with_guesser == 1.5


def test_eq16_boundary_is_strict_for_each_threshold():
    """Three states, A = 0.5, 0.75, 1, C = 4 (factor 0.5 again).
    R = 1, 2, 8: the R_2 threshold is 1 = R_1 (a tie: Eq. 9 is 1 + 0.25 + 7 * 0.25 = 3 with S_1
    and 2 * 0.5 + 8 * 0.25 = 3 with the guesser) while the R_N one is 4, so only the printed
    criterion keeps S_1.
    R = 4, 5, 8: the R_N threshold is 4 = R_1 (and the R_2 one 2.5): neither keeps S_1."""
    accuracies = [0.5, 0.75, 1.0]
    at_r2 = eq16_smallest_state(StateSpace.from_arrays(["a", "b", "c"], [1.0, 2.0, 8.0], accuracies), 4)
    assert (at_r2.threshold_r2, at_r2.threshold_rn) == (1.0, 4.0)
    assert at_r2.worth_it_r2 is False and at_r2.worth_it_rn is True
    assert (at_r2.cost, at_r2.cost_with_guesser) == (3.0, 3.0)
    at_rn = eq16_smallest_state(StateSpace.from_arrays(["a", "b", "c"], [4.0, 5.0, 8.0], accuracies), 4)
    assert (at_rn.threshold_r2, at_rn.threshold_rn) == (2.5, 4.0)
    assert at_rn.worth_it_r2 is False and at_rn.worth_it_rn is False


@pytest.mark.parametrize(
    "call",
    [
        lambda s: eq8_constant_alpha(s, 0.5),
        eq9_conservative,
        eq10_terms,
        lambda s: eq11_continuous(s, "linear"),
        eq15_two_state,
        lambda s: eq16_smallest_state(s, 10),
    ],
    ids=["eq8", "eq9", "eq10", "eq11", "eq15", "eq16"],
)
def test_closed_forms_refuse_non_monotone_spaces(call):
    space = StateSpace.from_arrays(["a", "b", "c"], [1.0, 2.0, 3.0], [0.5, 0.8, 0.7])
    with pytest.raises(ValueError, match=r"Eq\. 3.*space\.pareto\(\)"):
        call(space)
    call(space.pareto())  # the filtered space is accepted


def test_closed_forms_need_accuracies():
    with pytest.raises(ValueError, match="needs state accuracies"):
        eq9_conservative(StateSpace.from_arrays(["a", "b"], [1.0, 2.0]))


@pytest.mark.parametrize("alpha", [-0.1, 1.5, np.nan, "x"])
def test_eq8_alpha_range(alpha):
    with pytest.raises(ValueError, match="alpha must"):
        eq8_constant_alpha(HAND, alpha)


def test_eq11_bad_interpolation_and_log_with_zero_cost():
    with pytest.raises(ValueError, match="interpolation must be one of"):
        eq11_continuous(HAND, "cubic")
    free = StateSpace.from_arrays(["a", "b"], [0.0, 1.0], [0.5, 0.6])
    with pytest.raises(ValueError, match="every cost > 0"):
        eq11_continuous(free, "log")
