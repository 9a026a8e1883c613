"""Seeded bootstrap intervals over instances for A_oracle, R_oracle and alpha_i."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from adaptlib import bootstrap_oracle, exact_oracle

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
