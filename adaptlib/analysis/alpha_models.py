"""Models of alpha_i tighter than a constant: the paper's proposed future work (Sec. 5).

Eq. 7 gives the oracle's cost and accuracy from (R_i, A_i) and the vector alpha_2..alpha_N.
The paper replaces that vector by one number (Eq. 8): alpha_min for an optimistic bound,
alpha = 1 for the conservative one. Sec. 5 proposes "more advanced models for alpha_i (e.g.
linear instead of constant-alpha)". This module fits such models to measured alpha_i and
derives the bound from the fitted vector through Eq. 7, so that every model can be set
against the exact oracle.

Models (``ALPHA_MODELS``):
- ``constant-min``: alpha_i = min_j alpha_j, the paper's optimistic constant (Table 1);
- ``constant-mean``: alpha_i = the weighted mean of the alpha_j;
- ``linear-index``: alpha_i = a + b i, a weighted least-squares line in the state index i;
- ``linear-logcost``: alpha_i = a + b ln R_i, the same in log cost;
- ``exact``: the measured alpha_i (Eq. 7 then equals the exact oracle).

Weights. alpha_i = P(e_i) / (1 - A_i) is a proportion measured on the n (1 - A_i) instances
that state i gets wrong, so its sampling variance shrinks as 1 / (n (1 - A_i)). By default
(``weighting="errors"``) each alpha_i is weighted by that count, so the mean becomes the pooled
ratio sum P(e_i) / sum (1 - A_i); ``weighting="uniform"`` weights the states equally. Fitted
values are clipped to [0, 1]. States that make no error have no alpha_i and take no part.

Taught in chapter 10.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from adaptlib.core.bounds import eq6_p_e, eq7_oracle
from adaptlib.core.oracle import OracleResult
from adaptlib.core.states import OperatingPoint

AlphaModel = Literal["constant-min", "constant-mean", "linear-index", "linear-logcost", "exact"]
ALPHA_MODELS: tuple[str, ...] = ("constant-min", "constant-mean", "linear-index", "linear-logcost", "exact")
WEIGHTINGS: tuple[str, ...] = ("errors", "uniform")


@dataclass(frozen=True, eq=False)
class AlphaFit:
    """One model of alpha_i and the Eq. 7 bound it gives.

    ``alpha[i]`` is the model's alpha_{i+1} (``alpha[0]`` is NaN: alpha_1 is not defined);
    ``intercept`` and ``slope`` describe the line (slope 0 for a constant, NaN for ``exact``);
    ``consistent`` says whether the implied P(e_i) never increase with i, as probabilities of
    nested events must (a fitted vector can break this; the measured one never does).
    """

    model: str
    alpha: np.ndarray
    intercept: float
    slope: float
    point: OperatingPoint
    consistent: bool


def fit_alpha(
    alpha: Sequence[float],
    costs: Sequence[float],
    accuracies: Sequence[float],
    model: AlphaModel,
    *,
    weighting: str = "errors",
) -> AlphaFit:
    """Fit one alpha model to measured ``alpha`` (alpha[0] ignored; NaN where a state makes no
    error) of a space with ``costs`` and ``accuracies`` in cost order, and bound it by Eq. 7.

    The error counts n (1 - A_i) used as weights enter only through their ratios, so the
    fractions 1 - A_i serve.
    """
    if model not in ALPHA_MODELS:
        raise ValueError(f"model must be one of {', '.join(ALPHA_MODELS)}; got {model!r}")
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {', '.join(WEIGHTINGS)}; got {weighting!r}")
    al, r, a = _inputs(alpha, costs, accuracies)
    measured = np.flatnonzero(np.isfinite(al) & (np.arange(al.size) > 0))
    if measured.size == 0:
        raise ValueError(
            "no alpha_i is measured (every state after the first makes no error); "
            "alpha models need at least one state i > 1 with A_i < 1"
        )
    weights = (1.0 - a[measured]) if weighting == "errors" else np.ones(measured.size)
    y = al[measured]
    if model == "exact":
        fitted, intercept, slope = al.copy(), float("nan"), float("nan")
    else:
        if model == "constant-min":
            intercept, slope = float(y.min()), 0.0
        elif model == "constant-mean":
            intercept, slope = float(np.average(y, weights=weights)), 0.0
        else:
            intercept, slope = _weighted_line(_regressor(model, r)[measured], y, weights)
        x_all = _regressor(model, r) if slope != 0.0 else np.zeros(al.size)
        fitted = np.clip(intercept + slope * x_all, 0.0, 1.0)
        fitted[0] = np.nan
    p_e = eq6_p_e(a, fitted)
    return AlphaFit(
        model=model,
        alpha=fitted,
        intercept=intercept,
        slope=slope,
        point=eq7_oracle(r, a, fitted),
        consistent=bool(np.all(np.diff(p_e) <= 1e-12)),
    )


def fit_alpha_models(
    oracle: OracleResult, models: Sequence[str] = ALPHA_MODELS, *, weighting: str = "errors"
) -> dict[str, AlphaFit]:
    """Every model in ``models`` fitted to the alpha_i an exact oracle measured."""
    if not isinstance(oracle, OracleResult):
        raise ValueError("fit_alpha_models takes the result of exact_oracle()")
    return {
        m: fit_alpha(oracle.alpha, oracle.space.costs, oracle.space.accuracies, m, weighting=weighting)
        for m in models
    }


def compare_alpha_models(
    oracle: OracleResult, models: Sequence[str] = ALPHA_MODELS, *, weighting: str = "errors"
) -> pd.DataFrame:
    """One row per model: its parameters, the Eq. 7 bound (R, A) and its error against the
    exact oracle measured on the same data (which must use the paper's conventions).

    Columns: model, intercept, slope, alpha_rmse (weighted root-mean-square distance to the
    measured alpha_i), cost, accuracy, cost_error_pct (100 (R_model / R_exact - 1)),
    accuracy_error_pp (100 (A_model - A_exact)), consistent.
    """
    if oracle.cost_model != "routing" or oracle.none_correct != "cheapest":
        raise ValueError(
            "Eq. 7 describes the paper's oracle; measure it with exact_oracle(..., "
            "cost_model='routing', none_correct='cheapest') before comparing alpha models"
        )
    fits = fit_alpha_models(oracle, models, weighting=weighting)
    measured = np.isfinite(oracle.alpha) & (np.arange(oracle.alpha.size) > 0)
    wrong = 1.0 - oracle.space.accuracies
    weights = wrong[measured] if weighting == "errors" else np.ones(int(measured.sum()))
    rows = []
    for name, fit in fits.items():
        diff = fit.alpha[measured] - oracle.alpha[measured]
        rows.append({
            "model": name,
            "intercept": fit.intercept,
            "slope": fit.slope,
            "alpha_rmse": float(np.sqrt(np.average(diff ** 2, weights=weights))),
            "cost": fit.point.cost,
            "accuracy": fit.point.accuracy,
            "cost_error_pct": 100.0 * (fit.point.cost / oracle.cost - 1.0),
            "accuracy_error_pp": 100.0 * (fit.point.accuracy - oracle.accuracy),
            "consistent": fit.consistent,
        })
    return pd.DataFrame(rows)


def _regressor(model: str, costs: np.ndarray) -> np.ndarray:
    if model == "linear-index":
        return np.arange(1, costs.size + 1, dtype=float)  # the paper's state index i
    if (costs <= 0).any():
        raise ValueError("the linear-logcost model needs every state cost > 0 (it uses ln R_i)")
    return np.log(costs)


def _weighted_line(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Weighted least squares y ~ a + b x; a single point (or equal x) gives a flat line."""
    xm = np.average(x, weights=w)
    ym = np.average(y, weights=w)
    sxx = float(np.sum(w * (x - xm) ** 2))
    if x.size < 2 or sxx <= 1e-15 * max(1.0, float(np.sum(w * x ** 2))):
        return float(ym), 0.0
    slope = float(np.sum(w * (x - xm) * (y - ym)) / sxx)
    return float(ym - slope * xm), slope


def _inputs(alpha, costs, accuracies) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    al = np.asarray(alpha, dtype=float)
    r = np.asarray(costs, dtype=float)
    a = np.asarray(accuracies, dtype=float)
    if al.ndim != 1 or r.shape != al.shape or a.shape != al.shape or al.size < 2:
        raise ValueError(
            "alpha, costs and accuracies must be 1-D with one value per state (at least two "
            f"states); got shapes {al.shape}, {r.shape}, {a.shape}"
        )
    if not (np.isfinite(r).all() and np.isfinite(a).all()):
        raise ValueError("costs and accuracies must be finite numbers")
    if np.any(np.diff(r) < 0):
        raise ValueError("costs must be in increasing order (Eq. 2); pass the oracle's sorted space")
    finite = al[1:][np.isfinite(al[1:])]
    if ((finite < 0) | (finite > 1)).any():
        raise ValueError("measured alpha_i must lie in [0, 1]")
    return al, r, a
