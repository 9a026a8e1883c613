"""adaptlib.chapter.magnitude: fixed decimals where they keep the digits (the book's FLOPs),
significant digits where they would round a cost away (dollars per query)."""
from __future__ import annotations

import pandas as pd
import pytest

from adaptlib.chapter.magnitude import cost_text, keeps_digits, small_columns


@pytest.mark.parametrize("value, decimals, expected", [
    (1428.3, 1, "1,428.3"),  # the book's costs keep their decimals
    (498.3356, 2, "498.34"),
    (0.00012, 1, "1.200 × 10⁻⁴"),  # USD per query: never 0.0
    (0.0031, 2, "0.003100"),
    (0.25, 2, "0.2500"),  # two decimals would keep only two digits
    (0.0, 2, "0.00"),  # a true zero stays a fixed-decimal zero
])
def test_cost_text_by_magnitude(value, decimals, expected):
    assert cost_text(value, decimals) == expected


def test_keeps_digits_ignores_zeros_and_text():
    assert keeps_digits([0.0, 105.0, "–", None], 1)
    assert not keeps_digits([0.0, 0.05], 1)
    assert keeps_digits([], 0)


def test_small_columns_names_only_the_columns_that_would_lose_digits():
    frame = pd.DataFrame({"cost": [0.00012, 0.0031], "big": [297.0, 39426.0], "state": ["a", "b"]})
    assert small_columns(frame, 1, ["cost", "big", "state"]) == {"cost": 4}
    assert small_columns(frame.assign(cost=[105.0, 226.58]), 1, ["cost"]) == {}
