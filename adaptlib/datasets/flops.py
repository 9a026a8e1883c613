"""Analytic inference cost, in FLOPs per instance, of the fitted digits classifiers.

The cost R_i of a state (Sec. 2.1, Eq. 2 of the paper) is counted from the sizes of the fitted
model, never timed. Conventions, used by every function below:

- one addition, subtraction, multiplication, division, comparison or elementary function
  (``exp``, ``tanh``) is 1 FLOP; a multiply-accumulate (MAC) is 2 FLOPs;
- we count what it takes to produce the predicted label of one instance with the fitted
  pipeline as it runs (a scaler is not folded into the next layer's weights); quantities that
  depend on the fitted model only (centroids, 1/variance, log-priors) are precomputed and free;
- the label needs only an argmax over the C class scores: C - 1 comparisons (1 threshold
  comparison when a binary model has a single output); probabilities (softmax) are not counted;
- a squared Euclidean distance in d dimensions is d subtractions and d MACs: 3d FLOPs;
- a tree's path depends on the instance; a state needs one cost, so we take its longest
  root-to-leaf path (its depth), the worst case.

Taught in chapter 01.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, NearestCentroid
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

# FLOPs of one hidden-unit activation; the output layer needs no activation for an argmax.
ACTIVATION_FLOPS = {"identity": 0, "relu": 1, "tanh": 1, "logistic": 1}


def argmax_flops(n_outputs: int) -> int:
    """Comparisons to turn ``n_outputs`` scores into a label: n_outputs - 1, or 1 for one output."""
    return max(n_outputs - 1, 1)


def block_average_flops(side: int, target: int) -> int:
    """Reduce a ``side`` x ``side`` image to ``target`` x ``target`` by averaging b x b blocks.

    b = side / target. Each output pixel sums b^2 inputs (b^2 - 1 additions) and multiplies by
    1/b^2 (1 multiplication): ``target^2 * b^2`` FLOPs in all (= side^2 whenever b > 1), and 0
    when the image is kept at full resolution (b = 1).
    """
    if target < 1 or side % target:
        raise ValueError(f"target={target}: the image side {side} must be a multiple of the target side")
    block = side // target
    return 0 if block == 1 else target**2 * block**2


def standard_scaler_flops(n_features: int) -> int:
    """(x - mean) / scale per feature: ``2 d`` FLOPs."""
    return 2 * n_features


def dense_network_flops(layer_sizes: Sequence[int], activation: str = "relu") -> int:
    """A fully connected network with layer sizes n_0 (inputs), n_1, ..., n_L (outputs).

    FLOPs = sum_l (2 n_{l-1} n_l + n_l)   [MACs of the weights, plus one bias addition per unit]
          + sum_{l<L} a n_l               [hidden activations, a = ACTIVATION_FLOPS[activation]]
          + argmax_flops(n_L).
    For one hidden layer of h units, d inputs and C outputs with tanh:
    2 (d h + h C) + (h + C) + h + (C - 1).
    """
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"layer_sizes={sizes}: need at least an input and an output layer, each >= 1 unit")
    if activation not in ACTIVATION_FLOPS:
        raise ValueError(f"activation={activation!r}: accepted values are {', '.join(ACTIVATION_FLOPS)}")
    weights = sum(2 * a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    activations = ACTIVATION_FLOPS[activation] * sum(sizes[1:-1])
    return weights + activations + argmax_flops(sizes[-1])


def linear_model_flops(n_features: int, n_outputs: int) -> int:
    """A linear classifier (logistic regression): ``2 d K + K + argmax(K)`` for K score outputs."""
    return dense_network_flops([n_features, n_outputs], "identity")


def nearest_centroid_flops(n_classes: int, n_features: int) -> int:
    """Squared distance to each class centroid, then the smallest: ``3 d C + (C - 1)``."""
    return 3 * n_features * n_classes + argmax_flops(n_classes)


def gaussian_nb_flops(n_classes: int, n_features: int) -> int:
    """Gaussian naive Bayes joint log-likelihood, then the largest.

    Per class and feature: (x - mu) 1 FLOP, squared 1, times the precomputed 1/(2 var) and
    accumulated 2; per class one addition of the precomputed log-prior and normaliser:
    ``C (4 d + 1) + (C - 1)``.
    """
    return n_classes * (4 * n_features + 1) + argmax_flops(n_classes)


def decision_tree_flops(depth: int) -> int:
    """One threshold comparison per internal node on the longest path: ``depth`` FLOPs.

    The leaf stores its label, so no argmax is needed.
    """
    return int(depth)


def random_forest_flops(depths: Sequence[int], n_classes: int) -> int:
    """A forest that averages its trees' class distributions (as scikit-learn does).

    ``sum_t depth_t`` comparisons (every tree's longest path), ``T C`` additions of the leaf
    distributions, and ``argmax(C)``; dividing by T does not change the argmax and is not counted.
    """
    return int(sum(depths)) + len(depths) * n_classes + argmax_flops(n_classes)


def knn_flops(n_train: float, n_features: int, n_neighbors: int, n_classes: int) -> float:
    """Brute-force k nearest neighbours.

    A squared distance to every training point (``3 d n_train``), one comparison per training
    point against the current k-th nearest (``n_train``; insertions are not counted), k vote
    additions and argmax(C): ``n_train (3 d + 1) + k + (C - 1)``.
    """
    return n_train * (3 * n_features + 1) + n_neighbors + argmax_flops(n_classes)


def rbf_svm_flops(n_support: float, n_features: int, n_classes: int) -> float:
    """A kernel SVM with an RBF kernel, one-vs-one as in scikit-learn's SVC (libsvm).

    Each support vector's kernel value once: squared distance 3d, times gamma 1, exp 1. Each
    support vector enters the C - 1 pairwise decisions of its class: one MAC (2 FLOPs) in each.
    Each of the C (C - 1) / 2 pairs subtracts its intercept, compares with 0 and adds a vote
    (3 FLOPs); then argmax(C) over the votes:
    ``n_SV (3 d + 2) + 2 (C - 1) n_SV + 3 C (C - 1) / 2 + (C - 1)``.
    """
    pairs = n_classes * (n_classes - 1) // 2
    return (
        n_support * (3 * n_features + 2)
        + 2 * (n_classes - 1) * n_support
        + 3 * pairs
        + argmax_flops(n_classes)
    )


def estimator_flops(model: BaseEstimator) -> float:
    """FLOPs per instance of a fitted estimator or Pipeline: the sum over its steps.

    Dispatches to the functions of this module with the sizes read from the fitted model
    (``coefs_``, ``coef_``, ``centroids_``, ``theta_``, tree depths, ``n_samples_fit_``,
    ``n_support_``). Raises ValueError for a step whose cost is not modelled here.
    """
    if isinstance(model, Pipeline):
        return float(sum(estimator_flops(step) for _, step in model.steps))
    if isinstance(model, StandardScaler):
        return standard_scaler_flops(model.n_features_in_)
    if isinstance(model, MLPClassifier):
        sizes = [model.n_features_in_] + [w.shape[1] for w in model.coefs_]
        return dense_network_flops(sizes, model.activation)
    if isinstance(model, LogisticRegression):
        return linear_model_flops(model.n_features_in_, model.coef_.shape[0])
    if isinstance(model, NearestCentroid):
        return nearest_centroid_flops(*model.centroids_.shape)
    if isinstance(model, GaussianNB):
        return gaussian_nb_flops(*model.theta_.shape)
    if isinstance(model, DecisionTreeClassifier):
        return decision_tree_flops(model.get_depth())
    if isinstance(model, RandomForestClassifier):
        return random_forest_flops([tree.get_depth() for tree in model.estimators_], model.n_classes_)
    if isinstance(model, KNeighborsClassifier):
        return knn_flops(model.n_samples_fit_, model.n_features_in_, model.n_neighbors, model.classes_.size)
    if isinstance(model, SVC) and model.kernel == "rbf":
        return rbf_svm_flops(int(model.n_support_.sum()), model.n_features_in_, model.classes_.size)
    raise ValueError(
        f"model {type(model).__name__}: no FLOP count for it; supported steps are StandardScaler, "
        "MLPClassifier, LogisticRegression, NearestCentroid, GaussianNB, DecisionTreeClassifier, "
        "RandomForestClassifier, KNeighborsClassifier and SVC(kernel='rbf')"
    )


def fold_dependent_size(model: BaseEstimator) -> tuple[str, float] | None:
    """The fitted size that drives the cost and changes from fold to fold, if any.

    Returns (what, value): support vectors of an SVM, training images of k-NN, depth of a tree,
    summed depth of a forest's trees; None for models whose size is fixed by their settings.
    """
    if isinstance(model, Pipeline):
        sizes = [s for s in (fold_dependent_size(step) for _, step in model.steps) if s is not None]
        return sizes[0] if sizes else None
    if isinstance(model, SVC):
        return "support vectors", float(model.n_support_.sum())
    if isinstance(model, KNeighborsClassifier):
        return "training images", float(model.n_samples_fit_)
    if isinstance(model, DecisionTreeClassifier):
        return "depth", float(model.get_depth())
    if isinstance(model, RandomForestClassifier):
        return "summed tree depth", float(np.sum([tree.get_depth() for tree in model.estimators_]))
    return None
