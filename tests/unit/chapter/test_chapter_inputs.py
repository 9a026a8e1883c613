"""adaptlib.chapter.inputs: the one reader of a chapter's correct_path and costs_path."""
from __future__ import annotations

import pytest

from adaptlib.chapter.inputs import user_inputs
from adaptlib.datasets.locate import PREDICTIONS_DIR


def test_both_empty_means_the_digits_families():
    assert user_inputs("", "") is None


def test_the_files_are_read_in_cost_order():
    folder = PREDICTIONS_DIR / "resolution"
    user = user_inputs(str(folder / "correct.csv"), str(folder / "costs.csv"))
    assert user.name == "correct" and user.unit == "cost units"
    assert user.space.names == ("1x1", "2x2", "4x4", "8x8") and user.correct.shape == (1797, 4)


@pytest.mark.parametrize(("correct", "costs", "message"), [
    ("a.csv", "", "parameters 'correct_path' and 'costs_path' go together"),
    ("", "b.csv", "got correct_path='', costs_path='b.csv'"),
    ("data/predictions/width/correct.txt", "data/predictions/width/costs.csv", "has suffix '.txt'"),
    ("data/predictions/width/correct.csv", "data/predictions/width/nothing.csv", "'costs_path'"),
])
def test_mistakes_name_the_parameter(correct, costs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        user_inputs(correct, costs)
