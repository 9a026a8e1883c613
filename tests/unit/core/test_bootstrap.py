"""Seeded bootstrap intervals over instances for A_oracle, R_oracle and alpha_i."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from adaptlib import bootstrap_oracle, bootstrap_replicates, exact_oracle
from adaptlib.core.bootstrap import _distinct_rows

COSTS = [4.0, 1.0, 9.0]  # columns deliberately not in cost order
NAMES = ["mid", "small", "large"]


def fixed_matrix(n: int = 300, seed: int = 11) -> np.ndarray:
    """Correlated errors: a per-instance difficulty plus noise, accuracy rising with cost."""
    rng = np.random.default_rng(seed)
    difficulty = rng.random(n)
    skill = {"small": 0.45, "mid": 0.65, "large": 0.8}
    columns = [difficulty + 0.25 * rng.standard_normal(n) < skill[name] for name in NAMES]
    return np.column_stack(columns)


def test_layout_and_estimate_is_the_exact_oracle():
    correct = fixed_matrix()
    frame = bootstrap_oracle(correct, COSTS, NAMES, n_boot=200, seed=1)
    assert list(frame.columns) == ["estimate", "low", "high"]
    assert frame.index.tolist() == ["accuracy", "cost", "alpha[mid]", "alpha[large]"]
    exact = exact_oracle(correct, COSTS, NAMES)
    assert frame.loc["accuracy", "estimate"] == exact.accuracy
    assert frame.loc["cost", "estimate"] == exact.cost
    np.testing.assert_array_equal(frame["estimate"].iloc[2:], exact.alpha[1:])
    # every interval contains its estimate on this well-behaved matrix
    assert ((frame["low"] <= frame["estimate"]) & (frame["estimate"] <= frame["high"])).all()
    assert (frame["low"] < frame["high"]).all()


def test_same_seed_same_frame_other_seed_differs():
    correct = fixed_matrix()
    a = bootstrap_oracle(correct, COSTS, NAMES, n_boot=200, seed=5)
    b = bootstrap_oracle(correct, COSTS, NAMES, n_boot=200, seed=5)
    c = bootstrap_oracle(correct, COSTS, NAMES, n_boot=200, seed=6)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a[["low", "high"]], c[["low", "high"]])
    pd.testing.assert_series_equal(a["estimate"], c["estimate"])


def test_options_reach_the_oracle():
    correct = fixed_matrix()
    frame = bootstrap_oracle(
        correct, COSTS, NAMES, n_boot=50, none_correct="largest", cost_model="cascade"
    )
    exact = exact_oracle(correct, COSTS, NAMES, none_correct="largest", cost_model="cascade")
    assert frame.loc["cost", "estimate"] == exact.cost
    assert frame.loc["cost", "low"] > exact_oracle(correct, COSTS, NAMES).cost  # dearer model


def test_higher_level_widens_intervals():
    correct = fixed_matrix()
    narrow = bootstrap_oracle(correct, COSTS, NAMES, n_boot=400, seed=2, level=0.5)
    wide = bootstrap_oracle(correct, COSTS, NAMES, n_boot=400, seed=2, level=0.99)
    assert ((wide["high"] - wide["low"]) > (narrow["high"] - narrow["low"])).all()


def naive_bootstrap(correct, costs, names, n_boot, seed):
    """Resample instances (rows) with replacement and rerun the exact oracle each time."""
    rng = np.random.default_rng(seed)
    n = correct.shape[0]
    rows = []
    for _ in range(n_boot):
        result = exact_oracle(correct[rng.integers(0, n, n)], costs, names)
        rows.append([result.accuracy, result.cost, *result.alpha[1:]])
    return np.array(rows)


def test_distribution_agrees_with_naive_row_resampling():
    """The library draws multinomial counts of distinct rows; resampling rows is the textbook
    bootstrap. Both must give the same distribution: compare means, spreads and the 2.5% /
    97.5% quantiles, 2000 replicates each, in units of the naive spread."""
    correct = fixed_matrix(n=200)
    n_boot = 2000
    naive = naive_bootstrap(correct, COSTS, NAMES, n_boot, seed=123)
    low_q, high_q = np.nanquantile(naive, [0.025, 0.975], axis=0)
    frame = bootstrap_oracle(correct, COSTS, NAMES, n_boot=n_boot, seed=0)
    spread = np.nanstd(naive, axis=0)
    assert (spread > 0).all()
    # Percentile ends from 2000 replicates vary by about 0.06 spreads; allow 0.3.
    np.testing.assert_array_less(np.abs(frame["low"].to_numpy() - low_q), 0.3 * spread)
    np.testing.assert_array_less(np.abs(frame["high"].to_numpy() - high_q), 0.3 * spread)
    # Centre and width: the naive mean sits near the estimate, and so must the interval's middle.
    naive_mean = np.nanmean(naive, axis=0)
    np.testing.assert_array_less(np.abs(naive_mean - frame["estimate"].to_numpy()), 0.15 * spread)
    width = (frame["high"] - frame["low"]).to_numpy()
    np.testing.assert_allclose(width, high_q - low_q, rtol=0.15)


def test_undefined_alpha_gives_nan_not_an_error():
    # The large state is always right: alpha[large] is undefined in every replicate.
    correct = np.array([[1, 1], [0, 1], [1, 1], [0, 1]] * 5, dtype=bool)
    frame = bootstrap_oracle(correct, [1.0, 2.0], ["s", "l"], n_boot=20)
    assert np.isnan(frame.loc["alpha[l]"]).all()
    assert frame.loc["accuracy"].tolist() == [1.0, 1.0, 1.0]


def test_many_states_use_the_general_row_grouping():
    """Beyond 62 states the rows cannot be packed in one integer; the other path must agree."""
    rng = np.random.default_rng(4)
    n_states = 70
    correct = rng.random((150, n_states)) < np.linspace(0.3, 0.95, n_states)
    costs = np.arange(1.0, n_states + 1)
    frame = bootstrap_oracle(correct, costs, n_boot=30, seed=0)
    assert frame.loc["cost", "estimate"] == exact_oracle(correct, costs).cost
    assert np.isfinite(frame[["low", "high"]].to_numpy()).all()


# --- more than 8 states: the row key must not collide ---------------------------------------
def matrix_with_high_twins(n_states: int, n: int = 120, seed: int = 3) -> np.ndarray:
    """A correlated matrix (columns already in cost order) plus twins of some rows that differ
    from them only in a state beyond the 8th (column 8) or only in the last one, so a key
    built from the first 8 (or 16) columns alone would merge patterns that differ."""
    rng = np.random.default_rng(seed)
    difficulty = rng.random(n)
    skill = np.linspace(0.3, 0.9, n_states)
    base = difficulty[:, None] + 0.3 * rng.standard_normal((n, n_states)) < skill[None, :]
    twins = []
    for column in (8, n_states - 1):
        flipped = base[:12].copy()
        flipped[:, column] = ~flipped[:, column]
        twins.append(flipped)
    return np.vstack([base, *twins])


def row_code(row) -> int:
    """The row read as a binary number, column j worth 2**j (an exact Python int)."""
    return sum(1 << j for j, bit in enumerate(row) if bit)


def reference_replicates(matrix, costs, n_boot, seed):
    """The distinct-pattern bootstrap written out directly: group the rows by their exact
    code, in ascending code order (the order the library groups them in, so one seed gives the
    same multinomial draw), draw the counts, then rebuild each resample as a matrix of
    repeated patterns and run the exact oracle on it."""
    codes = [row_code(row) for row in matrix]
    distinct = sorted(set(codes))
    patterns = np.array([matrix[codes.index(c)] for c in distinct])
    counts = np.array([codes.count(c) for c in distinct])
    n = matrix.shape[0]
    weights = np.random.default_rng(seed).multinomial(n, counts / n, size=n_boot)
    rows = []
    for w in weights:
        result = exact_oracle(np.repeat(patterns, w, axis=0), costs)
        rows.append((result.cost, result.accuracy, result.alpha))
    cost, accuracy, alpha = (np.array(x) for x in zip(*rows))
    return cost, accuracy, alpha


@pytest.mark.parametrize("n_states", [9, 11, 17])
def test_distinct_rows_are_exact_beyond_eight_states(n_states):
    """Every pattern once, with the number of rows that show it: checked against a count of
    the rows as tuples, whatever order the patterns come in."""
    matrix = matrix_with_high_twins(n_states)
    # The twins do make patterns that agree on their first 8 (and, for 17, 16) columns.
    low = {tuple(row[:8]) for row in matrix}
    low16 = {tuple(row[:16]) for row in matrix}
    full = {}
    for row in matrix:
        full[tuple(row)] = full.get(tuple(row), 0) + 1
    assert len(low) < len(full) and (n_states <= 16 or len(low16) < len(full))
    patterns, counts = _distinct_rows(matrix)
    assert patterns.shape == (len(full), n_states)
    assert {tuple(p) for p in patterns} == set(full)
    assert {tuple(p): int(c) for p, c in zip(patterns, counts)} == full
    assert counts.sum() == matrix.shape[0]


@pytest.mark.parametrize("n_states", [9, 11, 17])
def test_bootstrap_beyond_eight_states_matches_the_reference(n_states):
    matrix = matrix_with_high_twins(n_states)
    costs = np.arange(1.0, n_states + 1)
    draws = bootstrap_replicates(matrix, costs, n_boot=40, seed=7)
    cost, accuracy, alpha = reference_replicates(matrix, costs, n_boot=40, seed=7)
    np.testing.assert_allclose(draws.cost, cost, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(draws.accuracy, accuracy, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(draws.alpha, alpha, rtol=1e-12, atol=1e-12)  # NaN where NaN
    assert draws.full.cost == exact_oracle(matrix, costs).cost


@pytest.mark.parametrize("n_states", [9, 11, 17])
def test_patterns_that_differ_only_in_the_last_state_stay_apart(n_states):
    """Two patterns: 30 instances only the last state gets right (code 2**(N-1)) and 10 no
    state gets right (code 0). In code order the counts are (10, 30), so each replicate draws
    w = (w_none, w_last) ~ Multinomial(40; .25, .75) and its oracle is exactly
    A = w_last / 40 and R = (w_none * R_1 + w_last * R_N) / 40 (the unsolved pay R_1 = 1)."""
    last_only = np.zeros((30, n_states), dtype=bool)
    last_only[:, -1] = True
    matrix = np.vstack([last_only, np.zeros((10, n_states), dtype=bool)])
    costs = np.arange(1.0, n_states + 1)
    draws = bootstrap_replicates(matrix, costs, n_boot=50, seed=2)
    w = np.random.default_rng(2).multinomial(40, [0.25, 0.75], size=50)
    np.testing.assert_array_equal(draws.accuracy, w[:, 1] / 40)
    np.testing.assert_allclose(draws.cost, (w[:, 0] * 1.0 + w[:, 1] * n_states) / 40, rtol=1e-12)
    assert len(set(draws.accuracy.tolist())) > 1  # merged into one pattern it would never move


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_boot": 5}, "n_boot must be an integer >= 10"),
        ({"n_boot": 100.0}, "n_boot must be an integer"),
        ({"level": 0.3}, r"level must lie in \[0.5, 1\)"),
        ({"level": 1.0}, "level must lie"),
        ({"none_correct": "free"}, "none_correct must be one of"),
    ],
)
def test_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bootstrap_oracle(fixed_matrix(40), COSTS, NAMES, **kwargs)
