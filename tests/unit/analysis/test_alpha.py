"""alpha profiles, their flatness verdicts (Fig. 2, Sec. 2.2.2) and the two-state table (Fig. 1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import PROPERTY, matrices_and_costs

from adaptlib import StateSpace, bootstrap_oracle, eq5_oracle, eq7_oracle, eq8_constant_alpha, exact_oracle
from adaptlib.analysis.alpha_profiles import (
    VERDICTS,
    alpha_profile,
    alpha_replicates,
    constant_alpha,
    fit_slope,
    flatness,
    flatness_table,
    independent_alpha,
    ordering_profiles,
    pareto_oracle,
    reversed_ties,
    summarise_profile,
    tie_effects,
)
from adaptlib.analysis.oracle_agent import adaptation_labels, two_state_table

RULES = ("cheapest", "largest", "zero")
MODELS = ("routing", "cascade")


def nested_with_noise(n=600, accuracies=(0.6, 0.7, 0.8, 0.9), flip=0.0, seed=3):
    """States right iff an instance's difficulty is below their level (alpha_i = 1 exactly),
    then each cell flipped with probability ``flip`` (which pulls alpha_i below 1)."""
    rng = np.random.default_rng(seed)
    difficulty = rng.random(n)
    matrix = difficulty[:, None] < np.asarray(accuracies)[None, :]
    if flip:
        matrix ^= rng.random(matrix.shape) < flip
    return matrix, np.array([1.0, 2.0, 4.0, 8.0][: matrix.shape[1]])


def fake_profile(alphas, spread):
    """A profile and tight bootstrap replicates around ``alphas`` (for the verdict rule)."""
    alphas = np.asarray(alphas, float)
    rng = np.random.default_rng(0)
    replicates = alphas[None, :] + spread * rng.standard_normal((400, alphas.size))
    profile = pd.DataFrame(
        {
            "index": np.arange(2, alphas.size + 2),
            "alpha": alphas,
            "low": np.quantile(replicates, 0.025, axis=0),
            "high": np.quantile(replicates, 0.975, axis=0),
        }
    )
    return profile, replicates


# --- profiles ------------------------------------------------------------------------------
def test_profile_matches_exact_oracle_and_bootstrap():
    matrix, costs = nested_with_noise(flip=0.08)
    profile = alpha_profile(matrix, costs, list("abcd"), n_boot=200, seed=5)
    oracle = exact_oracle(matrix, costs, list("abcd"))
    intervals = bootstrap_oracle(matrix, costs, list("abcd"), n_boot=200, seed=5)
    assert profile["state"].tolist() == ["b", "c", "d"]
    assert profile["index"].tolist() == [2, 3, 4]
    np.testing.assert_allclose(profile["alpha"], oracle.alpha[1:])
    np.testing.assert_allclose(profile["accuracy"], oracle.space.accuracies[1:])
    np.testing.assert_allclose(
        profile["low"], intervals.loc[["alpha[b]", "alpha[c]", "alpha[d]"], "low"]
    )
    assert (profile["low"] <= profile["alpha"]).all() and (
        profile["alpha"] <= profile["high"]
    ).all()


def test_replicates_are_the_bootstrap_draws():
    """Percentiles of alpha_replicates reproduce bootstrap_oracle's intervals (same seed)."""
    matrix, costs = nested_with_noise(flip=0.1)
    shuffled = [2, 0, 3, 1]  # column order must not matter
    reps = alpha_replicates(matrix[:, shuffled], costs[shuffled], n_boot=300, seed=11)
    frame = bootstrap_oracle(matrix[:, shuffled], costs[shuffled], n_boot=300, seed=11)
    assert reps.shape == (300, 4) and np.isnan(reps[:, 0]).all()
    np.testing.assert_allclose(
        np.nanquantile(reps[:, 1:], 0.025, axis=0), frame["low"].to_numpy()[2:]
    )
    np.testing.assert_allclose(
        np.nanquantile(reps[:, 1:], 0.975, axis=0), frame["high"].to_numpy()[2:]
    )


def test_replicates_reject_bad_n_boot():
    matrix, costs = nested_with_noise()
    with pytest.raises(ValueError, match="n_boot"):
        alpha_replicates(matrix, costs, n_boot=5)


# --- slope ---------------------------------------------------------------------------------
def test_fit_slope_equals_polyfit_and_skips_nan():
    x = np.array([2.0, 3.0, 4.0, 5.0])
    y = np.array([0.9, 0.7, 0.8, 0.4])
    assert np.isclose(fit_slope(x, y), np.polyfit(x, y, 1)[0])
    with_nan = np.array([0.9, np.nan, 0.8, 0.4])
    keep = np.isfinite(with_nan)
    assert np.isclose(fit_slope(x, with_nan), np.polyfit(x[keep], with_nan[keep], 1)[0])
    rows = fit_slope(x, np.array([y, with_nan, [np.nan, np.nan, 0.3, np.nan]]))
    assert np.isclose(rows[0], np.polyfit(x, y, 1)[0]) and np.isnan(rows[2])
    with pytest.raises(ValueError, match="one entry per state"):
        fit_slope(x, y[:3])


# --- verdicts ------------------------------------------------------------------------------
def test_nested_states_are_flat_at_one():
    """Errors nested in cost order: every cheaper state fails when a larger one does."""
    matrix, costs = nested_with_noise()
    result = flatness(matrix, costs, n_boot=200)
    assert np.isclose(result.mean, 1.0) and np.isclose(result.range, 0.0)
    assert abs(result.slope) < 1e-12 and result.verdict == "flat"


def test_independent_errors_give_a_falling_alpha():
    """Independent states: alpha_i = prod_{j<i} (1 - A_j) falls fast with i (Sec. 2.2.2)."""
    rng = np.random.default_rng(1)
    accuracies = np.array([0.5, 0.55, 0.6, 0.65])
    matrix = rng.random((4000, 4)) < accuracies
    result = flatness(matrix, [1, 2, 3, 4], n_boot=200)
    assert result.verdict == "decreasing" and result.slope_high < 0


@pytest.mark.parametrize(
    "alphas, spread, verdict",
    [
        ([0.50, 0.51, 0.49, 0.50], 0.01, "flat"),
        ([0.20, 0.40, 0.60, 0.80], 0.01, "increasing"),
        ([0.80, 0.60, 0.40, 0.20], 0.01, "decreasing"),
        ([0.50, 0.50, 0.90, 0.50, 0.50], 0.01, "scattered"),
        ([0.50, 0.55, 0.45, 0.50], 0.30, "inconclusive"),
        ([0.50, np.nan, np.nan], 0.01, "too few states"),
    ],
)
def test_verdict_rule(alphas, spread, verdict):
    profile, replicates = fake_profile(alphas, spread)
    result = summarise_profile(profile, replicates, tolerance=0.1)
    assert result.verdict == verdict and result.verdict in VERDICTS


def test_drift_is_slope_times_span():
    profile, replicates = fake_profile([0.2, 0.3, 0.4], 0.01)
    result = summarise_profile(profile, replicates)
    assert np.isclose(result.slope, 0.1) and np.isclose(result.drift, 0.2)
    assert result.slope_low <= result.slope <= result.slope_high
    assert np.isclose(result.cv, np.std([0.2, 0.3, 0.4]) / 0.3)


def test_flatness_rejects_bad_arguments():
    matrix, costs = nested_with_noise()
    with pytest.raises(ValueError, match="tolerance"):
        flatness(matrix, costs, tolerance=0)
    with pytest.raises(ValueError, match="level"):
        flatness(matrix, costs, level=0.2)
    profile, replicates = fake_profile([0.2, 0.3], 0.01)
    with pytest.raises(ValueError, match="one column per alpha"):
        summarise_profile(profile, replicates[:, :1])


def test_flatness_table_covers_every_family():
    a, costs = nested_with_noise(flip=0.05)
    profiles, summary = flatness_table(
        {"A": (a, costs, None), "B": (a[:, :3], costs[:3], None)}, n_boot=100
    )
    assert summary.index.tolist() == ["A", "B"]
    assert profiles.groupby("family").size().to_dict() == {"A": 3, "B": 2}
    assert set(summary["verdict"]) <= set(VERDICTS)
    with pytest.raises(ValueError, match="families is empty"):
        flatness_table({})


# --- Fig. 1 --------------------------------------------------------------------------------
def test_two_state_table_by_hand():
    """CC 5, CI 1, IC 3, II 1; R_s = 1, R_L = 10: R_oracle = 1 + 9 * 0.3 = 3.7 (routing)."""
    small = np.array([1] * 5 + [1] + [0] * 3 + [0], bool)
    large = np.array([1] * 5 + [0] + [1] * 3 + [0], bool)
    table = two_state_table(small, large, 1.0, 10.0)
    assert table["count"].tolist() == [5, 1, 3, 1]
    assert np.isclose((table["probability"] * table["oracle_cost"]).sum(), 3.7)
    cascade = two_state_table(small, large, 1.0, 10.0, cost_model="cascade")
    assert np.isclose((cascade["probability"] * cascade["oracle_cost"]).sum(), 1.0 + 10.0 * 0.3)


@PROPERTY
@given(
    matrices_and_costs(min_states=2, max_states=2, distinct_costs=True),
    st.sampled_from(RULES),
    st.sampled_from(MODELS),
)
def test_two_state_table_equals_exact_oracle(data, rule, model):
    matrix, costs = data
    order = np.argsort(costs)
    small, large = matrix[:, order[0]], matrix[:, order[1]]
    table = two_state_table(
        small, large, costs[order[0]], costs[order[1]], none_correct=rule, cost_model=model
    )
    oracle = exact_oracle(matrix, costs, none_correct=rule, cost_model=model)
    assert table["count"].sum() == matrix.shape[0]
    assert np.isclose((table["probability"] * table["oracle_cost"]).sum(), oracle.cost)
    p = table.set_index("cell")["probability"]
    r_s, r_l = costs[order[0]], costs[order[1]]
    if rule == "cheapest":  # a function of P(IC) alone (Fig. 1's caption)
        expected = r_s + (r_l if model == "cascade" else r_l - r_s) * p["IC"]
        assert np.isclose(oracle.cost, expected)
    if p["CI"] + p["II"] > 0:  # alpha_2 = P(both wrong | large wrong)
        assert np.isclose(oracle.alpha[1], p["II"] / (p["CI"] + p["II"]))
    a_s, a_l = small.mean(), large.mean()
    assert np.isclose(p["IC"], a_l - a_s + p["CI"])  # P(IC) = A_L - A_s + P(CI)


def test_two_state_table_rejects_bad_input():
    with pytest.raises(ValueError, match="one entry per instance"):
        two_state_table([1, 0], [1, 0, 1], 1, 2)
    with pytest.raises(ValueError, match="none_correct"):
        two_state_table([1, 0], [1, 1], 1, 2, none_correct="smallest")
    with pytest.raises(ValueError, match="cost_model"):
        two_state_table([1, 0], [1, 1], 1, 2, cost_model="sum")
    with pytest.raises(ValueError, match="0/1"):
        two_state_table([1, 2], [1, 1], 1, 2)
    with pytest.raises(ValueError, match=">= 0"):
        two_state_table([1, 0], [1, 1], -1, 2)


# --- independence baseline and per-instance labels ------------------------------------------
def test_independent_alpha_matches_simulation():
    accuracies = np.array([0.5, 0.6, 0.7])
    expected = np.array([np.nan, 0.5, 0.5 * 0.4])
    np.testing.assert_allclose(independent_alpha(accuracies), expected)
    rng = np.random.default_rng(2)
    matrix = rng.random((200_000, 3)) < accuracies
    measured = exact_oracle(matrix, [1, 2, 3]).alpha
    np.testing.assert_allclose(measured[1:], expected[1:], atol=0.01)
    with pytest.raises(ValueError, match="fractions"):
        independent_alpha([0.5, 1.2])


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("model", MODELS)
def test_adaptation_labels_average_to_the_oracle_cost(rule, model):
    matrix, costs = nested_with_noise(flip=0.1)
    result = exact_oracle(matrix, costs, list("abcd"), none_correct=rule, cost_model=model)
    truth = np.arange(matrix.shape[0]) % 10
    frame = adaptation_labels(result, truth)
    assert frame.columns.tolist() == [
        "instance",
        "true_label",
        "oracle_state_index",
        "oracle_state",
        "oracle_cost",
    ]
    assert np.isclose(frame["oracle_cost"].mean(), result.cost)
    none = frame["oracle_state_index"] == -1
    assert (frame.loc[none, "oracle_state"] == "none").all() and none.sum() == result.n_none
    counts = frame.loc[~none, "oracle_state"].value_counts().reindex(list("abcd"), fill_value=0)
    assert counts.tolist() == result.histogram.tolist()
    with pytest.raises(ValueError, match="one label per instance"):
        adaptation_labels(result, truth[:3])


@PROPERTY
@given(
    matrices_and_costs(min_states=2, max_states=5), st.sampled_from(RULES), st.sampled_from(MODELS)
)
def test_eq5_and_eq7_with_prices_cover_every_rule(data, rule, model):
    """Chapter 2: with prices c_i (R_i, or R_1 + ... + R_i for a cascade) and the price c_f of an
    instance no state gets right, R_oracle = Eq. 5(c) + (c_f - c_1) P(e_N), and likewise Eq. 7."""
    matrix, costs = data
    oracle = exact_oracle(matrix, costs, none_correct=rule, cost_model=model)
    prices = np.cumsum(oracle.space.costs) if model == "cascade" else oracle.space.costs
    c_f = {"cheapest": prices[0], "largest": prices[-1], "zero": 0.0}[rule]
    correction = (c_f - prices[0]) * oracle.p_e[-1]
    assert np.isclose(eq5_oracle(prices, oracle.p_e).cost + correction, oracle.cost)
    assert np.isclose(
        eq7_oracle(prices, oracle.space.accuracies, oracle.alpha).cost + correction, oracle.cost
    )


def test_constant_alpha_turns_eq7_into_eq8():
    space = StateSpace.from_arrays(list("abcd"), [1.0, 2.0, 4.0, 8.0], [0.6, 0.7, 0.8, 0.9])
    for value in (0.0, 0.3, 1.0):
        vector = constant_alpha(len(space), value)
        assert np.isnan(vector[0]) and np.all(vector[1:] == value) and vector.size == 4
        via_eq7 = eq7_oracle(space.costs, space.accuracies, vector)
        via_eq8 = eq8_constant_alpha(space, value)
        assert np.isclose(via_eq7.cost, via_eq8.cost) and np.isclose(via_eq7.accuracy, via_eq8.accuracy)
    with pytest.raises(ValueError, match="probability"):
        constant_alpha(3, 1.5)
    with pytest.raises(ValueError, match="whole number"):
        constant_alpha(0, 0.5)


def test_pareto_oracle_keeps_the_efficient_states_only():
    rng = np.random.default_rng(1)
    matrix = rng.random((400, 4)) < [0.6, 0.8, 0.7, 0.9]  # the third state breaks Eq. 3
    names = ["a", "b", "c", "d"]
    result = pareto_oracle(matrix, [1.0, 2.0, 3.0, 4.0], names)
    kept = exact_oracle(matrix, [1.0, 2.0, 3.0, 4.0], names).space.pareto().names
    assert tuple(result.space.names) == tuple(kept) and "c" not in kept
    columns = [names.index(n) for n in kept]
    direct = exact_oracle(matrix[:, columns], result.space.costs, kept)
    assert np.isclose(result.cost, direct.cost) and np.isclose(result.accuracy, direct.accuracy)


def _tied_family(seed: int = 3, n: int = 400):
    """Four states like ImageNet's: a and b cost the same, b is less accurate (breaks Eq. 3)."""
    rng = np.random.default_rng(seed)
    skill = rng.random(n)
    correct = np.column_stack([skill > 0.3, (skill > 0.45) | (rng.random(n) < 0.15),
                               skill > 0.25, (skill > 0.2) | (rng.random(n) < 0.1)])
    return correct, [4.0, 4.0, 4.6, 17.5], ["a", "b", "c", "d"]


def test_reversed_ties_reverse_only_groups_of_equal_cost():
    space = StateSpace.from_arrays(list("pqrst"), [1, 2, 2, 2, 5], [0.5, 0.6, 0.7, 0.65, 0.9])
    assert list(space.names) == list("pqrst") and reversed_ties(space) == ["p", "s", "r", "q", "t"]
    assert reversed_ties(StateSpace.from_arrays(list("ab"), [1, 2], [0.5, 0.6])) == ["a", "b"]


def test_ordering_profiles_measure_a_tie_both_ways_and_the_pareto_front():
    correct, costs, names = _tied_family()
    profiles, summary = ordering_profiles(correct, costs, names, n_boot=100, seed=1)
    assert list(summary.index) == ["cost order", "ties reversed", "Pareto front"]
    alpha = profiles.set_index(["family", "state"])["alpha"]
    assert list(alpha["cost order"].index) == ["b", "c", "d"]
    assert list(alpha["ties reversed"].index) == ["a", "c", "d"]
    assert list(alpha["Pareto front"].index) == ["c", "d"]  # b, less accurate than a at its cost, dropped
    # States outside the tie keep their cheaper states, hence their alpha_i; the tied pair's move.
    np.testing.assert_allclose(alpha["cost order"][["c", "d"]], alpha["ties reversed"][["c", "d"]])
    wrong = ~correct
    assert alpha["cost order"]["b"] == pytest.approx((wrong[:, 0] & wrong[:, 1]).sum() / wrong[:, 1].sum())
    assert alpha["ties reversed"]["a"] == pytest.approx((wrong[:, 0] & wrong[:, 1]).sum() / wrong[:, 0].sum())
    # One state, one place across orderings.
    assert profiles.groupby("state")["position"].nunique().eq(1).all()
    assert dict(zip(profiles.state, profiles.position)) == {"a": 1, "b": 2, "c": 3, "d": 4}


def test_ordering_profiles_of_a_clean_family_is_its_cost_order_only():
    rng = np.random.default_rng(0)
    skill = rng.random(300)
    correct = np.column_stack([skill > 0.5, skill > 0.3, skill > 0.1])
    profiles, summary = ordering_profiles(correct, [1, 2, 3], ["x", "y", "z"], n_boot=50)
    assert list(summary.index) == ["cost order"] and profiles.family.eq("cost order").all()


def test_tie_effects_leave_the_oracle_alone_and_eq7_exact():
    correct, costs, names = _tied_family()
    effects = tie_effects(correct, costs, names)
    assert list(effects.reversed_oracle.space.names) == ["b", "a", "c", "d"]
    assert effects.oracle.cost == pytest.approx(effects.reversed_oracle.cost)
    assert effects.oracle.accuracy == pytest.approx(effects.reversed_oracle.accuracy)
    assert effects.eq7.cost == pytest.approx(effects.oracle.cost)
    assert effects.eq7.accuracy == pytest.approx(effects.oracle.accuracy)
    assert effects.errors.tolist() == (~correct).sum(axis=0).tolist()
