"""adaptlib.chapter.params: each check accepts what it should and names parameter, value and the fix."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adaptlib.book.paths import REPO_ROOT
from adaptlib.chapter.params import (
    require_bool,
    require_choice,
    require_file,
    require_list_of,
    require_number,
    require_output_dir,
    require_text,
)


def test_choice():
    assert require_choice("family", "width", ["width", "mixed"]) == "width"
    with pytest.raises(ValueError, match=r"parameter 'family' = 'widht' is not accepted \(did you mean 'width'\?\); choose one of: 'width', 'mixed'"):
        require_choice("family", "widht", ["width", "mixed"])
    with pytest.raises(ValueError, match="choose one of: 1, 2"):
        require_choice("k", "1", [1, 2])  # the string "1" is not the number 1
    with pytest.raises(ValueError, match="choose one of: 1, 2"):
        require_choice("k", True, [1, 2])  # nor is True


@given(st.floats(min_value=0, max_value=1))
def test_number_in_closed_range_is_returned(value):
    assert require_number("alpha", value, low=0, high=1) == value


@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x < 0 or x > 1))
def test_number_out_of_range_names_the_range(value):
    with pytest.raises(ValueError, match=r"parameter 'alpha' = .* is out of range; it must be a number in \[0, 1\]"):
        require_number("alpha", value, low=0, high=1)


def test_number_types_and_bounds():
    assert require_number("n_boot", 200, low=1, integer=True) == 200
    assert type(require_number("n_boot", np.int64(5), integer=True)) is int
    assert require_number("beta0", np.float64(0.5), low=0) == 0.5
    with pytest.raises(ValueError, match=r"'n_boot' = 200.5 is not a whole number; it must be a whole number in \[1, inf\]"):
        require_number("n_boot", 200.5, low=1, integer=True)
    with pytest.raises(ValueError, match=r"'alpha' = '0.5' is a str; it must be a number"):
        require_number("alpha", "0.5")
    with pytest.raises(ValueError, match=r"'alpha' = True is a boolean; it must be a number"):
        require_number("alpha", True)
    with pytest.raises(ValueError, match="is not finite"):
        require_number("alpha", math.nan)
    with pytest.raises(ValueError, match=r"it must be a number in \(0, 1\)"):
        require_number("level", 1.0, low=0, high=1, low_open=True, high_open=True)
    assert require_number("level", 0.95, low=0, high=1, low_open=True, high_open=True) == 0.95


def test_bool_and_text():
    assert require_bool("show", False) is False
    for wrong in (0, 1, "yes", None):
        with pytest.raises(ValueError, match=r"parameter 'show' = .* it must be True or False"):
            require_bool("show", wrong)
    assert require_text("label", "x") == "x"
    with pytest.raises(ValueError, match="'label' is empty"):
        require_text("label", "  ")
    with pytest.raises(ValueError, match="'label' = 3 is an int; it must be a string"):
        require_text("label", 3)


def test_file(tmp_path):
    csv = tmp_path / "correct.csv"
    csv.write_text("a,b\n1,0\n")
    assert require_file("correctness", str(csv), [".csv", ".parquet"]) == csv
    assert require_file("correctness", None, [".csv"], optional=True) is None
    assert require_file("costs", "pyproject.toml", [".toml"]) == REPO_ROOT / "pyproject.toml"  # relative: from the repository root
    with pytest.raises(ValueError, match=r"'correctness' = None is not a file path; give a path to a .csv, .parquet file"):
        require_file("correctness", None, [".csv", ".parquet"])
    with pytest.raises(ValueError, match=r"has suffix '.txt'; accepted: .csv, .parquet"):
        require_file("correctness", str(tmp_path / "x.txt"), [".csv", ".parquet"])
    with pytest.raises(ValueError, match=r"'costs' = 'no/such.csv': no such file \(relative paths are read from the repository root\)"):
        require_file("costs", "no/such.csv", [".csv"])
    assert require_file("correctness", Path(csv), [".CSV"]) == csv


def test_list_of():
    def family(name, value):
        return require_choice(name, value, ["width", "mixed", "resolution"])

    assert require_list_of("families", ["width", "mixed"], family) == ["width", "mixed"]
    assert require_list_of("families", ("mixed",), family) == ["mixed"]
    with pytest.raises(ValueError, match=r"parameter 'families\[1\]' = 'wdth' is not accepted \(did you mean 'width'\?\)"):
        require_list_of("families", ["mixed", "wdth"], family)
    with pytest.raises(ValueError, match=r"'families' = 'width' is a str; it must be a list"):
        require_list_of("families", "width", family)
    with pytest.raises(ValueError, match="has 0 item"):
        require_list_of("families", [], family)
    with pytest.raises(ValueError, match="lists 'mixed' more than once"):
        require_list_of("families", ["mixed", "mixed"], family)


def test_output_dir(tmp_path):
    target = tmp_path / "a" / "b"
    assert require_output_dir("labels_dir", str(target)) == target and target.is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        require_output_dir("labels_dir", str(tmp_path / "file"))
    with pytest.raises(ValueError, match="'labels_dir' = 3 is not a folder path"):
        require_output_dir("labels_dir", 3)
