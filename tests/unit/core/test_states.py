"""State spaces (Sec. 2.1, Eq. 1-3): sorting, reported assumptions, the Pareto filter."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import PROPERTY

from adaptlib import OperatingPoint, StateSpace, eq9_conservative, exact_oracle
from adaptlib.datasets.user import read_state_space


def test_sorted_by_cost_with_accuracies_following():
    space = StateSpace.from_arrays(["big", "small", "mid"], [10.0, 1.0, 4.0], [0.9, 0.6, 0.8])
    assert space.names == ("small", "mid", "big")
    np.testing.assert_array_equal(space.costs, [1.0, 4.0, 10.0])
    np.testing.assert_array_equal(space.accuracies, [0.6, 0.8, 0.9])
    assert len(space) == 3
    report = space.assumptions()
    assert report.costs_sorted and report.accuracies_monotone and report.ok
    assert report.violations == []
    assert list(space.to_frame().columns) == ["state", "cost", "accuracy"]
    assert space.to_frame()["state"].tolist() == ["small", "mid", "big"]


def test_arrays_are_read_only():
    space = StateSpace.from_arrays(["a", "b"], [1.0, 2.0], [0.1, 0.2])
    with pytest.raises(ValueError):
        space.costs[0] = 5.0
    with pytest.raises(ValueError):
        space.accuracies[0] = 0.5


def test_ties_keep_the_given_order_and_are_reported():
    space = StateSpace.from_arrays(["x", "y", "z"], [2.0, 1.0, 2.0], [0.7, 0.5, 0.8])
    assert space.names == ("y", "x", "z")
    report = space.assumptions()
    assert not report.costs_sorted and report.accuracies_monotone and not report.ok
    assert report.violations == ["Eq. 2: states x and z cost the same (2)"]


def test_accuracy_drops_are_reported():
    space = StateSpace.from_arrays(["a", "b", "c"], [1.0, 2.0, 3.0], [0.5, 0.8, 0.7])
    report = space.assumptions()
    assert report.costs_sorted and not report.accuracies_monotone
    assert len(report.violations) == 1
    assert report.violations[0].startswith("Eq. 3: c (cost 3, accuracy 0.7000)")
    assert "cheaper b (0.8000)" in report.violations[0]


def test_no_accuracies_means_nothing_to_check_for_eq3():
    report = StateSpace.from_arrays(["a", "b"], [1.0, 2.0]).assumptions()
    assert report.accuracies_monotone and report.costs_sorted


def test_pareto_drops_dominated_states():
    # b is dearer than a and less accurate; d ties c in cost with less accuracy; e ties the best.
    space = StateSpace.from_arrays(
        ["a", "b", "c", "d", "e"], [1.0, 2.0, 3.0, 3.0, 4.0], [0.6, 0.5, 0.7, 0.65, 0.7]
    )
    front = space.pareto()
    assert front.names == ("a", "c")
    assert front.assumptions().ok


@PROPERTY
@given(
    st.lists(
        st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=12
    )
)
def test_pareto_front_properties(pairs):
    costs = [float(c) for c, _ in pairs]
    accs = [a / 20 for _, a in pairs]
    space = StateSpace.from_arrays([f"s{i}" for i in range(len(pairs))], costs, accs)
    front = space.pareto()
    # strictly increasing in cost and accuracy: Eq. 2 and Eq. 3 hold strictly
    assert np.all(np.diff(front.costs) > 0) and np.all(np.diff(front.accuracies) > 0)
    kept = set(front.names)
    for name, c, a in zip(space.names, space.costs, space.accuracies):
        dominated = any(
            (c2 <= c and a2 >= a) and (c2 < c or a2 > a)
            for n2, c2, a2 in zip(space.names, space.costs, space.accuracies)
            if n2 != name
        )
        if dominated:
            assert name not in kept
        elif name not in kept:
            # an exact duplicate (same cost and accuracy) of a kept state
            assert any(
                c2 == c and a2 == a for n2, c2, a2 in zip(front.names, front.costs, front.accuracies)
            )


def test_closed_forms_refuse_non_monotone_and_point_to_pareto():
    space = StateSpace.from_arrays(["a", "b", "c"], [1.0, 2.0, 3.0], [0.5, 0.8, 0.7])
    with pytest.raises(ValueError) as info:
        eq9_conservative(space)
    message = str(info.value)
    assert "Eq. 3" in message and "space.pareto()" in message and "exact_oracle()" in message
    assert "c (cost 3" in message  # names the offending state
    assert eq9_conservative(space.pareto()).accuracy == pytest.approx(0.8)


def test_exact_oracle_accepts_what_the_closed_forms_refuse():
    # Measured accuracies 0.5, 1.0, 0.75: Eq. 3 fails, the oracle is defined all the same.
    correct = np.array([[1, 1, 1], [0, 1, 0], [1, 1, 1], [0, 1, 1]], dtype=bool)
    result = exact_oracle(correct, [1.0, 2.0, 3.0])
    assert not result.space.assumptions().accuracies_monotone
    assert result.cost == pytest.approx((1 + 2 + 1 + 2) / 4)


def test_subset_and_replacing_columns():
    space = StateSpace.from_arrays(["a", "b", "c"], [1.0, 2.0, 3.0], [0.5, 0.6, 0.7])
    sub = space.subset([2, 0, 2])
    assert sub.names == ("a", "c")
    with pytest.raises(ValueError, match=r"subset indices must lie in 0\.\.2"):
        space.subset([3])
    with pytest.raises(ValueError, match="subset indices"):
        space.subset([])
    assert space.with_costs([3.0, 2.0, 1.0]).names == ("c", "b", "a")
    np.testing.assert_array_equal(space.with_accuracies([0.1, 0.2, 0.3]).accuracies, [0.1, 0.2, 0.3])


@pytest.mark.parametrize(
    ("names", "costs", "accuracies", "message"),
    [
        ([], [], None, "at least one state"),
        (["a", "a", "b"], [1, 2, 3], None, "unique; repeated: a"),
        (["a", "b"], [1, -2], None, "costs must be >= 0; negative for state\\(s\\): b"),
        (["a", "b"], [1, np.nan], None, "costs must be finite numbers; missing or NaN for: b"),
        (["a", "b"], [1, np.inf], None, "missing or NaN for: b"),
        (["a", "b"], [1], None, "costs must hold one value per state \\(2\\)"),
        (["a", "b"], ["x", 1], None, "costs must be numbers"),
        (["a", "b"], [1, 2], [0.5, 85.0], "fractions in \\[0, 1\\] \\(divide percentages by 100\\).*: b"),
        (["a", "b"], [1, 2], [0.5, np.nan], "accuracies must be finite"),
        (["a", "b"], [1, 2], [0.5], "accuracies must hold one value per state"),
    ],
)
def test_from_arrays_rejects_bad_input(names, costs, accuracies, message):
    with pytest.raises(ValueError, match=message):
        StateSpace.from_arrays(names, costs, accuracies)


def test_pareto_needs_accuracies():
    with pytest.raises(ValueError, match="the Pareto filter needs state accuracies"):
        StateSpace.from_arrays(["a", "b"], [1.0, 2.0]).pareto()


def test_from_csv(tmp_path):
    path = tmp_path / "states.csv"
    path.write_text("state,cost,accuracy\nL,10,0.9\nS,1,0.6\n")
    space = read_state_space(path)
    assert space.names == ("S", "L")
    np.testing.assert_array_equal(space.costs, [1.0, 10.0])
    np.testing.assert_array_equal(space.accuracies, [0.6, 0.9])
    no_acc = tmp_path / "costs.csv"
    no_acc.write_text("state,cost\nS,1\nL,10\n")
    assert read_state_space(no_acc).accuracies is None
    bad = tmp_path / "bad.csv"
    bad.write_text("state,cost,accuracy\nS,1,60\n")
    with pytest.raises(ValueError, match=r"bad\.csv, row 1 \(state 'S'\): accuracy 60 is outside \[0, 1\]"):
        read_state_space(bad)


def test_all_zero_costs_refused_from_a_file_only(tmp_path):
    path = tmp_path / "states.csv"
    path.write_text("state,cost\nS,0\nL,0\n")
    with pytest.raises(ValueError, match=r"states\.csv: every cost is 0; .*costs must be positive"):
        read_state_space(path)
    assert StateSpace.from_arrays(["S", "L"], [0.0, 0.0]).names == ("S", "L")


def test_operating_point_is_frozen():
    point = OperatingPoint(1.0, 0.5)
    with pytest.raises(AttributeError):
        point.cost = 2.0  # type: ignore[misc]
