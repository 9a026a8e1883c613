"""The router's two classifiers (chapter 10): multinomial logistic regression and k nearest
neighbours, on standardised features, dense or sparse.

They are written out here, in NumPy and SciPy's L-BFGS-B, rather than taken from scikit-learn:
importing scikit-learn costs more than half a second, about a quarter of a rerun of chapter 10.
The logistic model minimises the objective of scikit-learn's ``LogisticRegression(C=c)`` with
its default solver, in the same scaling and with the same stopping rule: the mean multinomial
log loss plus ||W||^2 / (2 c n), intercepts unpenalised, from W = 0. With two classes it is the
binomial model, as there. The objective is strictly convex in W, so the fitted model is its
unique minimiser, up to the stopping tolerance.

Taught in chapter 10.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse

BLOCK_ROWS = 512  # instances scored at a time by k-NN: a block x train distance matrix in memory


def standardised(train: np.ndarray, *others):
    """``train`` and ``others`` with every column scaled by its standard deviation on ``train``
    (population, a constant column left as it is), and centred on its mean unless sparse:
    a sparse matrix is only scaled, which keeps it sparse."""
    if sparse.issparse(train):
        mean = np.asarray(train.mean(axis=0)).ravel()
        variance = np.asarray(train.multiply(train).mean(axis=0)).ravel() - mean**2
        scale = _scale(np.sqrt(np.clip(variance, 0.0, None)))
        inverse = sparse.diags(1.0 / scale)
        return tuple(sparse.csr_matrix(x @ inverse) for x in (train, *others))
    mean, scale = train.mean(axis=0), _scale(train.std(axis=0))
    return tuple((x - mean) / scale for x in (train, *others))


def _scale(spread: np.ndarray) -> np.ndarray:
    spread = spread.copy()
    spread[spread < 10 * np.finfo(float).eps * np.maximum(1.0, spread.max(initial=0.0))] = 1.0
    return spread


def knn_probabilities(train: np.ndarray, labels: np.ndarray, apply: np.ndarray, k: int,
                      n_classes: int) -> np.ndarray:
    """The share of each label among the ``k`` training instances nearest each row of ``apply``
    (Euclidean; of equally distant ones, the first in ``train`` order). Returns (m, n_classes)."""
    k = min(int(k), train.shape[0])
    one_hot = np.zeros((train.shape[0], n_classes))
    one_hot[np.arange(train.shape[0]), labels] = 1.0
    train_norms = _row_norms(train)
    out = np.empty((apply.shape[0], n_classes))
    for start in range(0, apply.shape[0], BLOCK_ROWS):
        block = apply[start:start + BLOCK_ROWS]
        product = block @ train.T
        product = product.toarray() if sparse.issparse(product) else product
        distance = _row_norms(block)[:, None] - 2.0 * product + train_norms[None, :]
        kth = np.partition(distance, k - 1, axis=1)[:, [k - 1]]
        chosen = distance <= kth
        crowded = np.flatnonzero(chosen.sum(axis=1) > k)  # rows with ties at the k-th distance
        if crowded.size:
            near, tied = distance[crowded] < kth[crowded], distance[crowded] == kth[crowded]
            room = k - near.sum(axis=1, keepdims=True)  # how many of the tied ones fit
            chosen[crowded] = near | (tied & (np.cumsum(tied, axis=1) <= room))
        out[start:start + block.shape[0]] = chosen @ one_hot / k
    return out


def _row_norms(x) -> np.ndarray:
    squared = x.multiply(x) if sparse.issparse(x) else x * x
    return np.asarray(squared.sum(axis=1)).ravel()


def logistic_probabilities(train, labels: np.ndarray, apply, n_classes: int, c: float,
                           max_iter: int = 2000, tol: float = 1e-4) -> np.ndarray:
    """P(label | x) for the rows of ``apply`` from an L2 logistic regression fitted on ``train``
    (labels 0..n_classes-1, every one present): the minimiser of the mean log loss plus
    ||W||^2 / (2 c n), by L-BFGS-B stopped at gradient ``tol`` or ``max_iter`` iterations."""
    from scipy.optimize import minimize

    n, d = train.shape
    binary = n_classes == 2
    n_rows = 1 if binary else n_classes
    targets = labels[:, None] == np.arange(n_classes)[None, :]
    targets = targets[:, 1:].astype(float) if binary else targets.astype(float)
    penalty = 1.0 / (c * n)

    def split(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = w.reshape(n_rows, d + 1)
        return w[:, :d], w[:, d]

    def loss_and_gradient(w: np.ndarray) -> tuple[float, np.ndarray]:
        weights, intercepts = split(w)
        scores = np.asarray(train @ weights.T) + intercepts
        if binary:
            # log(1 + e^z) - y z, and its derivative sigmoid(z) - y
            loss = np.logaddexp(0.0, scores) - targets * scores
            residual = _sigmoid(scores) - targets
        else:
            top = scores.max(axis=1, keepdims=True)
            log_norm = top + np.log(np.exp(scores - top).sum(axis=1, keepdims=True))
            loss = log_norm - (scores * targets).sum(axis=1, keepdims=True)
            residual = np.exp(scores - log_norm) - targets
        gradient = np.empty((n_rows, d + 1))
        gradient[:, :d] = np.asarray(train.T @ residual).T / n + penalty * weights
        gradient[:, d] = residual.sum(axis=0) / n
        value = float(loss.sum() / n + 0.5 * penalty * np.sum(weights * weights))
        return value, gradient.ravel()

    fitted = minimize(loss_and_gradient, np.zeros(n_rows * (d + 1)), method="L-BFGS-B", jac=True,
                      options={"maxiter": max_iter, "maxls": 50, "gtol": tol,
                               "ftol": 64 * np.finfo(float).eps})
    weights, intercepts = split(fitted.x)
    scores = np.asarray(apply @ weights.T) + intercepts
    if binary:
        positive = _sigmoid(scores[:, 0])
        return np.column_stack([1.0 - positive, positive])
    scores -= scores.max(axis=1, keepdims=True)
    probabilities = np.exp(scores)
    return probabilities / probabilities.sum(axis=1, keepdims=True)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))
