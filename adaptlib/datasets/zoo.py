"""Per-instance predictions of three state families on scikit-learn's handwritten digits.

The paper's adaptation labels (Eq. 4) are not public, so the book makes its own: families of
classifiers of increasing cost (the states S_1..S_N of Sec. 2.1), each predicting every one of
the 1,797 digit images out of fold (seeded stratified 5-fold cross-validation: an image is
always predicted by a model that did not train on it). The data are the UCI "Optical
Recognition of Handwritten Digits" set (Alpaydin & Kaynak, 1998) as shipped by scikit-learn.

Families (states in increasing cost, FLOPs counted analytically in ``digits_flops``):
- ``width``: one MLP, one hidden tanh layer of 1..128 units (like EfficientNet B0-B7);
- ``resolution``: one logistic regression on images block-averaged to 1x1, 2x2, 4x4 and 8x8
  (like resolution-adaptive networks); the downsampling is part of the cost;
- ``mixed``: unlike classifiers (tree, forest, logistic regression, nearest centroid, naive
  Bayes, MLP, RBF SVM, k-NN), to test whether alpha_i is flat only for similar architectures.

``generate()`` writes ``data/predictions/<family>/{costs,predictions,correct,oracle_labels}.csv``
(bit for bit on one machine); ``adaptlib.datasets.digits.load_family()`` reads them back; ``adaptlib predictions``
(``adaptlib.datasets.regeneration``) is the command and its check.

Taught in chapter 01.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, NearestCentroid
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

from adaptlib.core.oracle import correctness_from_predictions, first_correct
from adaptlib.datasets.digits import FAMILIES, check_family
from adaptlib.datasets.flops import (
    block_average_flops,
    estimator_flops,
    fold_dependent_size,
)
from adaptlib.datasets.locate import PREDICTIONS_DIR

if TYPE_CHECKING:
    pass


SEED = 0  # seed of the fold split and of every model with randomness
N_SPLITS = 5
IMAGE_SIDE = 8  # the digits are 8x8 images, pixel values 0..16
WIDTHS = (1, 2, 4, 8, 16, 32, 64, 128)
RESOLUTIONS = (1, 2, 4, 8)


@dataclass(frozen=True)
class StateSpec:
    """How to build one state: a fresh unfitted model, the image side it sees, a description."""

    name: str
    description: str
    make: Callable[[], BaseEstimator]
    side: int = IMAGE_SIDE
    has_probability: bool = True  # store the top probability of predict_proba


def _mlp(hidden: int) -> BaseEstimator:
    # tanh with L2 alpha = 1: L-BFGS converges for every width, the 1-unit bottleneck included
    # (with ReLU that net did not converge in 3000 iterations), and accuracy rises with width.
    return make_pipeline(
        StandardScaler(),
        MLPClassifier(
            hidden_layer_sizes=(hidden,), activation="tanh", solver="lbfgs", alpha=1.0,
            max_iter=3000, random_state=SEED,
        ),
    )


def _logistic() -> BaseEstimator:
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def family_states(name: str) -> tuple[StateSpec, ...]:
    """The state recipes of a family (in the order listed; files are sorted by measured cost)."""
    check_family(name)
    if name == "width":
        return tuple(
            StateSpec(f"h{h}", f"StandardScaler + MLP 64-{h}-10, tanh, L2 alpha 1, L-BFGS", partial(_mlp, h))
            for h in WIDTHS
        )
    if name == "resolution":
        return tuple(
            StateSpec(
                f"{r}x{r}",
                (f"block average to {r}x{r}" if r < IMAGE_SIDE else "full 8x8 image")
                + " + StandardScaler + logistic regression (L-BFGS, C 1)",
                _logistic,
                side=r,
            )
            for r in RESOLUTIONS
        )
    return (
        StateSpec("tree", "decision tree, max depth 8",
                  partial(DecisionTreeClassifier, max_depth=8, random_state=SEED)),
        StateSpec("forest", "random forest, 50 trees",
                  partial(RandomForestClassifier, n_estimators=50, random_state=SEED, n_jobs=1)),
        StateSpec("logreg", "StandardScaler + logistic regression (L-BFGS, C 1)", _logistic),
        # Its predict_proba scores a standardised distance that predict does not use, so its
        # top probability would not belong to the predicted label: none is stored.
        StateSpec("centroid", "nearest centroid (Euclidean)", NearestCentroid, has_probability=False),
        StateSpec("naive_bayes", "Gaussian naive Bayes", GaussianNB),
        StateSpec("mlp", "StandardScaler + MLP 64-64-10, tanh, L2 alpha 1, L-BFGS", partial(_mlp, 64)),
        StateSpec("svm", "SVM, RBF kernel, C 1, gamma 'scale', one-vs-one",
                  SVC, has_probability=False),
        StateSpec("knn", "3 nearest neighbours, brute force, Euclidean",
                  partial(KNeighborsClassifier, n_neighbors=3, algorithm="brute")),
    )


def block_average(images: np.ndarray, side: int) -> np.ndarray:
    """Average ``b x b`` pixel blocks (b = 8 / side) of flat 8x8 images: (n, 64) -> (n, side^2)."""
    images = np.asarray(images, dtype=float)
    if images.ndim != 2 or images.shape[1] != IMAGE_SIDE**2:
        raise ValueError(f"images: expected shape (n, {IMAGE_SIDE**2}) (flat 8x8 images); got {images.shape}")
    block_average_flops(IMAGE_SIDE, side)  # validates side
    block = IMAGE_SIDE // side
    return images.reshape(-1, side, block, side, block).mean(axis=(2, 4)).reshape(-1, side * side)


def fold_split(truth: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The seeded stratified 5-fold split shared by every state of every family."""
    splitter = StratifiedKFold(n_splits=N_SPLITS, shuffle=True, random_state=SEED)
    return list(splitter.split(np.zeros((truth.size, 1)), truth))


@dataclass(frozen=True, eq=False)
class _StateResult:
    spec: StateSpec
    predicted: np.ndarray
    top_probability: np.ndarray
    cost: float
    description: str


def _run_state(spec: StateSpec, images: np.ndarray, truth: np.ndarray, folds) -> _StateResult:
    """Fit on each training fold, predict its held-out fold; cost = mean over folds."""
    features = block_average(images, spec.side)
    predicted = np.empty(truth.size, dtype=np.int64)
    top = np.full(truth.size, np.nan)
    flops, sizes = [], []
    for train, test in folds:
        model = spec.make().fit(features[train], truth[train])
        predicted[test] = model.predict(features[test])
        if spec.has_probability:
            top[test] = model.predict_proba(features[test]).max(axis=1)
        flops.append(estimator_flops(model))
        sizes.append(fold_dependent_size(model))
    cost = block_average_flops(IMAGE_SIDE, spec.side) + float(np.mean(flops))
    description = spec.description
    if sizes[0] is not None:
        what = sizes[0][0]
        description += f"; {what} {np.mean([s[1] for s in sizes]):.1f} (mean over {len(folds)} folds)"
    return _StateResult(spec, predicted, top, cost, description)


def _run_family(name: str, images: np.ndarray, truth: np.ndarray, folds) -> list[_StateResult]:
    results = [_run_state(spec, images, truth, folds) for spec in family_states(name)]
    results.sort(key=lambda r: r.cost)  # stable: Eq. 2 order
    costs = np.array([r.cost for r in results])
    if name != "mixed" and not np.all(np.diff(costs) > 0):
        raise RuntimeError(f"family {name!r}: costs are not strictly increasing: {costs.tolist()}")
    return results


def _fixed(values: np.ndarray, fmt: str) -> np.ndarray:
    """Fixed-format text of floats; NaN becomes an empty cell."""
    text = np.char.mod(fmt, np.nan_to_num(values, nan=0.0))
    return np.where(np.isnan(values), "", text)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


def _write_family(results: list[_StateResult], truth: np.ndarray, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    names = [r.spec.name for r in results]
    predicted = np.column_stack([r.predicted for r in results])
    top = np.column_stack([r.top_probability for r in results])
    correct = correctness_from_predictions(predicted, truth)
    n, n_states = predicted.shape

    costs = np.array([r.cost for r in results])
    _write_csv(pd.DataFrame({
        "state": names,
        "cost": _fixed(costs, "%.1f"),  # exact: a mean of 5 integer counts is a multiple of 0.2
        "accuracy": _fixed(correct.mean(axis=0), "%.6f"),
        "description": [r.description for r in results],
    }), folder / "costs.csv")

    # Long form, instance-major: row k is instance k // N, state k % N (states in cost order).
    _write_csv(pd.DataFrame({
        "instance": np.repeat(np.arange(n), n_states),
        "state": np.tile(names, n),
        "predicted": predicted.ravel(),
        "true_label": np.repeat(truth, n_states),
        "top_probability": _fixed(top.ravel(), "%.6f"),
    }), folder / "predictions.csv")

    _write_csv(pd.DataFrame(correct.astype(np.int8), columns=names), folder / "correct.csv")

    labels = first_correct(correct)  # Eq. 4: cheapest correct state, -1 if none
    _write_csv(pd.DataFrame({
        "instance": np.arange(n),
        "true_label": truth,
        "oracle_state_index": labels,
        "oracle_state": np.where(labels >= 0, np.array(names, dtype=object)[labels], "none"),
    }), folder / "oracle_labels.csv")


def generate(out_dir: str | Path | None = None) -> None:
    """Fit every state out of fold and write ``<out_dir>/<family>/*.csv`` (default data/predictions).

    Deterministic: fixed seeds (``SEED``), BLAS and OpenMP pinned to one thread, fixed float
    formats, ``\\n`` line ends, so that two runs give the same bytes. A model that does not
    converge stops the run (ConvergenceWarning raised as an error).
    """
    out = Path(out_dir) if out_dir is not None else PREDICTIONS_DIR
    images, truth = load_digits(return_X_y=True)
    truth = truth.astype(np.int64)
    folds = fold_split(truth)
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        # NearestCentroid warns at fit that some pixels are constant within a class (the digits'
        # blank borders); that only matters to its predict_proba, which is not used.
        warnings.filterwarnings("ignore", message=r"self\.within_class_std_dev_ has at least 1 zero")
        for name in FAMILIES:
            _write_family(_run_family(name, images, truth, folds), truth, out / name)
