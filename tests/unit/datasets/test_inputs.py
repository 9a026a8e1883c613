"""Reading users' correctness matrices and costs: what is accepted, and what is refused how."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from adaptlib import exact_oracle, load_user_inputs, read_correctness, read_costs


def write(path, content):
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


@pytest.fixture
def costs_csv(tmp_path):
    return write(tmp_path / "costs.csv", "state,cost\nsmall,1\nlarge,10\n")


def test_reads_every_spelling_of_true_and_false(tmp_path):
    path = write(
        tmp_path / "c.csv",
        "small, large\n1,true\n0,FALSE\n True ,1.0\nfalse,0.0\n",
    )
    matrix, names = read_correctness(path)
    assert names == ["small", "large"]  # header names are stripped
    assert matrix.dtype == bool and matrix.flags.c_contiguous
    np.testing.assert_array_equal(matrix, [[1, 1], [0, 0], [1, 1], [0, 0]])


def test_utf8_bom_and_extra_cost_columns(tmp_path):
    correct = write(tmp_path / "c.csv", b"\xef\xbb\xbfsmall,large\n1,1\n")  # a spreadsheet's BOM
    costs = write(tmp_path / "k.csv", "state,cost,accuracy,notes\nlarge,10,0.9,x\nsmall,1,0.6,y\n")
    matrix, space = load_user_inputs(correct, costs)
    assert space.names == ("small", "large")
    series = read_costs(costs)
    assert series.to_dict() == {"large": 10.0, "small": 1.0}


def test_order_comes_from_the_costs_not_the_columns(tmp_path):
    correct = write(tmp_path / "c.csv", "large,mid,small\n1,0,0\n1,1,0\n1,1,1\n")
    costs = write(tmp_path / "k.csv", "state,cost\nmid,5\nsmall,1\nlarge,10\n")
    matrix, space = load_user_inputs(correct, costs)
    assert space.names == ("small", "mid", "large")
    np.testing.assert_array_equal(space.costs, [1.0, 5.0, 10.0])
    np.testing.assert_array_equal(matrix, [[0, 0, 1], [0, 1, 1], [1, 1, 1]])
    assert space.accuracies is None  # the oracle measures them


def test_a_free_state_is_allowed(tmp_path):
    costs = write(tmp_path / "k.csv", "state,cost\nguess,0\nsmall,1\n")
    assert read_costs(costs).to_dict() == {"guess": 0.0, "small": 1.0}


def test_wide_matrix(tmp_path):
    """10,000 states, in the reverse of their cost order, with every spelling of true and false."""
    rng = np.random.default_rng(2)
    n_states = 10_000
    names = [f"s{i}" for i in range(n_states)]
    matrix = rng.random((4, n_states)) < 0.5
    spelled = np.where(matrix, rng.choice(["1", "true", " TRUE", "1.0"], matrix.shape),
                       rng.choice(["0", "false", "False ", "0.0"], matrix.shape))
    lines = [",".join(names[::-1])] + [",".join(row[::-1]) for row in spelled]
    correct = write(tmp_path / "c.csv", "\n".join(lines) + "\n")
    costs = write(tmp_path / "k.csv", "state,cost\n" + "".join(f"{n},{i + 1}\n" for i, n in enumerate(names)))
    loaded, space = load_user_inputs(correct, costs)
    assert space.names == tuple(names)
    np.testing.assert_array_equal(space.costs, np.arange(1, n_states + 1))
    assert loaded.dtype == bool and loaded.flags.c_contiguous
    np.testing.assert_array_equal(loaded, matrix)


def test_parquet_input_works(tmp_path, costs_csv):
    frame = pd.DataFrame({"large": [True, True, False, True], "small": [True, False, False, False]})
    path = tmp_path / "c.parquet"
    frame.to_parquet(path)
    matrix, space = load_user_inputs(path, costs_csv)
    assert space.names == ("small", "large")
    np.testing.assert_array_equal(matrix, [[1, 1], [0, 1], [0, 0], [0, 1]])
    result = exact_oracle(matrix, space.costs, space.names)
    assert result.cost == pytest.approx((1 + 10 + 1 + 10) / 4)
    # 0/1 integers in Parquet are accepted too; a 2 is refused with its row.
    frame.astype(int).to_parquet(path)
    np.testing.assert_array_equal(load_user_inputs(path, costs_csv)[0], matrix)
    pd.DataFrame({"small": [1, 2], "large": [1, 1]}).to_parquet(path)
    with pytest.raises(ValueError, match=r"c\.parquet, column 'small', row 2: value 2; every cell"):
        read_correctness(path)
    pd.DataFrame({"small": [1.0, np.nan], "large": [1.0, 1.0]}).to_parquet(path)
    with pytest.raises(ValueError, match=r"column 'small', row 2: an empty cell \(NaN\)"):
        read_correctness(path)
    pd.DataFrame({"small": pd.array([True, None], dtype="boolean"), "large": [True, True]}).to_parquet(path)
    with pytest.raises(ValueError, match=r"column 'small', row 2: an empty cell"):
        read_correctness(path)
    pd.DataFrame({"small": [[1], [0]], "large": [1, 1]}).to_parquet(path)
    with pytest.raises(ValueError, match=r"c\.parquet, column 'small', row 1: value array\(\[1\]\); every cell"):
        read_correctness(path)


def test_parquet_garbage_and_empty(tmp_path):
    garbage = write(tmp_path / "g.parquet", b"PAR1 this is not parquet\x00\x01")
    with pytest.raises(ValueError, match=r"g\.parquet: cannot read the correctness matrix file \(.*\); give a CSV or Parquet"):
        read_correctness(garbage)
    empty = tmp_path / "e.parquet"
    pd.DataFrame({"a": pd.Series([], dtype=bool), "b": pd.Series([], dtype=bool)}).to_parquet(empty)
    with pytest.raises(ValueError, match="no rows"):
        read_correctness(empty)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a,b\n1,0\n0,2\n", r"c\.csv, column 'b', row 2: value '2'; every cell must be 0/1 or true/false"),
        ("a,b\nyes,0\n", r"column 'a', row 1: value 'yes'"),
        ("a,b\n1,-1\n", r"column 'b', row 1: value '-1'"),
        ("a,b\n1,0.5\n", r"column 'b', row 1: value '0.5'"),
        ("a,b\n1,\n", r"column 'b', row 1: an empty cell"),
        ("a,b\n1,nan\n", r"column 'b', row 1: an empty cell"),
        ("a,b\n1,NaN\n", r"column 'b', row 1: value 'NaN'"),
        ("a,b\n1,0\n1\n", r"column 'b', row 2: an empty cell"),
        ("a,b\n1,0\n1,0,1\n", r"c\.csv, line 3: 3 fields, but the header has 2 columns; give one value per column"),
        ("a,b\n1,0,1\n0,1,1\n", r"c\.csv, line 2: 3 fields, but the header has 2 columns"),
        ("a,b\r\n\r\n1,0\r\n0,1,\r\n", r"c\.csv, line 4: 3 fields, but the header has 2 columns"),
        ("a,b\n1,yes\nno,0\n", r"column 'b', row 1: value 'yes'"),  # the first bad cell in file order
        ("a,b\n1," + "x" * 200 + "\n", r"column 'b', row 1: value '" + "x" * 37 + r"\.\.\.'; every cell"),
        ("a,b\n", r"c\.csv: the header names states but there are no rows; add one row per instance"),
        ("a\n1\n0\n", r"only one state column \(a\); the oracle needs at least two states"),
        ("a,b,a\n1,0,1\n", r"c\.csv: column name\(s\) repeated in the header: a; names must be unique"),
        ("a,,b\n1,0,1\n", r"c\.csv: column 2 has no name in the header"),
        ("", r"c\.csv: cannot read the correctness matrix file \(the file is empty\)"),
        ("\n\n", r"the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", r"c\.csv: cannot read the correctness matrix file \(it contains NUL"),
        (b"a,b\n1,0\n\xe9,1\n", r"c\.csv: cannot read the correctness matrix file \(not UTF-8 text: byte 0xe9 at offset 8"),
        ('{"a": [1, 0]}', r"c\.csv: looks like JSON; the correctness matrix must be a CSV or Parquet file"),
        ("x" * 1_001 + ",b\n1,0\n", r"c\.csv: column 1 of the header is 1,001 characters long, over the 1,000 allowed"),
    ],
    ids=[
        "two", "yes", "minus-one", "half", "empty", "nan-text", "NaN-text", "short-row", "long-row",
        "every-row-long", "crlf-blank-line", "file-order", "long-value",
        "no-rows", "one-state", "duplicate", "unnamed", "empty-file", "blank-lines", "binary", "latin-1", "json",
        "long-name",
    ],
)
def test_bad_correctness_files(tmp_path, content, message):
    path = write(tmp_path / "c.csv", content)
    with pytest.raises(ValueError, match=message) as info:
        read_correctness(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("state,cost\na,1\na,2\n", r"k\.csv: state\(s\) listed twice: a; keep one row per state"),
        ("state,cost\na,1\nb,-3\n", r"k\.csv, row 2 \(state 'b'\): cost -3 is negative; costs must be >= 0"),
        ("state,cost\na,0\nb,0.0\n", r"k\.csv: every cost is 0; .*costs must be positive for the others"),
        ("state,cost\na,1\nb,\n", r"row 2 \(state 'b'\): cost is empty; give a finite number"),
        ("state,cost\na,1\nb,abc\n", r"row 2 \(state 'b'\): cost is 'abc', not a number"),
        ("state,cost\na,1\nb,inf\n", r"row 2 \(state 'b'\): cost is 'inf', not a number"),
        ("state,price\na,1\n", r"k\.csv: no column 'cost'; expected columns state,cost"),
        ("state,cost\n", r"k\.csv: no rows; add one row per state with its cost"),
        ("state,cost\na,1\n,2\n", r"k\.csv, row 2: the state name is empty"),
        ("", r"k\.csv: cannot read the costs file \(the file is empty\)"),
    ],
    ids=[
        "duplicate", "negative", "all-zero", "empty", "text", "inf", "no-cost-column", "no-rows", "no-name",
        "empty-file",
    ],
)
def test_bad_costs_files(tmp_path, content, message):
    path = write(tmp_path / "k.csv", content)
    with pytest.raises(ValueError, match=message):
        read_costs(path)


def test_unreadable_paths(tmp_path, costs_csv):
    with pytest.raises(ValueError, match=r"nowhere\.csv: no such file; give the path of the correctness matrix file"):
        read_correctness(tmp_path / "nowhere.csv")
    with pytest.raises(ValueError, match=r"nowhere\.csv: no such file; give the path of the costs file"):
        read_costs(tmp_path / "nowhere.csv")
    with pytest.raises(ValueError, match=r"is a folder; give the path of the correctness matrix file"):
        read_correctness(tmp_path)


def test_states_must_match_both_ways(tmp_path):
    correct = write(tmp_path / "c.csv", "small,large,huge\n1,1,1\n")
    costs = write(tmp_path / "k.csv", "state,cost\nsmall,1\nlarge,10\n")
    with pytest.raises(
        ValueError, match=r"state 'huge' is a column of .*c\.csv but has no row in .*k\.csv; add a row 'huge,<cost>'"
    ):
        load_user_inputs(correct, costs)
    correct = write(tmp_path / "c.csv", "small,large\n1,1\n")
    costs = write(tmp_path / "k.csv", "state,cost\nsmall,1\nlarge,10\ntiny,0.1\n")
    with pytest.raises(
        ValueError, match=r"state 'tiny' has a cost in .*k\.csv but no column in .*c\.csv; add the column or remove the row"
    ):
        load_user_inputs(correct, costs)
