"""State selection (Sec. 4.1.1, Algorithm 1): the exact optimum against brute force and greedy."""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import PROPERTY, monotone_spaces, naive_conservative

from adaptlib import (
    StateSpace,
    brute_force_selection,
    greedy_selection,
    optimal_selection,
    optimal_selections,
    subset_bound,
)


def all_subset_costs(space: StateSpace, k: int) -> float:
    """The least Eq. 9 over every k-subset that keeps S_1 and S_N, written out directly."""
    n = len(space)
    best = np.inf
    for middle in combinations(range(1, n - 1), k - 2):
        idx = [0, *middle, n - 1]
        best = min(best, naive_conservative(space.costs[idx], space.accuracies[idx]))
    return best


def tol(space: StateSpace) -> float:
    return 1e-9 * max(1.0, float(space.costs[-1]))


@PROPERTY
@given(monotone_spaces(min_states=2, max_states=9))
def test_exact_selection_is_the_brute_force_optimum_for_every_k(space):
    n = len(space)
    selections = optimal_selections(space, n)
    assert sorted(selections) == list(range(2, n + 1))
    for k, chosen in selections.items():
        assert chosen.k == k and chosen.indices[0] == 0 and chosen.indices[-1] == n - 1
        assert len(set(chosen.indices)) == k
        assert chosen.names == tuple(space.names[i] for i in chosen.indices)
        assert chosen.point.cost == pytest.approx(subset_bound(space, chosen.indices).cost)
        assert abs(chosen.point.cost - all_subset_costs(space, k)) <= tol(space)
        assert abs(chosen.point.cost - brute_force_selection(space, k).point.cost) <= tol(space)
        single = optimal_selection(space, k)
        assert single.point.cost == pytest.approx(chosen.point.cost)
    # Keeping every state reproduces Eq. 9 on the whole space.
    assert selections[n].indices == tuple(range(n))


@PROPERTY
@given(monotone_spaces(min_states=2, max_states=12), st.data())
def test_greedy_returns_k_states_and_never_beats_the_optimum(space, data):
    n = len(space)
    k = data.draw(st.integers(2, n))
    greedy = greedy_selection(space, k)
    assert greedy.k == k and len(set(greedy.indices)) == k
    assert greedy.indices[0] == 0 and greedy.indices[-1] == n - 1
    assert list(greedy.indices) == sorted(greedy.indices)
    assert greedy.point.cost == pytest.approx(subset_bound(space, greedy.indices).cost)
    assert optimal_selection(space, k).point.cost <= greedy.point.cost + tol(space)


@PROPERTY
@given(monotone_spaces(min_states=3, max_states=10))
def test_more_states_never_raise_the_optimal_bound(space):
    costs = [s.point.cost for _, s in sorted(optimal_selections(space, len(space)).items())]
    assert all(b <= a + tol(space) for a, b in zip(costs, costs[1:]))


def test_greedy_step_gain_is_the_drop_of_the_bound():
    """Algorithm 1's dR(s) = [R(s+) - R(s)][A(s) - A(s-)] is what adding s removes from Eq. 9.
    States (1, .5), (2, .6), (5, .8), (10, .85). From {S1, S4}: dR(S2) = (10 - 2)(.1) = 0.8,
    dR(S3) = (10 - 5)(.3) = 1.5, so greedy adds S3; its bound drops from
    1 + 9 * .35 = 4.15 to 1 + 4 * .3 + 9 * .05 = 2.65 = 4.15 - 1.5."""
    space = StateSpace.from_arrays(["S1", "S2", "S3", "S4"], [1, 2, 5, 10], [0.5, 0.6, 0.8, 0.85])
    two, three = greedy_selection(space, 2), greedy_selection(space, 3)
    assert two.names == ("S1", "S4") and two.point.cost == pytest.approx(4.15)
    assert three.names == ("S1", "S3", "S4") and three.point.cost == pytest.approx(2.65)


def test_greedy_ties_go_to_the_cheaper_state():
    """States (R, A) = (1, .5), (4, .5625), (6, .625), (7, .75), (8, 1); every number is a
    binary fraction, so the gains below are exact. From {S1, S5}:
    dR(S2) = (8 - 4)(.0625) = .25, dR(S3) = (8 - 6)(.125) = .25, dR(S4) = (8 - 7)(.25) = .25,
    a three-way tie; the docstring's rule sends it to the cheapest, S2. Each choice takes the
    same .25 off 1 + 7 * .5 = 4.5, so only the names tell the tie rule apart.
    Next, from {S1, S2, S5}: dR(S3) = (8 - 6)(.0625) = .125, dR(S4) = (8 - 7)(.1875) = .1875,
    no tie, so S4: 4.25 - .1875 = 4.0625."""
    space = StateSpace.from_arrays(
        ["S1", "S2", "S3", "S4", "S5"], [1, 4, 6, 7, 8], [0.5, 0.5625, 0.625, 0.75, 1.0]
    )
    three = greedy_selection(space, 3)
    assert three.names == ("S1", "S2", "S5") and three.indices == (0, 1, 4)
    assert three.point.cost == 4.25
    for other in ((0, 2, 4), (0, 3, 4)):  # the tied alternatives reach the same bound
        assert subset_bound(space, other).cost == 4.25
    four = greedy_selection(space, 4)
    assert four.names == ("S1", "S2", "S4", "S5") and four.point.cost == 4.0625


def test_greedy_tie_across_two_gaps_goes_to_the_cheaper_state():
    """A tie between states in different gaps of the chosen set. (R, A) = (1, .5), (2, .625),
    (4, .75), (6, .875), (8, 1). From {S1, S5}: dR = 6 * .125 = .75, 4 * .25 = 1, 2 * .375 = .75,
    so S3 (bound 4.5 - 1 = 3.5). Then S2 in the gap below S3 and S4 in the gap above tie:
    dR(S2) = (4 - 2)(.125) = .25 = dR(S4) = (8 - 6)(.125); S2, the cheaper, wins (3.25)."""
    space = StateSpace.from_arrays(
        ["S1", "S2", "S3", "S4", "S5"], [1, 2, 4, 6, 8], [0.5, 0.625, 0.75, 0.875, 1.0]
    )
    assert greedy_selection(space, 3).names == ("S1", "S3", "S5")
    four = greedy_selection(space, 4)
    assert four.names == ("S1", "S2", "S3", "S5") and four.point.cost == 3.25
    assert subset_bound(space, (0, 2, 3, 4)).cost == 3.25  # the tied alternative


def test_greedy_is_not_always_optimal():
    """States (R, A) = (1, .1), (2, .6), (3, .8), (4, .9), (10, .9), k = 4.
    Greedy from {S1, S5}: dR(S2) = 8 * .5 = 4.0, dR(S3) = 7 * .7 = 4.9, dR(S4) = 6 * .8 = 4.8,
    so it adds S3; then dR(S2) = 1 * .5 = 0.5 and dR(S4) = 6 * .1 = 0.6, so it adds S4:
    {S1, S3, S4, S5} costs 1 + 2 * .7 + 3 * .1 + 9 * 0 = 2.7.
    The optimum {S1, S2, S4, S5} costs 1 + 1 * .5 + 3 * .3 + 9 * 0 = 2.4."""
    space = StateSpace.from_arrays(
        ["S1", "S2", "S3", "S4", "S5"], [1, 2, 3, 4, 10], [0.1, 0.6, 0.8, 0.9, 0.9]
    )
    greedy, best = greedy_selection(space, 4), optimal_selection(space, 4)
    assert greedy.names == ("S1", "S3", "S4", "S5") and greedy.point.cost == pytest.approx(2.7)
    assert best.names == ("S1", "S2", "S4", "S5") and best.point.cost == pytest.approx(2.4)
    assert brute_force_selection(space, 4).names == best.names


@pytest.mark.parametrize(
    "call", [greedy_selection, optimal_selection, brute_force_selection], ids=["greedy", "optimal", "brute"]
)
def test_selection_refuses_bad_k_and_non_monotone_spaces(call):
    space = StateSpace.from_arrays(["a", "b", "c"], [1.0, 2.0, 3.0], [0.5, 0.6, 0.7])
    for k in (1, 4):
        with pytest.raises(ValueError, match=r"must lie in 2\.\.3 for this space; got"):
            call(space, k)
    for k in (2.0, True, "2"):
        with pytest.raises(ValueError, match="must be an integer"):
            call(space, k)
    broken = StateSpace.from_arrays(["a", "b", "c"], [1.0, 2.0, 3.0], [0.5, 0.8, 0.7])
    with pytest.raises(ValueError, match=r"space\.pareto\(\)"):
        call(broken, 2)


@PROPERTY
@given(monotone_spaces(min_states=3, max_states=9))
def test_optimal_selections_do_not_depend_on_the_block_size(space):
    """The DP computes its pair weights a block of states at a time (to bound memory on large
    spaces); blocks of 2 states must give what a single block gives."""
    import adaptlib.core.selection as selection

    whole = optimal_selections(space, len(space))
    original = selection._BLOCK
    selection._BLOCK = 2
    try:
        blocked = optimal_selections(space, len(space))
    finally:
        selection._BLOCK = original
    for k in whole:
        assert blocked[k].point.cost == pytest.approx(whole[k].point.cost, rel=1e-12, abs=1e-12)
