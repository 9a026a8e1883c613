"""The digits families: FLOP formulas, oracle labels, the loader (the regeneration: test_regeneration.py)."""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, NearestCentroid
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from adaptlib import StateSpace, read_correctness
from adaptlib.datasets import zoo
from adaptlib.datasets.digits import FAMILIES, load_family
from adaptlib.datasets.flops import block_average_flops, dense_network_flops, estimator_flops, rbf_svm_flops
from adaptlib.datasets.locate import PREDICTIONS_DIR
from adaptlib.datasets.zoo import block_average

# A toy problem small enough to count by hand: 6 points, 2 features.
X2 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [4.0, 4.0], [4.0, 5.0], [5.0, 4.0]])
Y2 = np.array([0, 0, 0, 1, 1, 1])
# Three classes, three features.
X3 = np.vstack([X2 @ np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), [[9.0, 0.0, 9.0], [9.0, 1.0, 9.0]]])
Y3 = np.array([0, 0, 0, 1, 1, 1, 2, 2])


def test_block_average_and_its_flops():
    image = np.arange(64.0)[None, :]
    assert block_average(image, 8).tolist() == image.tolist()
    assert block_average(image, 4)[0, 0] == np.mean([0, 1, 8, 9])
    assert block_average(image, 2)[0, 3] == np.mean([r * 8 + c for r in range(4, 8) for c in range(4, 8)])
    assert block_average(image, 1)[0, 0] == 31.5
    # b^2 - 1 additions and 1 multiplication per output pixel
    assert block_average_flops(8, 4) == 16 * (3 + 1)
    assert block_average_flops(8, 1) == 63 + 1
    assert block_average_flops(8, 8) == 0
    with pytest.raises(ValueError, match="multiple"):
        block_average_flops(8, 3)
    with pytest.raises(ValueError, match="images"):
        block_average(np.zeros((2, 63)), 4)


def test_dense_network_flops_by_hand():
    # 64 -> 1 -> 10, tanh: 2*64 + 1 bias + 1 tanh + 2*10 + 10 biases + 9 comparisons
    assert dense_network_flops([64, 1, 10], "tanh") == 128 + 1 + 1 + 20 + 10 + 9
    assert dense_network_flops([4, 3], "identity") == 24 + 3 + 2
    with pytest.raises(ValueError, match="activation"):
        dense_network_flops([4, 3], "gelu")


def test_fitted_mlp_and_linear_models_by_hand():
    mlp = make_pipeline(
        StandardScaler(),
        MLPClassifier((2,), activation="tanh", solver="lbfgs", max_iter=50, random_state=0),
    ).fit(X3, Y3)
    # scaler 2*3; layer 1: 2*3*2 + 2; tanh 2; layer 2: 2*2*3 + 3; argmax 2
    assert estimator_flops(mlp) == 6 + 14 + 2 + 15 + 2
    binary = MLPClassifier((2,), activation="relu", solver="lbfgs", max_iter=50, random_state=0)
    binary.fit(X3, Y3 > 0)
    # one logistic output unit: 2*2*1 + 1, decided by one threshold comparison
    assert estimator_flops(binary) == 14 + 2 + 5 + 1
    assert estimator_flops(LogisticRegression().fit(X3, Y3)) == 2 * 3 * 3 + 3 + 2


def test_distance_and_bayes_models_by_hand():
    assert estimator_flops(NearestCentroid().fit(X3, Y3)) == 3 * 3 * 3 + 2
    assert estimator_flops(GaussianNB().fit(X3, Y3)) == 3 * (4 * 3 + 1) + 2
    knn = KNeighborsClassifier(n_neighbors=3, algorithm="brute").fit(X2, Y2)
    assert estimator_flops(knn) == 6 * (3 * 2 + 1) + 3 + 1


def test_trees_by_hand():
    line = np.array([[0.0], [1.0], [2.0], [3.0]])
    tree = DecisionTreeClassifier(random_state=0).fit(line, [0, 1, 2, 2])
    assert tree.get_depth() == 2 and estimator_flops(tree) == 2
    forest = RandomForestClassifier(n_estimators=3, random_state=0).fit(line, [0, 1, 2, 2])
    depths = [t.get_depth() for t in forest.estimators_]
    assert estimator_flops(forest) == sum(depths) + 3 * 3 + 2


def test_rbf_svm_by_hand():
    svm = SVC().fit(X2, Y2)
    n_sv = int(svm.n_support_.sum())
    # two classes: n_SV (3*2 + 2) kernels, 2 n_SV in the one pairwise sum, 3 for the pair, 1 argmax
    assert estimator_flops(svm) == n_sv * 8 + 2 * n_sv + 3 + 1
    assert rbf_svm_flops(10, 64, 10) == 10 * 194 + 2 * 9 * 10 + 3 * 45 + 9


def test_unmodelled_estimator_is_refused():
    with pytest.raises(ValueError, match="MinMaxScaler"):
        estimator_flops(MinMaxScaler().fit(X2))
    with pytest.raises(ValueError, match="SVC"):
        estimator_flops(SVC(kernel="linear").fit(X2, Y2))


# ---------------------------------------------------------------- committed files


@pytest.mark.parametrize("name", FAMILIES)
def test_family_loads_in_cost_order(name):
    family = load_family(name)
    n, n_states = family.correct.shape
    assert n == 1797 and n_states == len(family.names) == family.costs.size
    assert family.correct.dtype == bool and not family.correct.flags.writeable
    assert np.all(np.diff(family.costs) >= 0)
    np.testing.assert_array_equal(family.correct, family.predicted == family.truth[:, None])
    np.testing.assert_array_equal(family.truth, load_digits().target)
    space = family.space
    assert isinstance(space, StateSpace) and space.names == family.names
    np.testing.assert_allclose(space.accuracies, family.accuracies)
    table = pd.read_csv(PREDICTIONS_DIR / name / "costs.csv")
    np.testing.assert_allclose(table["accuracy"], family.accuracies, atol=5e-7)


@pytest.mark.parametrize("name", ["width", "resolution"])
def test_costs_strictly_increase_within_similar_families(name):
    assert np.all(np.diff(load_family(name).costs) > 0)


def test_width_and_resolution_costs_match_their_formulas():
    width = load_family("width")
    expected = [2 * 64 + dense_network_flops([64, h, 10], "tanh") for h in zoo.WIDTHS]
    np.testing.assert_array_equal(width.costs, expected)
    resolution = load_family("resolution")
    expected = [
        block_average_flops(8, r) + 2 * r * r + dense_network_flops([r * r, 10], "identity")
        for r in zoo.RESOLUTIONS
    ]
    np.testing.assert_array_equal(resolution.costs, expected)


def test_top_probability_where_a_model_gives_one():
    mixed = load_family("mixed")
    missing = np.isnan(mixed.top_probability).all(axis=0)
    assert [n for n, m in zip(mixed.names, missing) if m] == ["centroid", "svm"]
    given = mixed.top_probability[:, ~missing]
    assert np.all((given >= 0.1 - 1e-6) & (given <= 1.0))  # the top of 10 probabilities


@pytest.mark.parametrize("name", FAMILIES)
def test_oracle_labels_agree_with_the_correctness_matrix(name):
    correct, names = read_correctness(PREDICTIONS_DIR / name / "correct.csv")
    family = load_family(name)
    assert tuple(names) == family.names
    np.testing.assert_array_equal(correct, family.correct)
    labels = pd.read_csv(PREDICTIONS_DIR / name / "oracle_labels.csv")
    index = labels["oracle_state_index"].to_numpy()
    rows = np.arange(len(index))
    none = index == -1
    assert np.array_equal(none, ~correct.any(axis=1))
    assert correct[rows[~none], index[~none]].all()  # the chosen state is right ...
    before = np.arange(correct.shape[1]) < np.where(none, correct.shape[1], index)[:, None]
    assert not (correct & before).any()  # ... and no cheaper state is
    expected_names = np.where(none, "none", np.array(names, dtype=object)[np.maximum(index, 0)])
    assert labels["oracle_state"].tolist() == expected_names.tolist()
    np.testing.assert_array_equal(labels["true_label"], family.truth)


# ---------------------------------------------------------------- loader errors


def test_unknown_family_names_the_accepted_ones():
    with pytest.raises(ValueError, match="family='depth'.*width, resolution, mixed"):
        load_family("depth")


def test_missing_files_say_how_to_make_them(tmp_path):
    with pytest.raises(ValueError, match="adaptlib predictions"):
        load_family("width", root=tmp_path)


def test_a_family_is_read_once_until_its_files_change(tmp_path):
    shutil.copytree(PREDICTIONS_DIR / "resolution", tmp_path / "resolution")
    first = load_family("resolution", root=tmp_path)
    assert load_family("resolution", root=tmp_path) is first
    assert not first.correct.flags.writeable  # so handing it out again is safe
    costs = tmp_path / "resolution" / "costs.csv"
    costs.write_text(costs.read_text() + "\n")  # the same table in a file of another size
    again = load_family("resolution", root=tmp_path)
    assert again is not first and again.names == first.names


def test_a_duplicated_prediction_row_is_refused(tmp_path):
    shutil.copytree(PREDICTIONS_DIR / "resolution", tmp_path / "resolution")
    path = tmp_path / "resolution" / "predictions.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:2] + lines[1:2] + lines[3:]))
    with pytest.raises(ValueError, match="exactly one row per state"):
        load_family("resolution", root=tmp_path)
