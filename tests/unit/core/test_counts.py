"""The oracle from counts (adaptlib.core.counts): counts of chunks add up to the whole matrix's,
and the oracle from them equals ``exact_oracle`` exactly, floats included."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import PROPERTY, matrices_and_costs

from adaptlib import StateSpace, exact_oracle
from adaptlib.core.counts import OracleCounts, count, count_with_labels, merge, oracle_from_counts
from adaptlib.core.oracle import first_correct, oracle_pass, sorted_columns


def assert_same_oracle(got, want):
    """Equal counts and equal floats (NaN where the other has NaN), labels aside."""
    assert got.space.names == want.space.names
    np.testing.assert_array_equal(got.space.costs, want.space.costs)
    np.testing.assert_array_equal(got.space.accuracies, want.space.accuracies)
    np.testing.assert_array_equal(got.histogram, want.histogram)
    assert got.n_none == want.n_none and got.n_instances == want.n_instances
    np.testing.assert_array_equal(got.p_e, want.p_e)
    np.testing.assert_array_equal(got.alpha, want.alpha)  # NaN in the same places
    assert got.cost == want.cost and got.accuracy == want.accuracy
    assert (got.none_correct, got.cost_model) == (want.none_correct, want.cost_model)


def test_counts_of_a_matrix_by_hand():
    # rows: first correct at 0; at 1; at 2; none; at 0 again
    matrix = np.array([[1, 1, 0], [0, 1, 1], [0, 0, 1], [0, 0, 0], [1, 0, 0]], dtype=bool)
    counts, labels = count_with_labels(matrix)
    assert counts.histogram.tolist() == [2, 1, 1]
    assert counts.n_none == 1 and counts.n == 5
    assert counts.n_correct.tolist() == [2, 2, 2]
    assert labels.tolist() == [0, 1, 2, -1, 0]


def test_a_matrix_of_no_rows_counts_zero_and_zero_is_the_identity():
    empty = count(np.zeros((0, 3), dtype=bool))
    assert empty.n == 0 and empty.histogram.tolist() == [0, 0, 0] and empty.n_correct.tolist() == [0, 0, 0]
    some = count(np.array([[0, 1, 0]], dtype=bool))
    total = some + OracleCounts.zero(3)
    assert total.histogram.tolist() == [0, 1, 0] and total.n == 1


@PROPERTY
@given(matrices_and_costs(max_rows=40), st.data())
def test_counts_of_chunks_add_up_to_the_oracle_of_the_whole_matrix(matrix_costs, data):
    matrix, costs = matrix_costs
    rule = data.draw(st.sampled_from(["cheapest", "largest", "zero"]))
    model = data.draw(st.sampled_from(["routing", "cascade"]))
    sorted_matrix, space = sorted_columns(matrix, costs, None)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(matrix)), max_size=5)))
    chunks = np.split(sorted_matrix, cuts)  # some chunks may be empty
    counts = merge(count(chunk) for chunk in chunks)
    got = oracle_from_counts(counts, space, none_correct=rule, cost_model=model)
    assert got.labels is None
    assert_same_oracle(got, exact_oracle(matrix, costs, none_correct=rule, cost_model=model))
    order = data.draw(st.sampled_from(["C", "F"]))  # the memory layout changes nothing
    whole, labels = count_with_labels(np.asarray(sorted_matrix, order=order))
    np.testing.assert_array_equal(labels, first_correct(sorted_matrix))
    np.testing.assert_array_equal(whole.histogram, counts.histogram)
    np.testing.assert_array_equal(whole.n_correct, counts.n_correct)


def test_an_all_false_row_and_a_state_that_never_errs():
    matrix = np.array([[0, 0], [0, 1], [1, 1]], dtype=bool)  # row 0: nobody right; state B always right but row 0
    space = StateSpace.from_arrays(["A", "B"], [1.0, 2.0])
    got = oracle_from_counts(count(matrix[:1]) + count(matrix[1:]), space)
    assert_same_oracle(got, exact_oracle(matrix, [1.0, 2.0], ["A", "B"]))
    assert got.n_none == 1


def test_a_result_from_counts_has_no_labels_to_name():
    space = StateSpace.from_arrays(["A", "B"], [1.0, 2.0])
    result = oracle_from_counts(count(np.array([[1, 0]], dtype=bool)), space)
    with pytest.raises(ValueError, match="keeps no per-instance labels"):
        result.label_names()


def test_counts_over_other_states_or_no_instances_are_refused():
    two, three = count(np.ones((2, 2), dtype=bool)), count(np.ones((2, 3), dtype=bool))
    with pytest.raises(ValueError, match="cannot merge counts over 2 states with counts over 3"):
        two + three
    with pytest.raises(ValueError, match="at least one chunk"):
        merge([])
    space = StateSpace.from_arrays(["A", "B", "C"], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="counts over 2 states for a space of 3 states"):
        oracle_from_counts(two, space)
    with pytest.raises(ValueError, match="no rows"):
        oracle_from_counts(OracleCounts.zero(3), space)
    with pytest.raises(ValueError, match="cost_model must be one of"):
        oracle_from_counts(three, space, cost_model="parallel")
    with pytest.raises(ValueError, match="2-D boolean matrix"):
        count(np.ones((2, 2), dtype=int))


def test_both_memory_orders_give_the_same_counts_and_labels():
    """oracle_pass sweeps a row-major matrix in row blocks and a column-major one state by state."""
    matrix = np.random.default_rng(3).random((70_001, 5)) < [0.2, 0.4, 0.5, 0.7, 0.9]
    rows, columns = count_with_labels(np.ascontiguousarray(matrix)), count_with_labels(np.asfortranarray(matrix))
    assert np.array_equal(rows[1], columns[1]) and np.array_equal(rows[1], first_correct(matrix))
    for field in ("histogram", "n_correct"):
        assert np.array_equal(getattr(rows[0], field), getattr(columns[0], field))
    assert rows[0].n_none == columns[0].n_none and rows[0].n == columns[0].n == 70_001


@pytest.mark.parametrize("n_states", [1, 2, 3, 4, 6, 8, 12, 16, 24])
@pytest.mark.parametrize("rows", [0, 1, 254, 255, 256, 511, 40_000])
def test_the_oracle_pass_counts_every_state_in_any_word_size(n_states: int, rows: int) -> None:
    # The counts add rows as byte lanes of 8-, 4- or 2-byte words in runs of 255 rows: each
    # word size, a run cut short and more rows than one block must give the plain column sums.
    matrix = np.random.default_rng(rows + n_states).random((rows, n_states)) < 0.7
    labels, histogram, n_none, n_correct = oracle_pass(matrix)
    assert n_correct.tolist() == matrix.sum(axis=0).tolist()
    assert histogram.sum() + n_none == rows
