"""adaptlib.chapter.show: tables and self-checks render the same content as HTML and as text."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from adaptlib.chapter.show import checks, number_text, paper_rows, significant_text, table


def test_number_text_never_shows_minus_zero_and_fixes_decimals():
    assert number_text(-0.0001, 2) == "0.00"
    assert number_text(-0.004, 2) == "0.00"
    assert number_text(-0.006, 2) == "-0.01"
    assert number_text(1234.5, 1) == "1,234.5"
    assert number_text(0.5, 3, signed=True) == "+0.500"
    assert number_text(float("nan"), 2) == "–"
    assert number_text(None, 2) == "–"


def _frame() -> pd.DataFrame:
    index = pd.MultiIndex.from_product([["ViT"], ["book", "paper", "difference"]], names=["family", "source"])
    return pd.DataFrame({"R_N": [1016.7, 1016.72, -0.0001], "ratio": [25.13, 25.0, 0.13], "n": [5, 5, 0]}, index=index)


def test_table_html_aligns_numbers_marks_paper_rows_and_scrolls_in_its_own_box():
    shown = table(_frame(), decimals={"R_N": 2, "ratio": 1}, units={"R_N": "GMACs"}, labels={"ratio": "R_ratio"},
                  caption="Table 1, ViT", row_class=paper_rows)
    page = shown._repr_html_()
    assert page.startswith('<div class="book-table-block"><p class="book-table-caption">Table 1, ViT</p>'
                           '<div class="book-table-wrap" tabindex="0" role="region"')
    assert "<th scope=\"col\">R_N (GMACs)</th>" in page.replace(' class="book-table-num"', "")
    assert '<td class="book-table-num">1,016.70</td>' in page
    assert '<tr class="book-row-paper">' in page and '<tr class="book-row-difference">' in page
    assert "-0.00" not in page and "0.00" in page
    assert '<td class="book-table-label">ViT</td>' in page


def test_table_text_is_the_same_content_right_aligned():
    text = repr(table(_frame(), decimals=1, row_class=paper_rows))
    lines = text.splitlines()
    assert lines[0].split() == ["family", "source", "R_N", "ratio", "n"]
    assert lines[1].split() == ["ViT", "book", "1,016.7", "25.1", "5"]
    assert lines[3].split() == ["ViT", "difference", "+0.0", "+0.1", "0"]
    assert len({len(line) for line in lines[1:]}) == 1  # columns line up


def test_table_refuses_a_column_it_does_not_have():
    with pytest.raises(ValueError, match=r"no column named \['cost'\]"):
        table(_frame(), units={"cost": "GFLOPs"})


def test_table_output_is_deterministic():
    assert table(_frame())._repr_html_() == table(_frame())._repr_html_()


def test_checks_show_one_line_per_step_and_say_fails():
    shown = checks(("Eq. 9 = Eq. 8 at α = 1", np.isclose(1.0, 1.0 + 1e-12), "1 vs 1"),
                   ("all costs positive", np.array([True, False])))
    assert repr(shown) == "Eq. 9 = Eq. 8 at α = 1: holds\nall costs positive: FAILS"
    assert not shown.ok
    page = shown._repr_html_()
    assert page.count('class="book-check ') == 2
    assert "<details" in page and "<pre>1 vs 1</pre>" in page  # the evidence, on demand
    assert "book-check-fail" in page and "True" not in page


def test_checks_refuse_a_malformed_item():
    with pytest.raises(ValueError, match="each item is"):
        checks(("label",))
    with pytest.raises(ValueError, match="at least one"):
        checks()


def test_significant_digits_for_values_across_magnitudes():
    assert significant_text(5.6e-10, 3) == "5.60 × 10⁻¹⁰"
    assert significant_text(0.5953, 3) == "0.595"
    assert significant_text(123456789.0, 2) == "1.2 × 10⁸"
    assert significant_text(9.996e-5, 3) == "1.00 × 10⁻⁴"
    shown = table(pd.DataFrame({"alpha": [0.5953, 5.6e-10]}), significant={"alpha": 3}, index=False)
    assert repr(shown).splitlines()[1:] == ["       0.595", "5.60 × 10⁻¹⁰"]
    assert '<td class="book-table-num">5.60 × 10⁻¹⁰</td>' in shown._repr_html_()


def test_check_evidence_keeps_no_digits_a_cpu_would_change():
    shown = checks(("Eq. 9 equals its split form", True, "5.2311707123 vs 5.2311707124; n = 12; 0.009460211464"))
    assert shown.items[0].detail == "5.23117 vs 5.23117; n = 12; 0.00946021"
