"""adaptlib.exercises: every exercise is registered; each check says right to its own answer,
wrong to a wrong one, never shows the answer; the templates call the checks; the index page
is the registry's."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from adaptlib.book.paths import BOOK_DIR, NOTEBOOKS_DIR
from adaptlib.exercises import Exercise, check, exercises, index_markdown

EXERCISES = exercises()
CHECKED = [label for label, item in EXERCISES.items() if item.checks_itself]
LABEL = re.compile(r":label: (ex-ch\d\d-\d+)")


def _templates() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))}


def _wrong(item: Exercise, right):
    if item.kind == "set":
        return set(right) ^ {"a state that is not there", "nor this one"}
    values = np.atleast_1d(np.asarray(right, dtype=float))
    wrong = values * 1.5 + 1.0
    return float(wrong[0]) if item.kind == "number" else wrong.tolist()


def test_every_exercise_of_every_chapter_is_registered_once():
    labels = [m for text in _templates().values() for m in LABEL.findall(text)]
    assert sorted(labels) == sorted(EXERCISES), set(labels) ^ set(EXERCISES)
    assert all(item.practises.strip() for item in EXERCISES.values())


def test_most_exercises_check_themselves():
    assert len(CHECKED) >= 20, f"only {len(CHECKED)} of {len(EXERCISES)} exercises check themselves"


@pytest.mark.parametrize("label", CHECKED)
def test_the_right_answer_is_right_and_a_wrong_one_is_wrong(label):
    item = EXERCISES[label]
    right = item.answer()
    assert repr(check(label, right)).startswith(f"{label}: right.")
    said = check(label, _wrong(item, right))
    assert said.outcome == "wrong", said
    if item.kind != "set":  # the verdict never shows the answer
        for value in np.atleast_1d(np.asarray(right, dtype=float)):
            for shown in {f"{value:.2f}", f"{value:.3g}", f"{value:.4g}"}:
                if len(shown.strip("0.-")) >= 3:
                    assert shown not in said.message, (label, shown, said.message)


@pytest.mark.parametrize("label", CHECKED)
def test_each_checked_exercise_is_followed_by_its_check_in_the_template(label):
    item = EXERCISES[label]
    name = next(n for n in _templates() if n.startswith(f"{item.chapter:02d}_"))
    cells = json.loads(_templates()[name])["cells"]
    calls = [c for c in cells if c["cell_type"] == "code" and f'check("{label}"' in "".join(c["source"])]
    assert len(calls) == 1, f"{name}: {len(calls)} cells call check({label!r}, ...)"
    assert "solution" not in calls[0].get("metadata", {}).get("tags", []), f"{name}: the check of {label} is in a solution"


def test_close_and_missing_answers():
    label = CHECKED[0]
    item = EXERCISES[label]
    assert check(label, None).outcome == "missing"
    if item.kind != "set":
        right = np.atleast_1d(np.asarray(item.answer(), dtype=float))
        near = right * (1 + (item.rtol + item.close) / 2) + (item.rtol * 10 if not right.any() else 0)
        near = float(near[0]) if item.kind == "number" else near.tolist()
        assert check(label, near).outcome in ("close", "right")
    with pytest.raises(ValueError, match="no exercise 'ex-ch99-1'"):
        check("ex-ch99-1", 1.0)


def test_an_answer_of_the_wrong_shape_is_told_so():
    vectors = [label for label in CHECKED if EXERCISES[label].kind == "vector"]
    numbers = [label for label in CHECKED if EXERCISES[label].kind == "number"]
    if numbers:
        assert "give a number" in check(numbers[0], "twelve").message
    if vectors:
        assert "value(s)" in check(vectors[0], [1.0] * 99).message


def test_the_exercise_index_page_is_the_registry():
    page = BOOK_DIR / "exercises.md"
    assert page.read_text(encoding="utf-8") == index_markdown(), "regenerate: python -m adaptlib.exercises > book/exercises.md"
