"""The imagenet family: built from ImageNet-X files in the formats of the digits families.

Most tests build it from a handful of images written into tmp_path; the last ones compare the
committed data/predictions/imagenet with a fresh build from ../shared/data/imagenetx, when that
folder is beside the clone.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from adaptlib.book.paths import REPO_ROOT
from adaptlib.cli import main
from adaptlib.core.oracle import exact_oracle, first_correct
from adaptlib.datasets import imagenet
from adaptlib.datasets.digits import FAMILIES, load_family
from adaptlib.datasets.locate import PREDICTIONS_DIR
from adaptlib.datasets.regeneration import compare_exact, compare_within_tolerance

SHARED = REPO_ROOT / imagenet.DEFAULT_SOURCE  # ../shared/data/imagenetx, beside the clone
LICENSE_TEXT = "Attribution-NonCommercial 4.0 International\n\n(a stand-in for the licence text)\n"

# Five images, listed by class in filename_label.csv (as the source does), not by name.
IMAGES = ["ILSVRC2012_val_00000004.JPEG", "ILSVRC2012_val_00000002.JPEG", "ILSVRC2012_val_00000005.JPEG",
          "ILSVRC2012_val_00000001.JPEG", "ILSVRC2012_val_00000003.JPEG"]
LABELS = [0, 0, 1, 2, 2]
TRUTH = {name: label for name, label in zip(IMAGES, LABELS)}
SORTED = sorted(IMAGES)  # the instance order: 00000001 .. 00000005
# Predicted class of each model for the images in SORTED order (truth there: 2, 0, 2, 0, 1).
PREDICTED = {
    "ResNet50": [2, 0, 1, 0, 1],  # 4 of 5
    "SimCLR": [2, 1, 1, 1, 1],  # 2 of 5: less accurate than ResNet50 at the same cost
    "DINO": [0, 1, 2, 0, 0],  # 2 of 5
    "ViT": [2, 0, 2, 0, 1],  # 5 of 5
}
PROBABILITY = {"ResNet50": 0.8365915418000001, "SimCLR": 0.25, "DINO": 1.0, "ViT": 0.123456789}


def write_source(folder: Path, predicted: dict[str, list[int]] = PREDICTED) -> Path:
    """A small ImageNet-X folder: the label file, the four model files (rows in other orders), LICENSE."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"file_name": IMAGES, "label": LABELS}).to_csv(folder / "filename_label.csv", index=False)
    for shift, (state, classes) in enumerate(predicted.items()):
        rows = np.roll(np.arange(len(SORTED)), shift + 1)  # each file lists the images in its own order
        pd.DataFrame({
            "file_name": [SORTED[i] for i in rows],
            "predicted_class": [classes[i] for i in rows],
            "predicted_probability": [PROBABILITY[state]] * len(rows),
        }).to_csv(folder / f"{state}.csv", index=False)
    (folder / "LICENSE").write_text(LICENSE_TEXT)
    (folder / "imagenet_labels.txt").write_text("n01\ttench\nn02\tgoldfish\nn03\tshark\n")
    return folder


@pytest.fixture
def source(tmp_path) -> Path:
    return write_source(tmp_path / "imagenetx")


@pytest.fixture
def built(source, tmp_path) -> Path:
    return imagenet.build(source, tmp_path / "out")


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, keep_default_na=False, dtype=str)


# ---------------------------------------------------------------- formats


def test_the_family_has_the_files_and_columns_of_the_digits_families(built):
    assert built.name == "imagenet"
    assert sorted(p.name for p in built.iterdir()) == sorted(imagenet.FILES)
    for name in ("predictions.csv", "correct.csv", "oracle_labels.csv"):
        digits_header = (PREDICTIONS_DIR / "width" / name).read_text().splitlines()[0]
        header = (built / name).read_text().splitlines()[0]
        if name == "correct.csv":
            assert header == "ResNet50,SimCLR,DINO,ViT"
        else:
            assert header == digits_header
    costs_header = (built / "costs.csv").read_text().splitlines()[0].split(",")
    digits_costs_header = (PREDICTIONS_DIR / "width" / "costs.csv").read_text().splitlines()[0].split(",")
    assert costs_header[: len(digits_costs_header)] == digits_costs_header
    assert costs_header[len(digits_costs_header):] == ["cost_unit", "cost_source", "predictions_source"]
    for path in built.iterdir():
        assert b"\r" not in path.read_bytes()


def test_costs_keep_both_tied_states_sorted_by_cost_then_accuracy(built):
    costs = read(built, "costs.csv")
    assert costs["state"].tolist() == ["ResNet50", "SimCLR", "DINO", "ViT"]  # the tie kept, in accuracy order
    assert costs["cost"].tolist() == ["4.089", "4.089", "4.6", "17.564"]  # as published
    assert costs["accuracy"].tolist() == ["0.800000", "0.400000", "0.400000", "1.000000"]
    assert set(costs["cost_unit"]) == {"GMACs"}
    assert all("inferred" in d for d in costs["description"])
    assert "torchvision" in costs["cost_source"][0] and "DeiT" in costs["cost_source"][2]
    assert all(imagenet.SOURCE_COMMIT in s for s in costs["predictions_source"])


def test_predictions_are_long_form_in_sorted_file_name_order(built):
    long = read(built, "predictions.csv")
    names = ["ResNet50", "SimCLR", "DINO", "ViT"]
    assert long["instance"].astype(int).tolist() == np.repeat(np.arange(5), 4).tolist()
    assert long["state"].tolist() == names * 5
    truth = [TRUTH[name] for name in SORTED]
    assert long["true_label"].astype(int).tolist() == np.repeat(truth, 4).tolist()
    predicted = long["predicted"].astype(int).to_numpy().reshape(5, 4)
    np.testing.assert_array_equal(predicted, np.column_stack([PREDICTED[n] for n in names]))
    assert long["top_probability"].tolist()[:4] == ["0.836592", "0.250000", "1.000000", "0.123457"]


def test_correctness_and_oracle_labels_agree_with_the_predictions(built):
    correct = read(built, "correct.csv").astype(int).to_numpy()
    truth = np.array([TRUTH[name] for name in SORTED])
    expected = np.column_stack([np.array(PREDICTED[n]) == truth for n in ("ResNet50", "SimCLR", "DINO", "ViT")])
    np.testing.assert_array_equal(correct, expected.astype(int))
    labels = read(built, "oracle_labels.csv")
    assert labels["instance"].astype(int).tolist() == list(range(5))
    assert labels["oracle_state_index"].astype(int).tolist() == first_correct(expected).tolist()
    assert labels["oracle_state"].tolist() == ["ResNet50", "ResNet50", "DINO", "ResNet50", "ResNet50"]


def test_the_licence_and_the_readme_travel_with_the_data(built, source):
    assert (built / "LICENSE").read_bytes() == (source / "LICENSE").read_bytes()
    readme = (built / "README.md").read_text()
    for needed in ("CC BY-NC 4.0", "Idrissi et al.", "ICLR 2023", imagenet.SOURCE_COMMIT,
                   imagenet.SOURCE_REPOSITORY, "inferred", "MIT licence covers its code, not these data",
                   "instance k is image number k + 1"):
        assert needed in readme, needed
    for path in built.iterdir():  # no path of this machine in any file
        assert str(source.parent) not in path.read_text()


def test_the_loader_reads_the_family_by_name(built):
    family = load_family("imagenet", built.parent)
    assert family.names == ("ResNet50", "SimCLR", "DINO", "ViT")
    assert family.costs.tolist() == [4.089, 4.089, 4.6, 17.564] and family.unit == "GMACs"
    assert family.correct.shape == (5, 4)
    np.testing.assert_allclose(family.accuracies, [0.8, 0.4, 0.4, 1.0])
    np.testing.assert_allclose(family.top_probability[0], [0.836592, 0.25, 1.0, 0.123457])
    report = family.space.assumptions()
    assert not report.costs_sorted  # the tie is reported, never hidden
    assert "Eq. 2: states ResNet50 and SimCLR cost the same (4.089)" in report.violations
    assert family.space.pareto().names == ("ResNet50", "ViT")
    oracle = exact_oracle(family.correct, family.costs, family.names)
    labels = pd.read_csv(built / "oracle_labels.csv")["oracle_state_index"].to_numpy()
    np.testing.assert_array_equal(oracle.labels, labels)
    assert "imagenet" not in FAMILIES  # loadable by name, in none of the chapters' default loops


# ---------------------------------------------------------------- determinism and the tie rule


def test_two_builds_give_the_same_bytes(source, tmp_path):
    first, second = imagenet.build(source, tmp_path / "a"), imagenet.build(source, tmp_path / "b")
    for name in imagenet.FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_row_order_of_the_source_changes_no_data_file(source, tmp_path):
    first = imagenet.build(source, tmp_path / "a")
    for path in source.glob("*.csv"):  # reverse every source file's rows
        frame = pd.read_csv(path, dtype=str)
        frame.iloc[::-1].to_csv(path, index=False)
    second = imagenet.build(source, tmp_path / "b")
    for name in imagenet.FILES:
        if name != "README.md":  # it records the SHA-256 of the source files read, which changed
            assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_tie_is_ordered_by_accuracy_not_by_file_order(tmp_path):
    swapped = dict(PREDICTED, ResNet50=PREDICTED["SimCLR"], SimCLR=PREDICTED["ResNet50"])
    folder = imagenet.build(write_source(tmp_path / "src", swapped), tmp_path / "out")
    costs = read(folder, "costs.csv")
    assert costs["state"].tolist() == ["SimCLR", "ResNet50", "DINO", "ViT"]  # SimCLR is the more accurate now
    assert imagenet.state_order(np.array([1.0, 1.0, 2.0]), np.array([0.5, 0.5, 0.1]), ["b", "a", "c"]) == [1, 0, 2]


# ---------------------------------------------------------------- the command and its errors


def test_the_command_builds_and_checks(source, tmp_path, capsys):
    out = tmp_path / "predictions"
    assert main(["predictions", "imagenet", "--source", str(source), "--output-dir", str(out)]) == 0
    assert "wrote 6 files" in capsys.readouterr().out
    assert main(["predictions", "imagenet", "--source", str(source), "--out", str(out), "--check"]) == 0
    assert "bit-identical to a fresh build" in capsys.readouterr().out
    (out / "imagenet" / "correct.csv").write_text("ResNet50,SimCLR,DINO,ViT\n1,1,1,1\n")
    (out / "imagenet" / "notes.txt").write_text("x\n")
    assert main(["predictions", "imagenet", "--source", str(source), "--out", str(out), "--check"]) == 1
    report = capsys.readouterr().out
    assert "2 file(s) differ" in report and "imagenet/correct.csv" in report and "imagenet/notes.txt" in report


def fails_in_one_line(capsys, argv: list[str], *needles: str) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("adaptlib: error: "), captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def test_a_missing_source_folder_is_one_line_and_exit_2(tmp_path, capsys):
    fails_in_one_line(capsys, ["predictions", "imagenet", "--source", str(tmp_path / "nowhere"),
                               "--out", str(tmp_path / "out")], "no such folder", "--source")
    assert not (tmp_path / "out").exists()  # nothing written


def test_a_missing_source_file_is_one_line_and_exit_2(source, tmp_path, capsys):
    (source / "DINO.csv").unlink()
    (source / "LICENSE").unlink()
    fails_in_one_line(capsys, ["predictions", "imagenet", "--source", str(source), "--out", str(tmp_path / "o")],
                      "no file DINO.csv, LICENSE")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("file, column", [("ViT.csv", "predicted_probability"), ("ResNet50.csv", "predicted_class"),
                                          ("filename_label.csv", "label")])
def test_a_missing_column_is_one_line_and_exit_2(source, tmp_path, capsys, file, column):
    frame = pd.read_csv(source / file)
    frame.drop(columns=column).to_csv(source / file, index=False)
    fails_in_one_line(capsys, ["predictions", "imagenet", "--source", str(source), "--out", str(tmp_path / "o")],
                      file, f"no column '{column}'")


@pytest.mark.parametrize("change, needle", [
    (lambda f: f.assign(predicted_probability=["1.5"] + ["0.5"] * 4), "not a probability in [0, 1]"),
    (lambda f: f.assign(predicted_probability=["x"] + ["0.5"] * 4), "not a probability in [0, 1]"),
    (lambda f: f.assign(predicted_class=["-1"] + ["0"] * 4), "is not a class index"),
    (lambda f: f.assign(predicted_class=["7"] + ["0"] * 4), "not one of the 3 classes"),
    (lambda f: f.iloc[1:], "1 image(s) of filename_label.csv missing"),
    (lambda f: pd.concat([f, f.iloc[:1]]), "listed more than once"),
    (lambda f: f.iloc[:0], "no rows"),
])
def test_bad_model_files_are_refused_in_one_line(source, tmp_path, capsys, change, needle):
    frame = pd.read_csv(source / "SimCLR.csv", dtype=str)
    change(frame).to_csv(source / "SimCLR.csv", index=False)
    fails_in_one_line(capsys, ["predictions", "imagenet", "--source", str(source), "--out", str(tmp_path / "o")],
                      "SimCLR.csv", needle)


def test_source_only_applies_to_imagenet(source, capsys):
    fails_in_one_line(capsys, ["predictions", "--source", str(source)], "--source only applies to the imagenet")


# ---------------------------------------------------------------- beside the digits families


def test_the_digits_check_never_reads_the_imagenet_folder(built, tmp_path):
    root = built.parent
    for family in FAMILIES:
        shutil.copytree(PREDICTIONS_DIR / family, root / family)
    (root / "imagenet" / "correct.csv").write_text("garbage\n")  # only the imagenet check would see it
    assert compare_exact(PREDICTIONS_DIR, root) == []
    assert compare_within_tolerance(PREDICTIONS_DIR, root) == []


# ---------------------------------------------------------------- the committed family


needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"{imagenet.DEFAULT_SOURCE} (ImageNet-X files) "
                                  "is not beside the clone")


@needs_shared
def test_the_committed_family_is_a_fresh_build_from_the_shared_files():
    assert imagenet.check(SHARED, PREDICTIONS_DIR) == []


def test_the_committed_family_loads_with_its_licence():
    folder = PREDICTIONS_DIR / "imagenet"
    assert (folder / "LICENSE").read_text().startswith("Attribution-NonCommercial 4.0 International")
    family = load_family("imagenet")
    assert family.names == ("ResNet50", "SimCLR", "DINO", "ViT") and family.unit == "GMACs"
    assert family.correct.shape == (50_000, 4)
    np.testing.assert_allclose(family.accuracies, [0.7613, 0.68142, 0.76754, 0.78006])
    oracle = exact_oracle(family.correct, family.costs, family.names)
    assert oracle.histogram.tolist() == [38_065, 2_343, 2_169, 1_618] and oracle.n_none == 5_805
