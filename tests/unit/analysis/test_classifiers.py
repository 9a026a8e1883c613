"""The router's classifiers and folds against scikit-learn's, which they replace at run time."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

from adaptlib.analysis.agents import digits_pixels
from adaptlib.analysis.budgets import folds
from adaptlib.analysis.classifiers import knn_probabilities, logistic_probabilities, standardised


def _problem(seed: int, n_classes: int, n: int = 300, d: int = 6):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)) * rng.uniform(0.5, 20.0, d) + rng.normal(size=d)
    x[:, 0] = 3.0  # a constant column
    logits = x[:, 1:] @ rng.normal(size=(d - 1, n_classes)) / 10
    y = np.argmax(logits + rng.gumbel(size=(n, n_classes)), axis=1)
    return x, y


@pytest.mark.parametrize("n_classes", [2, 3, 5])
@pytest.mark.parametrize("as_sparse", [False, True])
def test_logistic_regression_is_scikit_learns(n_classes: int, as_sparse: bool) -> None:
    x, y = _problem(n_classes, n_classes)
    if as_sparse:
        x = sparse.csr_matrix(np.where(np.abs(x) > 5, x, 0.0))
    train, apply = np.arange(0, 300, 2), np.arange(1, 300, 2)
    fit_x, apply_x = standardised(x[train], x[apply])
    ours = logistic_probabilities(fit_x, y[train], apply_x, n_classes, 0.1)
    scaler = StandardScaler(with_mean=not as_sparse).fit(x[train])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(C=0.1, max_iter=2000).fit(scaler.transform(x[train]), y[train])
    theirs = model.predict_proba(scaler.transform(x[apply]))
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    np.testing.assert_allclose(ours.sum(axis=1), 1.0)


def test_a_stronger_penalty_flattens_the_probabilities() -> None:
    x, y = _problem(0, 3)
    fit, apply = standardised(x, x)
    sure = logistic_probabilities(fit, y, apply, 3, 10.0).max(axis=1).mean()
    unsure = logistic_probabilities(fit, y, apply, 3, 1e-4).max(axis=1).mean()
    assert unsure < sure
    assert unsure == pytest.approx(np.bincount(y).max() / y.size, abs=0.02)  # near the class shares


@pytest.mark.parametrize("k", [1, 7, 40])
def test_knn_is_scikit_learns_without_ties(k: int) -> None:
    x, y = _problem(k, 4)
    train, apply = np.arange(0, 300, 2), np.arange(1, 300, 2)
    fit_x, apply_x = standardised(x[train], x[apply])
    ours = knn_probabilities(fit_x, y[train], apply_x, k, 4)
    theirs = KNeighborsClassifier(n_neighbors=k).fit(fit_x, y[train]).predict_proba(apply_x)
    np.testing.assert_allclose(ours, theirs)
    assert np.allclose(knn_probabilities(sparse.csr_matrix(fit_x), y[train], sparse.csr_matrix(apply_x), k, 4), ours)


def test_knn_breaks_ties_by_training_order_and_scores_in_blocks(monkeypatch) -> None:
    train = np.array([[0.0], [1.0], [-1.0], [2.0]])
    labels = np.array([0, 1, 2, 1])
    # from 0, instances 1 and 2 are equally far: the first of them (label 1) is taken
    assert knn_probabilities(train, labels, np.array([[0.0]]), 2, 3).tolist() == [[0.5, 0.5, 0.0]]
    monkeypatch.setattr("adaptlib.analysis.classifiers.BLOCK_ROWS", 2)
    apply = np.array([[0.0], [1.9], [-5.0], [0.4], [1.1]])
    blocked = knn_probabilities(train, labels, apply, 1, 3)
    assert blocked.argmax(axis=1).tolist() == [0, 1, 2, 0, 1]


def test_standardised_scales_constant_columns_by_one_and_keeps_sparse_sparse() -> None:
    x = np.array([[1.0, 5.0, 0.0], [3.0, 5.0, 2.0], [5.0, 5.0, 0.0]])
    fit, other = standardised(x, x[:1])
    assert np.allclose(fit.mean(axis=0), 0.0) and np.allclose(fit.std(axis=0), [1.0, 0.0, 1.0])
    assert np.allclose(other, fit[:1])
    scaled, = standardised(sparse.csr_matrix(x))
    assert sparse.issparse(scaled)
    assert np.allclose(scaled.toarray(), x / np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0))


@pytest.mark.parametrize("n, n_folds, seed", [(1797, 5, 0), (1438, 5, 3), (10, 3, 7), (5, 5, 1)])
def test_folds_are_scikit_learns_kfold(n: int, n_folds: int, seed: int) -> None:
    ours = folds(n, n_folds, seed)
    theirs = KFold(n_splits=n_folds, shuffle=True, random_state=seed).split(np.zeros((n, 1)))
    for (train, held), (their_train, their_held) in zip(ours, theirs, strict=True):
        assert train.tolist() == their_train.tolist() and held.tolist() == their_held.tolist()


def test_the_digits_pixels_are_scikit_learns() -> None:
    np.testing.assert_array_equal(digits_pixels(1797), load_digits(return_X_y=True)[0])
    with pytest.raises(ValueError, match="1797 images"):
        digits_pixels(100)
