"""adaptlib.core.routing against the rest of the core: with one cost per state it is Eq. 4-9 as
the oracle and the bounds compute them; the frontier always ends at the exact oracle."""
from __future__ import annotations

import numpy as np
import pytest

from adaptlib.core.bounds import eq8_constant_alpha, eq9_conservative
from adaptlib.core.frontier import budget_frontier
from adaptlib.core.oracle import exact_oracle, first_correct
from adaptlib.core.prices import paid_costs, paid_matrix, unsolved_cost
from adaptlib.core.routing import (
    bootstrap_mean_intervals,
    closed_form,
    frontier_costs,
    instance_oracle,
)
from adaptlib.core.states import StateSpace

COSTS = np.array([1.0, 2.0, 5.0, 9.0])


def matrix(seed: int, n: int = 300) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 4)) < [0.3, 0.5, 0.6, 0.8]


@pytest.mark.parametrize("cost_model", ["routing", "cascade"])
@pytest.mark.parametrize("none_correct", ["cheapest", "largest", "zero"])
def test_shared_costs_give_the_exact_oracle_and_the_frontier_ends_there(cost_model, none_correct):
    correct = matrix(0)
    paid = np.broadcast_to(paid_costs(COSTS, cost_model), correct.shape)
    labels, prices = instance_oracle(correct, paid, none_correct)
    result = exact_oracle(correct, COSTS, none_correct=none_correct, cost_model=cost_model)
    np.testing.assert_array_equal(labels, first_correct(correct))
    assert prices.mean() == pytest.approx(result.cost)
    end = budget_frontier(correct, frontier_costs(correct, paid, none_correct)).end
    assert end == pytest.approx((result.cost, result.accuracy))


@pytest.mark.parametrize("cost_model", ["routing", "cascade"])
def test_per_instance_costs_pick_the_cheapest_right_state_of_each_instance(cost_model):
    correct = matrix(1)
    costs = np.random.default_rng(2).uniform(0.5, 10.0, correct.shape)
    paid = paid_matrix(costs, cost_model)
    labels, prices = instance_oracle(correct, paid, "cheapest")
    for x in range(len(correct)):
        right = np.flatnonzero(correct[x])
        expected = paid[x, 0] if right.size == 0 else paid[x, right].min()
        assert prices[x] == expected and (labels[x] == -1) == (right.size == 0)
    end = budget_frontier(correct, frontier_costs(correct, paid, "cheapest")).end
    assert end == pytest.approx((prices.mean(), correct.any(axis=1).mean()))


def test_unsolved_prices_follow_the_price_rule():
    paid = np.array([[1.0, 4.0, 6.0], [2.0, 3.0, 7.0]])
    assert unsolved_cost(paid, "cheapest").tolist() == [1.0, 2.0]
    assert unsolved_cost(paid, "largest").tolist() == [6.0, 7.0]
    assert unsolved_cost(paid, "zero").tolist() == [0.0, 0.0]


def test_closed_form_is_eq8_and_eq9_with_routing_and_the_papers_rule():
    space = StateSpace.from_arrays(["a", "b", "c"], [1.0, 3.0, 10.0], [0.25, 0.5, 0.75])
    assert closed_form(space, 1.0).cost == eq9_conservative(space).cost
    assert closed_form(space, 0.6).cost == eq8_constant_alpha(space, 0.6).cost
    # cascade: Eq. 9 on the paid costs 1, 4, 14: 1 + 3 (1/4) + 13 (1/4) = 5.
    assert closed_form(space, 1.0, "cascade").cost == pytest.approx(5.0)
    # zero: the (1 - A_N) alpha unsolved share is no longer priced at R_1 = 1.
    assert closed_form(space, 0.6, none_correct="zero").cost == pytest.approx(eq8_constant_alpha(space, 0.6).cost - 0.15)


def test_bootstrap_mean_intervals_bracket_the_means_and_are_seeded():
    values = np.column_stack([np.arange(100.0), np.arange(100) % 2])
    intervals = bootstrap_mean_intervals(values, 300, seed=1)
    assert intervals.shape == (2, 2)
    assert intervals[0, 0] < 49.5 < intervals[0, 1] and intervals[1, 0] < 0.5 < intervals[1, 1]
    np.testing.assert_array_equal(intervals, bootstrap_mean_intervals(values, 300, seed=1))
