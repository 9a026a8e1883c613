"""adaptlib.chapter.glue writes myst-nb's glue bundle, with floats rounded below the CPU's last digits."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from adaptlib.book.paths import BOOK_DIR
from adaptlib.chapter import glue as book_glue


@pytest.fixture
def shown(monkeypatch):
    calls = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: calls.append((a, k)))
    return calls


def test_floats_are_rounded_and_other_values_kept():
    assert book_glue.rounded(46.92031120864091) == book_glue.rounded(46.92031120864088) == 46.9203
    assert book_glue.rounded(np.float64(0.000123456789)) == 0.000123457  # six significant digits...
    assert book_glue.rounded(1335946.123456) == 1335946.1235  # ...but never fewer than four decimals
    assert book_glue.rounded(float("nan")) != book_glue.rounded(float("nan")) and book_glue.rounded(-0.0) == 0
    assert book_glue.rounded(7) == 7 and book_glue.rounded(True) is True and book_glue.rounded("x") == "x"
    assert book_glue.rounded(np.int64(3)) == 3 and isinstance(book_glue.rounded(np.int64(3)), np.integer)


def test_the_bundle_is_the_one_myst_nb_writes(shown, monkeypatch):
    from myst_nb.ext import glue as myst_glue

    theirs = []
    monkeypatch.setattr(myst_glue, "ipy_display", lambda *a, **k: theirs.append((a, k)))
    for display in (True, False):
        book_glue.glue("x", 46.9203, display=display)
        myst_glue.glue("x", 46.9203, display=display)
    assert shown == theirs and shown[1][0][0] == {"application/papermill.record/text/plain": "46.9203"}


def test_the_rounded_value_is_what_is_stored(shown):
    book_glue.glue("share", 100 * (1 / 3), display=False)
    assert shown[0][0][0]["application/papermill.record/text/plain"] == "33.3333"


@pytest.mark.slow
@pytest.mark.staleness
def test_no_output_in_book_carries_more_digits_than_adaptlib_glue_keeps():
    """The last digits of a float move with the CPU's BLAS kernel; nbval would then fail elsewhere."""
    found = []
    for path in sorted(BOOK_DIR.glob("*.ipynb")):
        for number, cell in enumerate(json.loads(path.read_text())["cells"]):
            for output in cell.get("outputs", []):
                texts = [v for k, v in output.get("data", {}).items() if "image/" not in k] + [output.get("text", "")]
                text = "".join("".join(t) if isinstance(t, list) else str(t) for t in texts)
                found += [f"{path.name} cell {number}: {m}" for m in re.findall(r"\b\d+\.\d+", text)
                          if float(m) != book_glue.rounded(float(m))][:1]
    assert not found, "print or glue these rounded (adaptlib.chapter.glue.rounded):\n" + "\n".join(found)
