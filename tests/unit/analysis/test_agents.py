"""Tests of adaptlib.analysis.budgets (budgeted oracle frontier, baseline, summary numbers, budget
targeting) and adaptlib.analysis.agents (cascades, learned router, agents against the bounds)."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linprog
from strategies import PROPERTY

from adaptlib import StateSpace, exact_oracle
from adaptlib.analysis.agents import (
    BUDGET_COLUMNS,
    Agent,
    agent_summary,
    alpha_model_errors,
    alpha_model_verdicts,
    alpha_models_by_family,
    bounds_respected,
    budget_cross_validation,
    budget_summary,
    budget_table,
    cascade_choice,
    cascade_paid,
    cascade_states,
    chapter_families,
    choose_knob,
    compare_agents,
    compare_families,
    constant_alpha_ends,
    cross_validated_curve,
    curve_ranges,
    fit_state_thresholds,
    learned_router,
    margin_effect,
    real_family_agents,
    route_by_level,
    router_features,
    router_paid,
    router_probabilities,
    router_targets,
    shared_cascade,
    standard_agents,
    tuned_cascade,
)
from adaptlib.analysis.budgets import folds, frontier_by_linear_program, oracle_conventions
from adaptlib.core.frontier import (
    Curve,
    above_curve,
    area,
    budget_frontier,
    gain_share,
    gain_share_at,
    mixing_baseline,
    operating_envelope,
)
from adaptlib.core.prices import paid_costs
from adaptlib.datasets import digits

# ------------------------------------------------------------------ the budgeted frontier


def _lp_optimum(values: np.ndarray, costs: np.ndarray, budget: float) -> float:
    """The multiple-choice knapsack LP written out here with dense matrices, solved by scipy."""
    n, n_options = values.shape
    result = linprog(
        -values.ravel(),
        A_ub=(costs.ravel() / n)[None, :], b_ub=[budget],
        A_eq=np.kron(np.eye(n), np.ones(n_options)), b_eq=np.ones(n),
        bounds=(0, 1), method="highs",
    )
    assert result.status == 0
    return -result.fun / n


def test_the_library_linear_program_agrees_and_refuses_impossible_budgets() -> None:
    rng = np.random.default_rng(5)
    values = rng.random((6, 3))
    costs = np.array([1.0, 2.0, 5.0])
    assert frontier_by_linear_program(values, costs, 2.5) == pytest.approx(_lp_optimum(values, np.broadcast_to(costs, (6, 3)), 2.5))
    assert frontier_by_linear_program(values, costs, 2.5) == pytest.approx(budget_frontier(values, costs).at(2.5))
    assert np.isnan(frontier_by_linear_program(values, costs, 0.5))


@pytest.mark.parametrize("seed", range(12))
def test_frontier_equals_the_linear_program(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, n_options = rng.integers(1, 7), rng.integers(1, 5)
    binary = seed % 2 == 0
    values = (rng.random((n, n_options)) < 0.5).astype(float) if binary else rng.random((n, n_options))
    costs = rng.random((n, n_options)) * 10 if seed % 3 == 0 else np.sort(rng.random(n_options) * 10)
    frontier = budget_frontier(values, costs)
    full = np.broadcast_to(costs, values.shape)
    low, high = full.min(axis=1).mean(), full.max(axis=1).mean()
    for budget in np.linspace(low, high + 1.0, 9):
        assert frontier.at(budget) == pytest.approx(_lp_optimum(values, full, budget), abs=1e-8)


@pytest.mark.parametrize("seed", range(8))
def test_frontier_bounds_every_deterministic_choice_and_its_vertices_are_reached(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n, n_options = rng.integers(1, 6), rng.integers(2, 4)
    values = (rng.random((n, n_options)) < 0.6).astype(float)
    costs = np.sort(rng.integers(1, 20, n_options)).astype(float)
    frontier = budget_frontier(values, costs)
    rows = np.arange(n)
    points = np.array([
        (costs[list(choice)].mean(), values[rows, list(choice)].mean())
        for choice in itertools.product(range(n_options), repeat=n)
    ])
    assert (points[:, 1] <= np.asarray(frontier.at(points[:, 0])) + 1e-12).all()
    for cost, acc in zip(frontier.cost, frontier.accuracy):
        assert np.any(np.isclose(points[:, 0], cost) & np.isclose(points[:, 1], acc))


@PROPERTY
@given(st.data())
def test_frontier_passes_through_the_exact_oracle_point(data) -> None:
    n_states = data.draw(st.integers(2, 5))
    matrix = data.draw(arrays(bool, (data.draw(st.integers(1, 30)), n_states)))
    costs = np.sort(np.array(data.draw(st.lists(st.floats(0.1, 100), min_size=n_states, max_size=n_states,
                                                 unique=True))))
    for cost_model in ("routing", "cascade"):
        oracle = exact_oracle(matrix, costs, cost_model=cost_model)
        frontier = budget_frontier(matrix, paid_costs(costs, cost_model))
        assert frontier.at(oracle.cost) == pytest.approx(oracle.accuracy, abs=1e-12)
        assert frontier.end == pytest.approx((oracle.cost, oracle.accuracy))
        if frontier.accuracy[-1] > frontier.accuracy[0]:  # the oracle gains something: less budget, less accuracy
            below = oracle.cost - 1e-3 * (oracle.cost - frontier.cost[0])  # still on the frontier
            assert frontier.at(below) < oracle.accuracy


def test_two_state_frontier_is_the_segment_through_the_ia_cell() -> None:
    # Fig. 1: the oracle pays R_2 only where S_1 is wrong and S_2 right (the IA cell).
    correct = np.array([[1, 1], [1, 0], [0, 1], [0, 1], [0, 0]], dtype=bool)
    frontier = budget_frontier(correct, [2.0, 10.0])
    p_ia = 2 / 5
    assert frontier.cost == pytest.approx([2.0, 2.0 + p_ia * 8.0])
    assert frontier.accuracy == pytest.approx([2 / 5, 2 / 5 + p_ia])
    assert frontier.at(2.0 + 0.5 * p_ia * 8.0) == pytest.approx(2 / 5 + p_ia / 2)
    assert np.isnan(frontier.at(1.0))
    assert frontier.at(100.0) == pytest.approx(4 / 5)


def test_mixing_baseline_is_the_hull_of_single_states() -> None:
    space = StateSpace.from_arrays(["a", "b", "c", "d"], [1, 2, 4, 8], [0.5, 0.6, 0.9, 0.92])
    base = mixing_baseline(space)
    assert base.cost == pytest.approx([1, 4, 8])  # b lies under the chord from a to c
    assert base.at(2.0) == pytest.approx(0.5 + 0.4 / 3)
    assert base.at(2.0) > 0.6


def test_operating_envelope_mixes_points_and_keeps_it_non_decreasing() -> None:
    env = operating_envelope([3, 1, 2, 5, 4, 2.5], [0.62, 0.2, 0.6, 0.65, 0.75, 0.6])
    assert env.cost == pytest.approx([1, 2, 4])  # (3, 0.62) lies under the chord from 2 to 4
    assert env.at(3.0) == pytest.approx(0.675)
    assert env.at(10.0) == pytest.approx(0.75)


def test_area_is_exact_on_linear_and_log_scales() -> None:
    curve = Curve(np.array([1.0, 3.0]), np.array([0.5, 0.9]))
    assert area(curve, 1, 3) == pytest.approx(0.7)
    assert area(curve, 1, 5) == pytest.approx((0.7 * 2 + 0.9 * 2) / 4)
    assert area(curve, 0, 3) == pytest.approx(0.7 * 2 / 3)  # budgets it cannot meet score 0
    grid = np.exp(np.linspace(0.0, np.log(3.0), 200_001))
    numeric = np.trapezoid(curve.at(grid), np.log(grid)) / np.log(3.0)
    assert area(curve, 1, 3, "log") == pytest.approx(numeric, abs=1e-9)
    with pytest.raises(ValueError, match="scale"):
        area(curve, 1, 3, "cubic")
    with pytest.raises(ValueError, match="above 0"):
        area(curve, 0, 3, "log")


def test_gain_shares_are_one_for_the_frontier_and_zero_for_the_baseline() -> None:
    frontier = Curve(np.array([1.0, 2.0]), np.array([0.5, 1.0]))
    baseline = Curve(np.array([1.0, 4.0]), np.array([0.5, 0.8]))
    middle = Curve(np.array([1.0, 3.0]), np.array([0.5, 0.95]))
    for scale in ("linear", "log"):
        assert gain_share(frontier, frontier, baseline, 1, 4, scale) == pytest.approx(1.0)
        assert gain_share(baseline, frontier, baseline, 1, 4, scale) == pytest.approx(0.0)
        assert 0 < gain_share(middle, frontier, baseline, 1, 4, scale) < 1
    # at budget 2: frontier 1.0, baseline 0.6, middle 0.725
    assert gain_share_at(middle, frontier, baseline, 2.0) == pytest.approx(0.125 / 0.4)


def test_above_curve_flags_points_above_it() -> None:
    curve = Curve(np.array([1.0, 3.0]), np.array([0.5, 0.9]))
    flags = above_curve([2.0, 2.0, 5.0, 0.5], [0.7, 0.71, 0.9, 0.6], curve)
    assert flags.tolist() == [False, True, False, True]


def test_paid_costs_and_bad_inputs() -> None:
    assert paid_costs([1, 2, 4], "cascade") == pytest.approx([1, 3, 7])
    assert paid_costs([1, 2, 4]) == pytest.approx([1, 2, 4])
    with pytest.raises(ValueError, match="increasing"):
        paid_costs([2, 1])
    with pytest.raises(ValueError, match="cost_model"):
        paid_costs([1, 2], "greedy")
    with pytest.raises(ValueError, match="shape"):
        budget_frontier(np.ones((3, 2)), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="2-D"):
        budget_frontier(np.ones(3), [1.0])
    with pytest.raises(ValueError, match=">= 0"):
        budget_frontier(np.ones((2, 2)), [-1.0, 2.0])


def test_oracle_conventions_change_cost_not_accuracy() -> None:
    correct = np.array([[1, 1, 1], [0, 1, 1], [0, 0, 1], [0, 0, 0]], dtype=bool)
    table = oracle_conventions(correct, [1.0, 2.0, 4.0]).set_index(["cost_model", "none_correct"])
    assert table.accuracy.nunique() == 1 and table.accuracy.iloc[0] == pytest.approx(0.75)
    assert table.loc[("routing", "cheapest"), "cost"] == pytest.approx((1 + 2 + 4 + 1) / 4)
    assert table.loc[("routing", "zero"), "cost"] == pytest.approx((1 + 2 + 4) / 4)
    assert table.loc[("cascade", "largest"), "cost"] == pytest.approx((1 + 3 + 7 + 7) / 4)
    assert table.loc[("routing", "cheapest"), "frontier_at_paper_cost"] == pytest.approx(0.75)


# ------------------------------------------------------------------ cascades


def test_cascade_stops_at_the_first_confident_state() -> None:
    top = np.array([[0.9, 0.5, 0.1], [0.4, 0.8, 0.1], [0.1, 0.2, 0.3]])
    states = np.arange(3)
    assert cascade_choice(top, np.array([0.7]), states).tolist() == [[0, 1, 2]]
    assert cascade_choice(top, np.array([0.0, 0.95]), states).tolist() == [[0, 0, 0], [2, 2, 2]]
    per_state = np.array([[0.95, 0.5]])
    assert cascade_choice(top, per_state, states).tolist() == [[1, 1, 2]]
    assert cascade_choice(top, np.array([0.9]), states).tolist() == [[0, 2, 2]]  # a tie stops


def test_cascade_skips_states_without_probability() -> None:
    top = np.array([[0.9, np.nan, 0.3, np.nan], [0.2, np.nan, 0.9, np.nan]])
    states = cascade_states(top)
    assert states.tolist() == [0, 2, 3]
    assert cascade_choice(top, np.array([0.5]), states).tolist() == [[0, 2]]
    paid = cascade_paid([1.0, 5.0, 10.0, 20.0], states, "cascade")
    assert np.isnan(paid[1]) and paid[[0, 2, 3]] == pytest.approx([1, 11, 31])
    assert cascade_paid([1.0, 5.0, 10.0, 20.0], states, "routing")[[0, 2, 3]] == pytest.approx([1, 10, 20])
    with pytest.raises(ValueError, match="cost_model"):
        cascade_paid([1.0, 2.0], np.arange(2), "free")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        cascade_states(np.array([[1.5, 0.2], [0.1, 0.2]]))


@pytest.mark.parametrize("seed", range(6))
def test_two_state_thresholds_are_the_brute_force_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 30
    top = np.round(rng.random((n, 2)), 1)  # ties on purpose
    correct = rng.random((n, 2)) < np.array([0.5, 0.8])
    paid = np.array([1.0, 4.0])
    prices = np.array([0.0, 0.05, 0.2, 1.0])
    fitted = fit_state_thresholds(top, correct, paid, prices)
    candidates = np.append(np.unique(top[:, 0]), np.inf)
    for price, threshold in zip(prices, fitted[:, 0]):
        def objective(t):
            stop = top[:, 0] >= t
            return np.where(stop, correct[:, 0], correct[:, 1] - price * (paid[1] - paid[0])).sum()
        assert objective(threshold) == pytest.approx(max(objective(t) for t in candidates))


def test_tuned_cascade_knob_ends() -> None:
    rng = np.random.default_rng(3)
    top = rng.random((40, 3))
    correct = rng.random((40, 3)) < np.array([0.4, 0.6, 0.9])
    agent = tuned_cascade(top, correct, [1.0, 2.0, 4.0])
    choices = agent.decide(np.arange(40), np.arange(40))
    assert choices[-1].tolist() == [0] * 40  # a prohibitive price stops at S_1
    assert set(choices[0].tolist()) <= {0, 1, 2}


# ------------------------------------------------------------------ router


def test_router_targets_and_payment() -> None:
    correct = np.array([[0, 1, 1], [1, 0, 0], [0, 0, 0], [0, 0, 1]], dtype=bool)
    assert router_targets(correct).tolist() == [1, 0, 0, 2]
    assert router_paid([1.0, 5.0, 10.0], "pixels") == pytest.approx([1, 5, 10])
    assert router_paid([1.0, 5.0, 10.0], "pixels+state1") == pytest.approx([1, 6, 11])


def test_route_by_level() -> None:
    probabilities = np.array([[0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.0, 0.0, 0.0]])
    routed = route_by_level(probabilities, np.array([0.0, 0.5, 0.9, 1.0]))
    assert routed.tolist() == [[0, 0, 0], [0, 2, 2], [1, 2, 2], [2, 2, 2]]


def test_router_features() -> None:
    top = np.array([[0.9, 0.5], [0.3, 0.2], [0.6, 0.1]])
    predicted = np.array([[3, 3], [1, 3], [3, 1]])
    pixels = np.arange(6.0).reshape(3, 2)
    assert router_features("state1", top, predicted).toarray().tolist() == [[0.9, 0, 1], [0.3, 1, 0], [0.6, 0, 1]]
    assert router_features("pixels+state1", top, predicted, pixels).shape == (3, 5)
    with pytest.raises(ValueError, match="pixels"):
        router_features("pixels", top, predicted)
    with pytest.raises(ValueError, match="router features"):
        router_features("logits", top, predicted)


def test_router_never_trains_on_the_instance_it_routes() -> None:
    # Random features and a 1-nearest-neighbour router: fitted on the instance itself it would
    # recall the label perfectly; out of fold it can do no better than chance.
    rng = np.random.default_rng(0)
    n = 400
    correct = np.zeros((n, 2), dtype=bool)
    correct[np.arange(n), rng.integers(0, 2, n)] = True
    features = rng.random((n, 5))
    targets = router_targets(correct)
    in_sample = router_probabilities(features, targets, 2, np.arange(n), np.arange(n), classifier="knn", k=1)
    assert (in_sample.argmax(axis=1) == targets).all()
    agent = learned_router(features, correct, [1.0, 2.0], feature_kind="pixels", classifier="knn", k=1)
    curve = cross_validated_curve(agent, correct)
    assert curve.accuracy.between(0.4, 0.6).iloc[1:-1].all()
    with pytest.raises(ValueError, match="classifier"):
        learned_router(features, correct, [1.0, 2.0], feature_kind="pixels", classifier="tree")


# ------------------------------------------------------------------ agents against the bounds


def _synthetic_family(seed: int, n: int = 240, n_states: int = 4):
    """States that see a noisy difficulty: cheaper states are less accurate and less sure."""
    rng = np.random.default_rng(seed)
    difficulty = rng.random(n)
    skill = np.linspace(0.3, 0.9, n_states)
    noise = rng.normal(0.0, 0.15, (n, n_states))
    correct = difficulty[:, None] < skill[None, :] + noise
    top = np.clip(0.5 + (skill[None, :] - difficulty[:, None]) + rng.normal(0, 0.1, (n, n_states)), 0, 1)
    predicted = np.where(correct, 1, 0)
    costs = np.geomspace(1.0, 50.0, n_states)
    return correct, costs, top, predicted, difficulty[:, None] + rng.normal(0, 0.1, (n, 3))


@pytest.mark.parametrize("cascade_cost_model", ["cascade", "routing"])
def test_every_agent_lies_inside_the_bounds(cascade_cost_model: str) -> None:
    correct, costs, top, predicted, pixels = _synthetic_family(1)
    agents = standard_agents(correct, costs, top, predicted, pixels, cascade_cost_model=cascade_cost_model,
                             router_feature_kind="pixels+state1", n_grid=21)
    comparison = compare_agents(correct, costs, None, agents)
    rows = comparison.summary.dropna(subset=["points"])
    assert len(rows) == 3
    assert (rows[["above_oracle", "above_frontier", "above_own_frontier"]] == 0).all().all()
    oracle = comparison.oracle
    assert comparison.frontier.at(oracle.cost) == pytest.approx(oracle.accuracy)
    assert (comparison.curves.accuracy <= oracle.accuracy + 1e-12).all()
    ref = comparison.summary.set_index("agent")
    assert ref.loc["budgeted oracle (frontier)", "gain_share"] == pytest.approx(1.0)
    assert ref.loc["non-adaptive baseline", "gain_share"] == pytest.approx(0.0)


@PROPERTY
@given(st.data())
def test_any_choice_of_states_lies_under_the_frontier(data) -> None:
    n_states = data.draw(st.integers(2, 5))
    n = data.draw(st.integers(1, 30))
    matrix = data.draw(arrays(bool, (n, n_states)))
    costs = np.sort(np.array(data.draw(st.lists(st.floats(0.1, 100), min_size=n_states, max_size=n_states))))
    choices = data.draw(arrays(np.int64, (5, n), elements=st.integers(0, n_states - 1)))
    frontier = budget_frontier(matrix, costs)
    cost = costs[choices].mean(axis=1)
    accuracy = matrix[np.arange(n)[None, :], choices].mean(axis=1)
    assert not above_curve(cost, accuracy, frontier, tol=1e-9).any()


def test_resolution_family_agents_inside_the_bounds() -> None:
    from adaptlib.analysis.agents import digits_pixels

    family = digits.load_family("resolution")
    agents = standard_agents(family.correct, family.costs, family.top_probability, family.predicted,
                             digits_pixels(family.correct.shape[0]), router_classifier="knn", n_grid=21)
    summary = compare_agents(family.correct, family.costs, family.names, agents).summary
    assert (summary.dropna(subset=["points"])[["above_oracle", "above_frontier", "above_own_frontier"]] == 0).all().all()


def test_constant_alpha_line_uses_pareto_states_when_eq3_fails() -> None:
    space = StateSpace.from_arrays(["a", "b", "c"], [1, 2, 4], [0.5, 0.9, 0.8])
    (p0, p1), label = constant_alpha_ends(space)
    assert label == "Pareto states" and p1.accuracy == pytest.approx(0.9) and p0.accuracy == 1.0


# ------------------------------------------------------------------ thresholds for a budget


def test_choose_knob() -> None:
    cost = np.array([1.0, 2.0, 3.0, 4.0])
    acc = np.array([0.5, 0.7, 0.7, 0.9])
    assert choose_knob(cost, acc, 3.5) == 1  # tie in accuracy: the cheaper
    assert choose_knob(cost, acc, 10.0) == 3
    assert choose_knob(cost, acc, 0.5) == 0  # nothing meets it: the cheapest


def _recording_agent(n_states: int, log: list) -> Agent:
    grid = np.arange(n_states, dtype=float)

    def decide(train, apply):
        log.append((set(train.tolist()), set(apply.tolist())))
        return np.repeat(np.arange(n_states)[:, None], apply.size, axis=1)

    return Agent("fixed", "state", grid, decide, np.array([1.0, 2.0, 4.0]), np.arange(3), "routing")


def test_budget_cross_validation_never_uses_held_out_instances() -> None:
    rng = np.random.default_rng(0)
    correct = rng.random((50, 3)) < np.array([0.3, 0.6, 0.9])
    log: list = []
    runs = budget_cross_validation(_recording_agent(3, log), correct, [1.5, 2.5, 5.0], n_repeats=2)
    assert all(not (train & apply) for train, apply in log)
    assert len(runs) == 2 * 5 * 3
    assert (runs.loc[runs.budget == 1.5, "test_cost"] == 1.0).all()
    assert (runs.loc[runs.budget == 5.0, "test_cost"] == 4.0).all()
    summary = budget_summary(runs).set_index("budget")
    assert summary.loc[5.0, "held_out_accuracy"] == pytest.approx(correct[:, 2].mean())
    assert summary.loc[2.5, "folds_over_budget"] == 0.0
    with pytest.raises(ValueError, match="margin"):
        budget_cross_validation(_recording_agent(3, []), correct, [2.0], margin=1.0)
    with pytest.raises(ValueError, match="budgets"):
        budget_cross_validation(_recording_agent(3, []), correct, [-1.0])


def test_a_second_budget_cross_validation_reuses_the_fits_only_for_the_same_data_and_split() -> None:
    rng = np.random.default_rng(1)
    correct = rng.random((60, 3)) < np.array([0.3, 0.6, 0.9])
    log: list = []
    agent = _recording_agent(3, log)
    first = budget_cross_validation(agent, correct, [1.5, 2.5], n_folds=3)
    fits = len(log)
    assert fits == 3 * (3 + 1)  # per outer fold: the inner folds and the whole training fold
    with_margin = budget_cross_validation(agent, correct, [1.5, 2.5], n_folds=3, margin=0.2)
    assert len(log) == fits  # the margin changes only the knob chosen from the same outcomes
    assert (with_margin.train_cost <= first.train_cost).all()
    budget_cross_validation(agent, correct, [1.5], n_folds=3, seed=5)
    budget_cross_validation(agent, ~correct, [1.5], n_folds=3)
    assert len(log) == 3 * fits  # another split, other data: fitted again


def test_budget_summary_counts_broken_budgets() -> None:
    runs = pd.DataFrame({
        "agent": "a", "budget": 2.0, "repeat": 0, "fold": [0, 1], "knob": 0.0, "train_cost": 2.0,
        "train_accuracy": 0.5, "test_cost": [1.0, 3.0], "test_accuracy": [0.4, 0.6], "n_test": [3, 1],
        "over_budget": [False, True],
    })
    row = budget_summary(runs).iloc[0]
    assert row.held_out_cost == pytest.approx(1.5) and row.held_out_accuracy == pytest.approx(0.45)
    assert row.folds_over_budget == 0.5 and row.repeats_over_budget == 0.0
    assert row.worst_fold_ratio == pytest.approx(1.5)


def test_folds_are_seeded_and_partition_the_instances() -> None:
    a, b = folds(23, 5, 7), folds(23, 5, 7)
    assert all((x[1] == y[1]).all() for x, y in zip(a, b))
    assert sorted(np.concatenate([test for _, test in a]).tolist()) == list(range(23))
    with pytest.raises(ValueError, match="n_folds"):
        folds(3, 5, 0)


def test_shared_cascade_curve_runs_from_s1_to_the_last_state() -> None:
    correct, costs, top, _, _ = _synthetic_family(2, n=60)
    curve = cross_validated_curve(shared_cascade(top, costs, cost_model="routing", n_thresholds=5), correct)
    assert curve.cost.iloc[0] == pytest.approx(costs[0])
    assert curve.cost.iloc[-1] == pytest.approx(costs[-1])
    assert curve.accuracy.iloc[-1] == pytest.approx(correct[:, -1].mean())


# ------------------------------------------------------------------ figures


def _fits_the_column_in_rows(fig) -> None:
    """At most 6.5 in wide, one panel per row (stacked), legends at 9 pt or more."""
    assert fig.get_figwidth() <= 6.5
    columns = {round(ax.get_position().x0, 3) for ax in fig.axes}
    assert len(columns) == 1
    assert all(t.get_fontsize() >= 9 for legend in fig.legends for t in legend.get_texts())


def test_figures_draw_one_panel_per_family_and_refuse_empty_input() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from adaptlib.analysis.alpha_models import fit_alpha_models
    from adaptlib.plotting.agents import plot_agents_vs_bounds, plot_alpha_models

    correct, costs, top, predicted, pixels = _synthetic_family(4, n=80)
    agents = standard_agents(correct, costs, top, predicted, pixels, n_grid=5, router_classifier="knn", router_k=5)
    comparisons = {"a": compare_agents(correct, costs, None, agents), "b": compare_agents(correct, costs)}
    fig = plot_agents_vs_bounds(comparisons)
    assert len(fig.axes) == 2
    labels = fig.legends[0].get_texts()
    assert any("frontier" in t.get_text() for t in labels)
    assert sum(t.get_text().startswith(("cascade", "learned")) for t in labels) == 3
    _fits_the_column_in_rows(fig)
    agent_lines = [h for h, t in zip(fig.legends[0].legend_handles, labels)
                   if t.get_text().startswith(("cascade", "learned"))]
    styles = {(str(h.get_linestyle()), h.get_marker()) for h in agent_lines}
    assert len(styles) == 3  # told apart without colour: line style and marker
    oracles = {name: comp.oracle for name, comp in comparisons.items()}
    fig = plot_alpha_models({k: fit_alpha_models(o) for k, o in oracles.items()},
                            {k: o.alpha for k, o in oracles.items()})
    assert len(fig.axes) == 2
    _fits_the_column_in_rows(fig)
    with pytest.raises(ValueError, match="empty"):
        plot_agents_vs_bounds({})
    with pytest.raises(ValueError, match="measured"):
        plot_alpha_models({"a": fit_alpha_models(oracles["a"])}, {})


def test_comparison_without_agents_keeps_every_summary_column() -> None:
    correct, costs, *_ = _synthetic_family(5, n=50)
    comparison = compare_agents(correct, costs)
    assert list(comparison.summary.agent) == ["budgeted oracle (frontier)", "non-adaptive baseline"]
    assert {"points", "above_frontier", "gain_share"} <= set(comparison.summary.columns)
    assert comparison.curves.empty and not comparison.envelopes
    with pytest.raises(ValueError, match="cost order"):
        compare_agents(correct[:, ::-1], costs[::-1])
    with pytest.raises(ValueError, match="scale"):
        compare_agents(correct, costs, scale="cubic")


# ------------------------------------------------------------------ the page of chapter 10


class _User:
    """The reader's data as :func:`adaptlib.chapter.inputs.user_inputs` returns it."""

    def __init__(self, correct, costs):
        self.name, self.correct, self.unit = "mine", correct, "cost units"
        self.space = exact_oracle(correct, costs).space


def test_chapter_families_of_a_reader_has_no_agents_and_the_bounds_still_compare() -> None:
    correct, costs, *_ = _synthetic_family(6, n=60)
    setup = chapter_families(_User(correct, costs))
    assert list(setup.families) == ["mine"] and setup.agents == {} and setup.unit == "cost units"
    assert setup.describe() == "mine: 60 instances, 4 states, costs 1 to 50 cost units"
    comparisons = compare_families(setup, n_folds=3)
    assert curve_ranges(comparisons["mine"].curves).empty
    inside = bounds_respected(comparisons)
    assert inside.loc["mine", "points"] == 0 and bool(inside.loc["mine", "frontier_through_oracle"])
    assert budget_table([], correct, [1.0, 2.0, 4.0], comparisons["mine"]).empty
    summary = agent_summary(comparisons)
    assert list(summary.index) == [("mine", "budgeted oracle (frontier)"), ("mine", "non-adaptive baseline")]


def test_chapter_families_load_the_three_digits_families_with_three_agents_each() -> None:
    setup = chapter_families(n_grid=5)
    assert list(setup.families) == list(digits.FAMILIES) and setup.unit == "FLOPs"
    assert all(len(agents) == 3 for agents in setup.agents.values())
    assert setup.describe().splitlines()[0].startswith("width: 1797 instances, 8 states, costs ")


def test_page_tables_agree_with_the_comparison_they_summarise() -> None:
    correct, costs, top, predicted, pixels = _synthetic_family(7, n=90)
    agents = standard_agents(correct, costs, top, predicted, pixels, n_grid=7, router_classifier="knn",
                             router_k=5)
    comparisons = {"a": compare_agents(correct, costs, None, agents, n_folds=3), "b": compare_agents(correct, costs)}
    ranges = curve_ranges(comparisons["a"].curves)
    assert list(ranges.index) == [agent.name for agent in agents]
    assert (ranges.points == 7 + (ranges.index == agents[0].name)).all()  # the shared cascade adds "above 1"
    assert (ranges.min_cost <= ranges.max_cost).all() and (ranges.max_accuracy <= 1).all()
    inside = bounds_respected(comparisons)
    assert inside.points.tolist() == [len(comparisons["a"].curves), 0]
    assert inside.above_a_bound.tolist() == [0, 0] and inside.frontier_through_oracle.all()
    summary = agent_summary(comparisons)
    assert summary.loc[("a", agents[2].name), "gain_share"] == pytest.approx(
        comparisons["a"].summary.set_index("agent").loc[agents[2].name, "gain_share"])
    assert len(summary) == 5 + 2


def test_budget_table_is_the_cross_validation_beside_the_bounds() -> None:
    correct, costs, top, predicted, pixels = _synthetic_family(8, n=90)
    agents = standard_agents(correct, costs, top, predicted, pixels, n_grid=7, router_classifier="knn",
                             router_k=5)
    comparison = compare_agents(correct, costs, None, agents, n_folds=3)
    table = budget_table(agents, correct, [1.0, 3.0], comparison, n_folds=3, seed=2)
    assert list(table.columns) == list(BUDGET_COLUMNS)
    assert len(table) == 3 * 2
    assert table.multiple.tolist() == pytest.approx([1.0, 3.0] * 3)
    by_hand = budget_summary(budget_cross_validation(agents[1], correct, [comparison.oracle.cost], n_folds=3,
                                                     seed=2))
    row = table[(table.agent == agents[1].name) & (table.multiple == 1.0)].iloc[0]
    assert row.held_out_accuracy == pytest.approx(by_hand.held_out_accuracy.iloc[0])
    assert row.frontier == pytest.approx(comparison.frontier.at(comparison.oracle.cost))
    safe = budget_table(agents, correct, [1.0, 3.0], comparison, n_folds=3, seed=2, margin=0.5)
    both = margin_effect(table, safe)
    assert len(both) == 6
    assert both.accuracy_lost.to_numpy() == pytest.approx(
        (both.held_out_accuracy - both.held_out_accuracy_margin).to_numpy())
    assert (both.folds_over_budget_margin <= both.folds_over_budget + 1e-12).all()


def test_alpha_models_by_family_and_their_verdicts() -> None:
    comparisons = {f"f{seed}": compare_agents(*_synthetic_family(seed, n=120, n_states=5)[:2]) for seed in (1, 2)}
    fits, table = alpha_models_by_family(comparisons, weighting="uniform")
    assert set(fits) == {"f1", "f2"} and set(table.family) == {"f1", "f2"}
    exact = table[table.model == "exact"]
    assert np.allclose(exact[["cost_error_pct", "accuracy_error_pp"]], 0, atol=1e-9)
    errors = alpha_model_errors(table)
    assert "exact" not in errors.index and list(errors.columns) == ["abs_cost", "abs_acc", "alpha_rmse"]
    fitted = table[table.model != "exact"]
    assert errors.loc["constant-min", "abs_cost"] == pytest.approx(
        fitted[fitted.model == "constant-min"].cost_error_pct.abs().mean())
    verdicts = alpha_model_verdicts(table)
    assert verdicts["n_families"] == 2 and 0 <= verdicts["lin_wins"] <= 2
    assert list(verdicts["winners"].family) == ["f1", "f2"]
    for row in verdicts["winners"].itertuples():
        family = fitted[fitted.family == row.family]
        assert abs(row.cost_error_pct) == pytest.approx(family.cost_error_pct.abs().min())
    assert verdicts["inconsistent"] == int((~fitted.consistent.astype(bool)).sum())


def test_the_tuned_cascade_crosses_a_tie_in_cost_for_free() -> None:
    correct, costs, top, _, _ = _synthetic_family(11, n=80)
    tied = np.array([costs[0], costs[0], *costs[2:]], dtype=float)  # S_1 and S_2 cost the same
    agent = tuned_cascade(top, correct, tied, cost_model="routing", n_prices=9)
    assert np.isfinite(agent.grid).all() and agent.grid[0] == 0 and agent.grid[-1] == pytest.approx(
        2.0 / np.diff(tied)[np.diff(tied) > 0].min())
    curve = cross_validated_curve(agent, correct, n_folds=3)
    assert curve.accuracy.between(0, 1).all() and len(curve) == 9
    with pytest.raises(ValueError, match="rise at least once"):
        tuned_cascade(top, correct, np.full(len(costs), 2.0), cost_model="routing")


def test_describe_writes_small_costs_with_significant_digits() -> None:
    correct, _, *_ = _synthetic_family(6, n=60)
    setup = chapter_families(_User(correct, [0.00012, 0.0009, 0.0031, 0.017]))
    assert setup.describe() == "mine: 60 instances, 4 states, costs 0.00012 to 0.017 cost units"
    setup = chapter_families(_User(correct, [4.089, 4.6, 17.564, 297.0]))
    assert setup.describe() == "mine: 60 instances, 4 states, costs 4.09 to 297 cost units"


def test_real_family_agents_refuse_a_digits_family() -> None:
    with pytest.raises(ValueError, match="accepted names are imagenet"):
        real_family_agents("width")
