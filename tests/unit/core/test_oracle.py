"""The exact Oracle Agent (Definition 2.1, Eq. 4-7) against brute force and the closed forms."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import PROPERTY, matrices_and_costs, naive_oracle

from adaptlib import (
    correctness_from_predictions,
    eq5_oracle,
    eq6_p_e,
    eq7_oracle,
    eq9_conservative,
    exact_oracle,
    first_correct,
    oracle_from_predictions,
)

RULES = ("cheapest", "largest", "zero")
MODELS = ("routing", "cascade")


# --- Fig. 1 worked by hand -----------------------------------------------------------------
def test_fig1_two_states_by_hand():
    """Two states, small S (R = 1) and large L (R = 10), on 10 instances with Fig. 1's cells:
    CC (both right) 5, CI (small right, large wrong) 1, IA (small wrong, large right) 3,
    II (both wrong) 1.

    The oracle pays R_s on CC and CI (the small state is right), R_L on IA only, and R_s on II
    (nobody is right, the paper's rule): R_oracle = R_s + (R_L - R_s) P(IA)
    = 1 + 9 * 0.3 = 3.7.  A_oracle = 1 - P(II) = 0.9.
    A_s = P(CC) + P(CI) = 0.6, A_L = P(CC) + P(IA) = 0.8.
    P(e_1) = 1 - A_s = 0.4; P(e_2) = P(II) = 0.1; alpha_2 = P(II) / (1 - A_L) = 0.1 / 0.2 = 0.5.
    The conservative bound (alpha = 1, Eq. 9) assumes CI is empty, so P(IA) = A_L - A_s = 0.2:
    1 + 9 * 0.2 = 2.8 at accuracy A_L = 0.8. Here CI holds 0.1, so P(IA) = A_L - A_s + P(CI)
    = 0.3: the oracle pays more (3.7) and is more accurate (0.9 = A_L + P(CI)).
    """
    cells = {"CC": (1, 1, 5), "CI": (1, 0, 1), "IA": (0, 1, 3), "II": (0, 0, 1)}
    rows = [[s, labels] for s, labels, count in cells.values() for _ in range(count)]
    # Columns deliberately given large-first: the order must come from the costs.
    correct = np.array(rows, dtype=bool)[:, ::-1]
    result = exact_oracle(correct, [10.0, 1.0], ["large", "small"])
    assert result.space.names == ("small", "large")
    assert result.cost == pytest.approx(3.7)
    assert result.accuracy == pytest.approx(0.9)
    np.testing.assert_allclose(result.space.accuracies, [0.6, 0.8])
    np.testing.assert_allclose(result.p_e, [0.4, 0.1])
    assert np.isnan(result.alpha[0]) and result.alpha[1] == pytest.approx(0.5)
    np.testing.assert_array_equal(result.histogram, [6, 3])  # CC + CI go small, IA goes large
    assert result.n_none == 1
    # The same with the other rules: II costs R_L = 10 ("largest") or nothing ("zero").
    assert exact_oracle(correct, [10.0, 1.0], none_correct="largest").cost == pytest.approx(4.6)
    assert exact_oracle(correct, [10.0, 1.0], none_correct="zero").cost == pytest.approx(3.6)
    # Cascade: IA pays both states, 1 + 10 = 11, so 0.6 * 1 + 0.3 * 11 + 0.1 * 1 = 4.0.
    assert exact_oracle(correct, [10.0, 1.0], cost_model="cascade").cost == pytest.approx(4.0)
    conservative = eq9_conservative(result.space)
    assert (conservative.cost, conservative.accuracy) == pytest.approx((2.8, 0.8))
    # Eq. 5 and Eq. 7 from these numbers give the same point.
    point5 = eq5_oracle([1.0, 10.0], [0.4, 0.1])
    point7 = eq7_oracle([1.0, 10.0], [0.6, 0.8], [np.nan, 0.5])
    assert point5.cost == pytest.approx(3.7) and point5.accuracy == pytest.approx(0.9)
    assert point7.cost == pytest.approx(3.7) and point7.accuracy == pytest.approx(0.9)


def test_first_correct_labels():
    correct = np.array([[0, 1, 1], [0, 0, 0], [1, 1, 0], [0, 0, 1]], dtype=bool)
    np.testing.assert_array_equal(first_correct(correct), [1, -1, 0, 2])


def test_from_predictions():
    truth = np.array([3, 1, 2])
    predicted = np.array([[3, 3], [0, 1], [0, 0]])
    np.testing.assert_array_equal(
        correctness_from_predictions(predicted, truth), [[True, True], [False, True], [False, False]]
    )
    result = oracle_from_predictions(predicted, truth, [1.0, 4.0], ["a", "b"])
    np.testing.assert_array_equal(result.labels, [0, 1, -1])
    assert result.cost == pytest.approx((1 + 4 + 1) / 3)
    np.testing.assert_array_equal(result.label_names(), ["a", "b", "none"])
    with pytest.raises(ValueError, match="2-D"):
        correctness_from_predictions(truth, truth)
    with pytest.raises(ValueError, match="one label per instance"):
        correctness_from_predictions(predicted, truth[:2])


# --- properties on arbitrary matrices ----------------------------------------------------
@PROPERTY
@given(matrices_and_costs())
def test_oracle_matches_eq5_and_eq7(case):
    correct, costs = case
    result = exact_oracle(correct, costs)
    point5 = eq5_oracle(result.space.costs, result.p_e)
    point7 = eq7_oracle(result.space.costs, result.space.accuracies, result.alpha)
    for point in (point5, point7):
        assert point.cost == pytest.approx(result.cost, rel=1e-9, abs=1e-9)
        assert point.accuracy == pytest.approx(result.accuracy, rel=1e-12, abs=1e-12)
    # Eq. 6 gives back the measured P(e_i) from alpha_i and A_i.
    np.testing.assert_allclose(
        eq6_p_e(result.space.accuracies, result.alpha), result.p_e, rtol=1e-12, atol=1e-12
    )


@PROPERTY
@given(matrices_and_costs(), st.sampled_from(RULES), st.sampled_from(MODELS))
def test_oracle_matches_brute_force(case, none_correct, cost_model):
    correct, costs = case
    result = exact_oracle(correct, costs, none_correct=none_correct, cost_model=cost_model)
    cost, accuracy = naive_oracle(correct, costs, none_correct, cost_model)
    assert result.cost == pytest.approx(cost, rel=1e-9, abs=1e-9)
    assert result.accuracy == pytest.approx(accuracy, rel=1e-12)
    assert result.histogram.sum() + result.n_none == correct.shape[0]
    assert result.none_correct == none_correct and result.cost_model == cost_model


@PROPERTY
@given(matrices_and_costs())
def test_oracle_statistics_by_definition(case):
    """P(e_i), alpha_i and A_i restated from their definitions (Eq. 6) on the sorted matrix."""
    correct, costs = case
    result = exact_oracle(correct, costs)
    m = correct[:, np.argsort(costs, kind="stable")]
    all_wrong_so_far = np.cumprod(~m, axis=1).astype(bool)  # event e_i per instance
    np.testing.assert_allclose(result.p_e, all_wrong_so_far.mean(axis=0))
    np.testing.assert_allclose(result.space.accuracies, m.mean(axis=0))
    for i in range(1, m.shape[1]):
        wrong = ~m[:, i]
        if wrong.any():
            # alpha_i = P(states 1..i-1 wrong | state i wrong), never above 1.
            expected = all_wrong_so_far[wrong, i - 1].mean()
            assert result.alpha[i] == pytest.approx(expected, rel=1e-12)
            assert 0.0 <= result.alpha[i] <= 1.0
        else:
            assert np.isnan(result.alpha[i])
    np.testing.assert_array_equal(result.labels, [next((j for j in range(m.shape[1]) if row[j]), -1) for row in m])


@PROPERTY
@given(matrices_and_costs(distinct_costs=True), st.data())
def test_column_order_does_not_matter(case, data):
    correct, costs = case
    perm = data.draw(st.permutations(range(len(costs))))
    names = [f"state{j}" for j in range(len(costs))]
    a = exact_oracle(correct, costs, names)
    b = exact_oracle(correct[:, perm], costs[perm], [names[j] for j in perm])
    assert a.space.names == b.space.names
    np.testing.assert_array_equal(a.space.costs, b.space.costs)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.histogram, b.histogram)
    np.testing.assert_allclose(a.p_e, b.p_e)
    np.testing.assert_allclose(a.alpha, b.alpha)
    assert (a.cost, a.accuracy) == pytest.approx((b.cost, b.accuracy))


@PROPERTY
@given(matrices_and_costs(), st.data())
def test_column_order_with_tied_costs(case, data):
    """With tied costs the labels may name a different state of equal cost; the operating
    point cannot change."""
    correct, costs = case
    perm = data.draw(st.permutations(range(len(costs))))
    a = exact_oracle(correct, costs)
    b = exact_oracle(correct[:, perm], costs[perm])
    assert (a.cost, a.accuracy) == pytest.approx((b.cost, b.accuracy))


def test_alpha_never_exceeds_one_when_errors_are_nested():
    """4 of 5 instances right for the large state and nested errors: alpha_2 is exactly 1.
    (Computed as 1 - A_2 this used to round to 1.0000000000000002, and Eq. 8 refused it.)"""
    correct = np.array([[1, 1], [0, 1], [0, 1], [0, 1], [0, 0]], dtype=bool)
    result = exact_oracle(correct, [1.0, 10.0])
    assert result.alpha[1] == 1.0
    assert result.alpha_min == 1.0


def test_alpha_nan_where_a_state_makes_no_error():
    correct = np.array([[0, 1, 1], [1, 1, 1], [0, 1, 1]], dtype=bool)
    result = exact_oracle(correct, [1.0, 2.0, 3.0])
    assert np.isnan(result.alpha).all()
    assert np.isnan(result.alpha_min)
    point = eq7_oracle(result.space.costs, result.space.accuracies, result.alpha)
    assert point.cost == pytest.approx(result.cost)


def test_exact_oracle_accepts_non_monotone_spaces():
    # The dearer state is less accurate: Eq. 3 fails, the oracle is still exact.
    correct = np.array([[1, 0], [1, 0], [0, 1], [0, 0]], dtype=bool)
    result = exact_oracle(correct, [1.0, 5.0])
    assert not result.space.assumptions().accuracies_monotone
    assert result.cost == pytest.approx((1 + 1 + 5 + 1) / 4)
    assert result.accuracy == pytest.approx(0.75)


def test_input_matrix_is_left_alone():
    correct = np.array([[0, 1], [1, 0]], dtype=bool)
    before = correct.copy()
    exact_oracle(correct[:, ::-1], [5.0, 1.0])
    exact_oracle(correct, [1.0, 5.0])
    np.testing.assert_array_equal(correct, before)


@pytest.mark.parametrize(
    ("correct", "kwargs", "message"),
    [
        (np.array([[1, 2], [0, 1]]), {}, "only 0/1"),
        (np.array([[1.0, np.nan], [0.0, 1.0]]), {}, "NaN"),
        (np.array([1, 0, 1]), {}, "2-D"),
        (np.zeros((0, 3), bool), {}, "no rows"),
        (np.ones((3, 1), bool), {}, "at least two states"),
        (np.ones((3, 2), bool), {"names": ["a", "b", "c"]}, "one name per column"),
        (np.ones((3, 2), bool), {"names": ["a", "a"]}, "unique; repeated: a"),
        (np.ones((3, 2), bool), {"none_correct": "smallest"}, "none_correct must be one of"),
        (np.ones((3, 2), bool), {"cost_model": "serial"}, "cost_model must be one of"),
    ],
)
def test_bad_matrices_raise(correct, kwargs, message):
    costs = kwargs.pop("costs", [1.0, 2.0])
    with pytest.raises(ValueError, match=message):
        exact_oracle(correct, costs, **kwargs)


@pytest.mark.parametrize(
    ("costs", "message"),
    [
        ([1.0, -2.0], "costs must be >= 0; negative for state\\(s\\): S2"),
        ([1.0, np.nan], "missing or NaN for: S2"),
        ([1.0], "one value per state \\(2\\)"),
        (["a", "b"], "costs must be numbers"),
    ],
)
def test_bad_costs_raise(costs, message):
    with pytest.raises(ValueError, match=message):
        exact_oracle(np.ones((2, 2), bool), costs)


def test_zero_one_integers_and_floats_are_accepted():
    ints = np.array([[0, 1], [1, 1]])
    a = exact_oracle(ints, [1.0, 2.0])
    b = exact_oracle(ints.astype(float), [1.0, 2.0])
    c = exact_oracle(ints.astype(bool), [1.0, 2.0])
    assert a.cost == b.cost == c.cost == pytest.approx(1.5)
