"""Costs written by magnitude, for chapters that run on a reader's own data (``correct_path``).

The book's costs are FLOPs in the hundreds or more, and its chapters print them with a fixed
number of decimals (``1,234.5``). A reader's costs may be dollars per query (0.00012): with the
same decimals they would all read ``0.0``. Fixed decimals are kept where they still show three
significant digits of a value; elsewhere four significant digits are shown (``1.200 × 10⁻⁴``,
``0.003100``), so the book's own pages do not change. Used by chapters 02, 03, 05 and 08-10.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

from adaptlib.chapter.show import number_text, significant_text

DIGITS_KEPT = 3  # fixed decimals are kept while they show this many significant digits
SIGNIFICANT = 4  # otherwise, this many significant digits


def keeps_digits(values: Iterable, decimals: int) -> bool:
    """Whether ``decimals`` fixed decimals show every nonzero finite number of ``values`` with at
    least ``DIGITS_KEPT`` significant digits (the book's FLOPs do; dollars per query do not).
    Other values (text, None) are ignored."""
    numbers_only = [float(v) for v in values if isinstance(v, numbers.Real) and not isinstance(v, bool)]
    array = np.abs(np.asarray(numbers_only, dtype=float))
    array = array[np.isfinite(array) & (array > 0)]
    return array.size == 0 or float(array.min()) >= 10.0 ** (DIGITS_KEPT - 1 - decimals)


def cost_text(value: float, decimals: int = 1) -> str:
    """``value`` with ``decimals`` fixed decimals if they keep its digits, else with
    ``SIGNIFICANT`` significant digits: 1,428.3 but 3.834 × 10⁻⁴."""
    if not math.isfinite(float(value)) or keeps_digits([value], decimals):
        return number_text(value, decimals)
    return significant_text(value, SIGNIFICANT)


def small_columns(frame, decimals: int, columns: Iterable) -> dict:
    """``significant=`` of :func:`adaptlib.chapter.show.table`: the ``columns`` of ``frame``
    whose values ``decimals`` fixed decimals would not show with their digits, each with
    ``SIGNIFICANT`` significant digits (the other columns keep the table's decimals)."""
    return {column: SIGNIFICANT for column in columns if not keeps_digits(frame[column].tolist(), decimals)}
