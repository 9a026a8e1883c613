"""The chapter 02 helpers of adaptlib.analysis.oracle_agent: the pair parameter, Eq. 4-7 side
by side, and the one-row summary of Fig. 1."""
import numpy as np
import pytest

from adaptlib import exact_oracle
from adaptlib.analysis.oracle_agent import (
    oracle_identities,
    require_state_pair,
    two_state_summary,
    two_state_table,
)

NAMES, COSTS = ["a", "b", "c"], [1.0, 1.0, 5.0]


def test_require_state_pair_accepts_a_cheaper_first_state():
    assert require_state_pair("pair", ["a", "c"], NAMES, COSTS) == (0, 2)


@pytest.mark.parametrize(
    "value, message",
    [
        (["c", "a"], "must cost less"),
        (["a", "b"], "must cost less"),  # a tie in cost is not a small and a large state
        (["a", "x"], "pair\\[1\\]. = .x.: unknown state"),
        (["a", "b", "c"], "has 3 item"),
        (["a"], "has 1 item"),
        (["a", "a"], "must cost less"),
        ("a", "must be a list"),
    ],
)
def test_require_state_pair_rejects(value, message):
    with pytest.raises(ValueError, match=message):
        require_state_pair("pair", value, NAMES, COSTS)


@pytest.mark.parametrize("rule", ["cheapest", "largest", "zero"])
@pytest.mark.parametrize("model", ["routing", "cascade"])
def test_oracle_identities_agree(rule, model):
    rng = np.random.default_rng(3)
    correct = rng.random((200, 3)) < [0.5, 0.6, 0.8]
    frame = oracle_identities(correct, [1.0, 2.0, 7.0], NAMES, none_correct=rule, cost_model=model)
    exact = exact_oracle(correct, [1.0, 2.0, 7.0], NAMES, none_correct=rule, cost_model=model)
    assert list(frame.index) == ["cost", "accuracy"]
    np.testing.assert_allclose(frame["exact"], [exact.cost, exact.accuracy])
    np.testing.assert_allclose(frame.to_numpy(), frame[["exact"]].to_numpy().repeat(3, axis=1))


def test_two_state_summary_by_hand():
    small = np.array([1, 1, 0, 0, 0], bool)
    large = np.array([1, 0, 1, 1, 0], bool)
    row = two_state_summary(two_state_table(small, large, 1.0, 10.0), 10.0)
    np.testing.assert_allclose(row[["P(CC)", "P(CI)", "P(IC)", "P(II)"]], [0.2, 0.2, 0.4, 0.2])
    assert row["A_s"] == pytest.approx(0.4) and row["A_L"] == pytest.approx(0.6)
    assert row["A_oracle"] == pytest.approx(0.8)
    assert row["R_oracle"] == pytest.approx(1.0 + 9.0 * 0.4)
    assert row["R_oracle / R_L"] == pytest.approx(0.46)
