"""Tests of adaptlib.analysis.alpha_models: constant and linear models of alpha_i bounded by Eq. 7."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from strategies import PROPERTY, nested_matrices

from adaptlib import StateSpace, eq7_oracle, eq8_constant_alpha, exact_oracle
from adaptlib.analysis.alpha_models import ALPHA_MODELS, compare_alpha_models, fit_alpha, fit_alpha_models

COSTS = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
ACCURACIES = np.array([0.5, 0.6, 0.7, 0.8, 0.9])


def _correct(seed: int = 0, n: int = 3000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    skill = rng.random(n)
    return (skill[:, None] + 0.4 * rng.random((n, 5))) > np.linspace(0.9, 0.4, 5)[None, :]


def test_exact_model_reproduces_the_exact_oracle() -> None:
    oracle = exact_oracle(_correct(), COSTS)
    fit = fit_alpha_models(oracle)["exact"]
    assert fit.point.cost == pytest.approx(oracle.cost)
    assert fit.point.accuracy == pytest.approx(oracle.accuracy)
    assert fit.consistent


@PROPERTY
@given(nested_matrices())
def test_exact_model_equals_the_oracle_on_any_nested_matrix(case) -> None:
    matrix, costs = case
    oracle = exact_oracle(matrix, costs)
    if not np.isfinite(oracle.alpha[1:]).any():
        return
    fit = fit_alpha_models(oracle, ["exact"])["exact"]
    assert fit.point.cost == pytest.approx(oracle.cost, rel=1e-9, abs=1e-9)
    assert fit.point.accuracy == pytest.approx(oracle.accuracy, abs=1e-12)


def test_constant_min_is_eq8_with_alpha_min() -> None:
    oracle = exact_oracle(_correct(1), COSTS)
    fit = fit_alpha_models(oracle)["constant-min"]
    expected = eq8_constant_alpha(oracle.space, oracle.alpha_min)
    assert fit.intercept == pytest.approx(oracle.alpha_min) and fit.slope == 0.0
    assert fit.point.cost == pytest.approx(expected.cost)
    assert fit.point.accuracy == pytest.approx(expected.accuracy)


def test_weighted_mean_is_the_pooled_ratio() -> None:
    oracle = exact_oracle(_correct(2), COSTS)
    fit = fit_alpha_models(oracle)["constant-mean"]
    wrong = 1.0 - oracle.space.accuracies
    assert fit.intercept == pytest.approx(oracle.p_e[1:].sum() / wrong[1:].sum())
    uniform = fit_alpha_models(oracle, weighting="uniform")["constant-mean"]
    assert uniform.intercept == pytest.approx(np.mean(oracle.alpha[1:]))


@pytest.mark.parametrize("model, regressor", [("linear-index", np.arange(1, 6.0)),
                                                ("linear-logcost", np.log(COSTS))])
def test_linear_models_recover_an_exact_line(model: str, regressor: np.ndarray) -> None:
    alpha = 0.9 - 0.05 * (regressor - regressor[0])
    alpha[0] = np.nan
    fit = fit_alpha(alpha, COSTS, ACCURACIES, model)
    assert fit.slope == pytest.approx(-0.05)
    assert fit.alpha[1:] == pytest.approx(alpha[1:])
    expected = eq7_oracle(COSTS, ACCURACIES, alpha)
    assert fit.point.cost == pytest.approx(expected.cost) and fit.point.accuracy == pytest.approx(expected.accuracy)


def test_weights_pull_the_line_towards_states_with_many_errors() -> None:
    alpha = np.array([np.nan, 0.9, 0.5, 0.5, 0.5])
    accuracies = np.array([0.5, 0.5, 0.99, 0.99, 0.99])  # state 2 makes 50x more errors
    weighted = fit_alpha(alpha, COSTS, accuracies, "constant-mean")
    uniform = fit_alpha(alpha, COSTS, accuracies, "constant-mean", weighting="uniform")
    assert weighted.intercept > 0.85 and uniform.intercept == pytest.approx(0.6)


def test_fitted_values_are_clipped_and_flagged_when_inconsistent() -> None:
    alpha = np.array([np.nan, 0.1, 0.5, 0.9, 1.0])
    fit = fit_alpha(alpha, COSTS, ACCURACIES, "linear-index", weighting="uniform")
    assert (fit.alpha[1:] >= 0).all() and (fit.alpha[1:] <= 1).all()
    assert fit.alpha[-1] == 1.0  # the line passes above 1 and is clipped
    # P(e_i) = alpha_i (1 - A_i) rises from i = 2 to 3: not the probabilities of nested events.
    assert not fit.consistent


def test_single_measured_alpha_gives_a_flat_line() -> None:
    alpha = np.array([np.nan, np.nan, 0.4])
    fit = fit_alpha(alpha, [1.0, 2.0, 3.0], [0.5, 1.0, 0.9], "linear-index")
    assert fit.slope == 0.0 and fit.alpha[2] == pytest.approx(0.4)


def test_compare_alpha_models_table() -> None:
    oracle = exact_oracle(_correct(3), COSTS)
    table = compare_alpha_models(oracle).set_index("model")
    assert list(table.index) == list(ALPHA_MODELS)
    assert table.loc["exact", ["cost_error_pct", "accuracy_error_pp", "alpha_rmse"]].abs().max() < 1e-9
    assert table.loc["constant-min", "accuracy_error_pp"] >= -1e-9  # alpha_min <= alpha_N: optimistic
    with pytest.raises(ValueError, match="routing"):
        compare_alpha_models(exact_oracle(_correct(3), COSTS, cost_model="cascade"))


def test_bad_inputs() -> None:
    alpha = np.array([np.nan, 0.5, 0.5])
    with pytest.raises(ValueError, match="model"):
        fit_alpha(alpha, [1, 2, 3], [0.5, 0.6, 0.7], "quadratic")
    with pytest.raises(ValueError, match="weighting"):
        fit_alpha(alpha, [1, 2, 3], [0.5, 0.6, 0.7], "constant-mean", weighting="errors-squared")
    with pytest.raises(ValueError, match="no alpha_i"):
        fit_alpha(np.array([np.nan, np.nan]), [1, 2], [0.5, 1.0], "constant-min")
    with pytest.raises(ValueError, match="cost > 0"):
        fit_alpha(alpha, [0, 2, 3], [0.5, 0.6, 0.7], "linear-logcost")
    with pytest.raises(ValueError, match="increasing"):
        fit_alpha(alpha, [3, 2, 1], [0.5, 0.6, 0.7], "constant-min")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        fit_alpha(np.array([np.nan, 1.5, 0.5]), [1, 2, 3], [0.5, 0.6, 0.7], "constant-min")
    with pytest.raises(ValueError, match="exact_oracle"):
        fit_alpha_models(StateSpace.from_arrays(["a"], [1.0]))
