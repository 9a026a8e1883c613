"""`adaptlib predictions --check`: exact on structure, within stated tolerances on what the book uses.

The unit tests work on copies of the committed families, changed the way another BLAS kernel
changes them (the drift recorded in tests/fixtures/kernel_drift/) or the way a real change
would. The real regeneration runs in the integration tier.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from adaptlib.cli import main
from adaptlib.datasets import regeneration, zoo
from adaptlib.datasets.digits import FAMILIES, load_family
from adaptlib.datasets.locate import PREDICTIONS_DIR
from adaptlib.datasets.regeneration import compare_exact, compare_within_tolerance
from adaptlib.datasets.zoo import StateSpec

DRIFT = Path(__file__).parents[2] / "fixtures" / "kernel_drift"
KERNELS = ("haswell", "prescott", "nehalem")


@pytest.fixture
def copy(tmp_path) -> Path:
    for family in FAMILIES:
        shutil.copytree(PREDICTIONS_DIR / family, tmp_path / family)
    return tmp_path


def rewrite(root: Path, family: str, predicted: np.ndarray, costs=None) -> None:
    """Write ``root/family`` as the regeneration would, with these predictions (and costs)."""
    data = load_family(family, root)
    costs = data.costs if costs is None else costs
    results = [
        zoo._StateResult(StateSpec(name, "", make=None), predicted[:, i], data.top_probability[:, i],
                            costs[i], description)
        for i, (name, description) in enumerate(zip(data.names, data.state_descriptions))
    ]
    zoo._write_family(results, data.truth, root / family)


def test_an_unchanged_copy_passes_both_checks(copy):
    assert compare_exact(PREDICTIONS_DIR, copy) == []
    assert compare_within_tolerance(PREDICTIONS_DIR, copy) == []


def test_rewriting_unchanged_predictions_gives_the_same_bytes(copy):
    rewrite(copy, "mixed", load_family("mixed").predicted)
    assert compare_exact(PREDICTIONS_DIR, copy) == []


@pytest.mark.parametrize("kernel", KERNELS)
def test_the_drift_of_each_recorded_kernel_is_within_tolerance(copy, kernel):
    drift = pd.read_csv(DRIFT / f"{kernel}.csv")
    assert set(drift["family"]) == {"width"}  # only the small nets move
    data = load_family("width")
    predicted = data.predicted.copy()
    predicted[drift["instance"], [data.names.index(s) for s in drift["state"]]] = drift["predicted"]
    rewrite(copy, "width", predicted)
    assert len(compare_exact(PREDICTIONS_DIR, copy)) == 4  # every width file moved...
    assert compare_within_tolerance(PREDICTIONS_DIR, copy) == []  # ...but not what the book uses


def test_another_model_in_one_state_is_a_real_change(copy):
    data = load_family("width")
    predicted = data.predicted.copy()
    predicted[:, 3] = data.predicted[:, 2]  # h8 predicts what h4 does
    rewrite(copy, "width", predicted)
    problems = compare_within_tolerance(PREDICTIONS_DIR, copy)
    assert any(p.startswith("width/h8: accuracy 95.94% became 86.98%") for p in problems), problems
    assert any(p.startswith("width/h8:") and "of its predictions changed" in p for p in problems)
    assert any(p.startswith("width/h8: alpha_i") for p in problems)


def test_a_few_percent_of_flipped_answers_is_a_real_change(copy):
    data = load_family("resolution")
    predicted = data.predicted.copy()
    rows = np.flatnonzero(data.correct[:, 3])[::25]  # 4% of the right answers of 8x8 made wrong
    predicted[rows, 3] = (data.truth[rows] + 1) % 10
    rewrite(copy, "resolution", predicted)
    problems = compare_within_tolerance(PREDICTIONS_DIR, copy)
    assert any(p.startswith("resolution/8x8: accuracy") for p in problems), problems
    assert "resolution/8x8: 3.90% of its predictions changed (tolerance 3.00%)" in problems


def test_a_changed_cost_a_label_and_the_instance_order_are_refused(copy):
    data = load_family("mixed")
    rewrite(copy, "mixed", data.predicted, costs=data.costs + np.eye(len(data.costs))[0])
    assert compare_within_tolerance(PREDICTIONS_DIR, copy) == [
        f"mixed/{data.names[0]}: cost {data.costs[0]:g} became {data.costs[0] + 1:g} (costs must be identical)"
    ]
    long = pd.read_csv(copy / "width" / "predictions.csv", dtype=str, keep_default_na=False)
    long.loc[long["instance"] == "0", "true_label"] = "9"
    long.to_csv(copy / "width" / "predictions.csv", index=False, lineterminator="\n")
    assert "width: true labels or instance order changed (1 instances differ)" in compare_within_tolerance(
        PREDICTIONS_DIR, copy
    )


def test_missing_extra_and_reshaped_files_are_named(copy):
    (copy / "mixed" / "correct.csv").unlink()
    (copy / "resolution" / "stale.csv").write_text("x\n")
    frame = pd.read_csv(copy / "width" / "oracle_labels.csv")
    frame.rename(columns={"oracle_state": "state"}).to_csv(copy / "width" / "oracle_labels.csv", index=False)
    problems = compare_within_tolerance(PREDICTIONS_DIR, copy)
    assert "mixed/correct.csv: missing from the regeneration" in problems
    assert "resolution/stale.csv: not a file the regeneration writes" in problems
    assert any(p.startswith("width/oracle_labels.csv: columns") and p.endswith("state") for p in problems)
    assert compare_exact(PREDICTIONS_DIR, copy) == [
        "width/oracle_labels.csv", "resolution/stale.csv", "mixed/correct.csv"
    ]


def test_the_command_checks_within_tolerance_by_default_and_exactly_on_request(copy, monkeypatch, capsys):
    drifted = copy.parent / "drifted"
    shutil.copytree(copy, drifted)
    data = load_family("width")
    predicted = data.predicted.copy()
    predicted[0, 0] = (predicted[0, 0] + 1) % 10  # another wrong label: only predictions.csv moves
    rewrite(drifted, "width", predicted)

    def regenerate_as_drifted(out):  # stands in for the refit; the real one is an integration test
        for family in FAMILIES:
            shutil.copytree(drifted / family, Path(out) / family)

    monkeypatch.setattr(regeneration, "generate", regenerate_as_drifted)
    assert main(["predictions", "--check", "--out", str(copy)]) == 0
    assert "within tolerance of a fresh regeneration" in capsys.readouterr().out
    assert main(["predictions", "--check", "--exact", "--out", str(copy)]) == 1
    out = capsys.readouterr().out
    assert "1 file(s) differ" in out and "width/predictions.csv" in out
    assert main(["predictions", "--exact"]) == 2
    assert "--exact only applies with --check" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.integration
def test_a_real_regeneration_is_within_tolerance_of_the_committed_files(tmp_path):
    """The refit itself, on this machine's CPU (bit identity is not asked: see the module docstring)."""
    zoo.generate(tmp_path)
    assert compare_within_tolerance(PREDICTIONS_DIR, tmp_path) == []
    for family in ("resolution", "mixed"):  # no small nets: the same bytes on every kernel seen
        assert not [p for p in compare_exact(PREDICTIONS_DIR, tmp_path) if p.startswith(family)]
