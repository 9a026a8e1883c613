"""The ``adaptlib oracle`` command on files, run in process through ``adaptlib.cli.main``.

Every bad input is checked twice: the library (``load_user_inputs``) raises ``ValueError``, and
the command exits with status 2 and prints that same message as its only line on stderr. Two
tests run the installed command in a subprocess (the integration tier).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from oracle_cli import oracle, oracle_json

from adaptlib import eq8_constant_alpha, eq9_conservative, exact_oracle, load_user_inputs
from adaptlib.report import oracle_summary


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


# --- the hand-computable example -------------------------------------------------------------
# Three states A (cost 1), B (3), C (10), given in the column order C, A, B; four instances:
#   x1: A right, B wrong, C right -> oracle sends it to A (cost 1)
#   x2: B and C right            -> B (3)
#   x3: only C right             -> C (10)
#   x4: nobody right             -> paper's rule: the cheapest, A (1)
# A_A = 1/4, A_B = 1/4, A_C = 3/4.  R_oracle = (1 + 3 + 10 + 1) / 4 = 3.75, A_oracle = 3/4.
# P(e_1) = P(A wrong) = 3/4; P(e_2) = P(A, B wrong) = {x3, x4} = 1/2; P(e_3) = {x4} = 1/4.
# alpha_B = P(e_2) / (1 - A_B) = (1/2) / (3/4) = 2/3; alpha_C = (1/4) / (1/4) = 1; alpha_min = 2/3.
# Eq. 9: 1 + (3 - 1)(1/4 - 1/4) + (10 - 1)(3/4 - 1/4) = 5.5 at accuracy 3/4.
# Eq. 8, alpha = 2/3: 1 + (3 - 1)(3/4) + (2/3)[(10 - 3)(3/4) - (10 - 1)(1/4)] = 2.5 + (2/3) 3 = 4.5,
#   accuracy 1 - (2/3)(1/4) = 5/6.
# Gains over C: dR = 10 - 3.75 = 6.25, R_ratio = 10 / 3.75 = 8/3, dA = 3/4 - 3/4 = 0.
EXAMPLE_CORRECT = "C,A,B\n1,1,0\n1,0,1\n1,0,0\n0,0,0\n"
EXAMPLE_COSTS = "state,cost\nB,3\nC,10\nA,1\n"

ISSUE_KEYS = {
    "states": None, "costs": None, "accuracies": None, "alpha": None, "p_e": None,
    "oracle": {"cost", "accuracy", "histogram"},
    "conservative": {"cost", "accuracy"},
    "optimistic": {"alpha_min", "cost", "accuracy"},
    "gains": {"delta_r", "r_ratio", "delta_a"},
    "assumptions": {"costs_sorted", "accuracies_monotone", "violations"},
}
# Keys the command prints beyond the issue's list; pinned here so that any other change shows.
EXTRA_KEYS = {
    "": {"instances", "notes"},
    "oracle": {"unsolved", "none_correct", "cost_model"},
    "conservative": {"states_used"},
}


NON_MONOTONE = "A,B,C\n1,0,1\n1,0,1\n0,1,1\n0,0,0\n"  # B (cost 3) less accurate than A
NESTED = "A,C\n1,1\n0,1\n0,1\n0,1\n0,0\n"  # every error of C is an error of A


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """The example and a few others, written once for the whole module."""
    root = tmp_path_factory.mktemp("good")
    paths = {
        "correct": write(root / "correct.csv", EXAMPLE_CORRECT),
        "costs": write(root / "costs.csv", EXAMPLE_COSTS),
        "non_monotone": write(root / "non_monotone.csv", NON_MONOTONE),
        "nested": write(root / "nested.csv", NESTED),
        "nested_costs": write(root / "nested_costs.csv", "state,cost\nA,1\nC,10\n"),
        "parquet": root / "correct.parquet",
    }
    pd.read_csv(paths["correct"]).astype(bool).to_parquet(paths["parquet"])
    return paths


def test_json_keys_are_the_issues(files, capsys):
    out = oracle_json(capsys, files["correct"], "--costs", files["costs"])
    assert set(out) == set(ISSUE_KEYS) | EXTRA_KEYS[""]
    for key, inner in ISSUE_KEYS.items():
        if inner is not None:
            assert set(out[key]) == inner | EXTRA_KEYS.get(key, set()), key


def test_json_values_by_hand(files, capsys):
    out = oracle_json(capsys, files["correct"], "--costs", files["costs"])
    assert out["states"] == ["A", "B", "C"]  # by cost, not the CSV's C, A, B
    assert out["costs"] == [1.0, 3.0, 10.0]
    assert out["accuracies"] == pytest.approx([0.25, 0.25, 0.75])
    assert out["alpha"][0] is None
    assert out["alpha"][1:] == pytest.approx([2 / 3, 1.0])
    assert out["p_e"] == pytest.approx([0.75, 0.5, 0.25])
    assert out["oracle"]["cost"] == pytest.approx(3.75)
    assert out["oracle"]["accuracy"] == pytest.approx(0.75)
    assert out["oracle"]["histogram"] == [1, 1, 1]
    assert (out["conservative"]["cost"], out["conservative"]["accuracy"]) == pytest.approx((5.5, 0.75))
    assert out["optimistic"]["alpha_min"] == pytest.approx(2 / 3)
    assert (out["optimistic"]["cost"], out["optimistic"]["accuracy"]) == pytest.approx((4.5, 5 / 6))
    assert (out["gains"]["delta_r"], out["gains"]["r_ratio"], out["gains"]["delta_a"]) == pytest.approx(
        (6.25, 8 / 3, 0.0)
    )
    assert out["assumptions"] == {"costs_sorted": True, "accuracies_monotone": True, "violations": []}
    # ... and the same numbers from the library on the same files.
    matrix, space = load_user_inputs(files["correct"], files["costs"])
    result = exact_oracle(matrix, space.costs, space.names)
    assert out["oracle"]["cost"] == result.cost and out["oracle"]["accuracy"] == result.accuracy
    assert out["conservative"]["cost"] == eq9_conservative(result.space).cost
    assert out["optimistic"]["cost"] == eq8_constant_alpha(result.space, result.alpha_min).cost
    # Parquet input gives the same object.
    assert oracle_json(capsys, files["parquet"], "--costs", files["costs"]) == out


def test_options_reach_the_oracle(files, capsys):
    # Cascade with free unsolved instances: x1 pays A = 1, x2 pays A + B = 4, x3 pays
    # A + B + C = 14, x4 nothing: (1 + 4 + 14 + 0) / 4 = 4.75.
    correct, costs = files["correct"], files["costs"]
    out = oracle_json(capsys, correct, "--costs", costs, "--none-correct", "zero", "--cost-model", "cascade")
    assert out["oracle"]["cost"] == pytest.approx(4.75)
    assert (out["oracle"]["none_correct"], out["oracle"]["cost_model"]) == ("zero", "cascade")
    # Each option alone: x4 free (1 + 3 + 10) / 4 = 3.5; x4 at the largest state
    # (1 + 3 + 10 + 10) / 4 = 6; cascade with x4 at A: (1 + 4 + 14 + 1) / 4 = 5.
    for options, cost in (
        (["--none-correct", "zero"], 3.5),
        (["--none-correct", "largest"], 6.0),
        (["--cost-model", "cascade"], 5.0),
    ):
        assert oracle_json(capsys, correct, "--costs", costs, *options)["oracle"]["cost"] == pytest.approx(cost)


def test_json_non_monotone_accuracies(files, capsys):
    """B (cost 3) is less accurate than A (cost 1): reported, and the closed forms use the
    Pareto states A, C. Accuracies 1/2, 1/4, 3/4; Eq. 9 on A, C: 1 + (10 - 1)(3/4 - 1/2) = 3.25."""
    out = oracle_json(capsys, files["non_monotone"], "--costs", files["costs"])
    assert out["assumptions"]["accuracies_monotone"] is False
    assert out["assumptions"]["violations"] == [
        "Eq. 3: B (cost 3, accuracy 0.2500) is less accurate than the cheaper A (0.5000)"
    ]
    assert out["conservative"]["states_used"] == ["A", "C"]
    assert out["conservative"]["cost"] == pytest.approx(3.25)
    assert out["oracle"]["cost"] == pytest.approx((1 + 1 + 3 + 1) / 4)  # the exact oracle uses B


def test_nested_errors_do_not_break_the_command(files, capsys):
    """Fully nested errors give alpha = 1 exactly; Eq. 8 must accept it (it used to get
    1.0000000000000002 from rounding and exit with an error)."""
    out = oracle_json(capsys, files["nested"], "--costs", files["nested_costs"])
    assert out["alpha"] == [None, 1.0]
    assert out["optimistic"]["cost"] == pytest.approx(out["conservative"]["cost"])


def test_table_is_aligned_with_units(files, capsys):
    code, text, err = oracle(capsys, files["correct"], "--costs", files["costs"], "--unit", "GFLOPs")
    assert code == 0 and err == ""
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("state"))
    block = lines[header:header + 5]  # header, A, B, C, (no state right)
    assert "cost (GFLOPs)" in block[0]
    assert [line.split()[0] for line in block[1:4]] == ["A", "B", "C"]
    assert len({len(line) for line in block}) == 1, block  # right-aligned columns end together
    assert len({line.index("%") for line in block[1:4]}) == 1  # the accuracies line up
    assert "25.00%" in block[1] and "75.00%" in block[3]
    assert "GFLOPs" in text.split("operating point")[1].splitlines()[0]
    points = {line.split("  ")[0].strip(): line for line in lines if "(Eq." in line}
    assert "3.75" in points["exact oracle (Eq. 4-5)"] and "75.00%" in points["exact oracle (Eq. 4-5)"]
    assert "5.5" in points["conservative, alpha = 1 (Eq. 9)"]
    assert "dR = 6.25 GFLOPs" in text and "R_ratio = 2.67x" in text


def test_column_order_does_not_leak_into_the_summary(tmp_path):
    """Shuffling the CSV's columns changes nothing in what the command prints (in process)."""
    rng = np.random.default_rng(0)
    names = ["s1", "s2", "s3", "s4"]
    matrix = rng.random((50, 4)) < [0.3, 0.5, 0.6, 0.8]
    costs = write(tmp_path / "k.csv", "state,cost\n" + "".join(f"{n},{c}\n" for n, c in zip(names, [1, 2, 5, 9])))
    summaries = []
    for order in ([0, 1, 2, 3], [3, 1, 0, 2]):
        frame = pd.DataFrame(matrix[:, order].astype(int), columns=[names[i] for i in order])
        frame.to_csv(tmp_path / "c.csv", index=False)
        m, space = load_user_inputs(tmp_path / "c.csv", costs)
        summaries.append(oracle_summary(exact_oracle(m, space.costs, space.names), m))
    assert summaries[0] == summaries[1]


# --- valid but unusual input --------------------------------------------------------------
def test_one_state_dominating_the_others(tmp_path, capsys):
    """The cheapest state a is also the most accurate (2/3 against 1/3, 1/3): the exact oracle
    still uses all three states (x1, x2 -> a, x3 -> b: cost (1 + 1 + 2) / 3), and the table says
    why the closed forms are missing: only a is left on the Pareto front."""
    correct = write(tmp_path / "correct.csv", "a,b,c\n1,0,0\n1,0,0\n0,1,1\n")
    costs = write(tmp_path / "costs.csv", "state,cost\nc,3\nb,2\na,1\n")
    out = oracle_json(capsys, correct, "--costs", costs)
    assert out["states"] == ["a", "b", "c"]
    assert (out["oracle"]["cost"], out["oracle"]["accuracy"]) == pytest.approx((4 / 3, 1.0))
    assert out["oracle"]["histogram"] == [2, 1, 0]
    assert out["conservative"] == {"cost": None, "accuracy": None, "states_used": ["a"]}
    assert out["optimistic"] == {"alpha_min": None, "cost": None, "accuracy": None}
    code, text, err = oracle(capsys, correct, "--costs", costs)
    assert code == 0 and err == ""
    assert (
        "(closed forms not computed: b, c cost at least as much as a and are no more accurate, "
        "so only a is left on the Pareto front; Eq. 8-9 need two states)"
    ) in text.splitlines()


def test_a_free_state(tmp_path, capsys):
    """A state may cost 0; when the oracle then costs 0, R_ratio is infinite and says so."""
    correct = write(tmp_path / "correct.csv", "a,b\n1,0\n1,1\n")
    costs = write(tmp_path / "costs.csv", "state,cost\na,0\nb,2\n")
    out = oracle_json(capsys, correct, "--costs", costs)
    assert out["oracle"]["cost"] == 0.0 and out["gains"]["r_ratio"] is None
    code, text, err = oracle(capsys, correct, "--costs", costs)
    assert code == 0 and err == ""
    assert "R_ratio = inf (the exact oracle costs 0)," in text


def test_a_wide_matrix(tmp_path, capsys):
    """2,000 states, columns shuffled against the costs: the same summary as from the library."""
    rng = np.random.default_rng(1)
    n_states = 2_000
    names = [f"s{i}" for i in range(n_states)]
    matrix = rng.random((6, n_states)) < 0.5
    frame = pd.DataFrame(matrix.astype(int), columns=names)
    frame.iloc[:, ::-1].to_csv(tmp_path / "correct.csv", index=False)
    pd.DataFrame({"state": names, "cost": np.arange(1, n_states + 1)}).to_csv(tmp_path / "costs.csv", index=False)
    out = oracle_json(capsys, tmp_path / "correct.csv", "--costs", tmp_path / "costs.csv")
    expected = oracle_summary(exact_oracle(matrix, np.arange(1.0, n_states + 1), names), matrix)
    assert out == expected


# --- bad input: the library and the command --------------------------------------------------
def sparse(prefix: str = "", size: int = 4 << 20):
    """Write ``prefix`` and extend the file to ``size`` bytes with os.truncate: NULs, sparse on disk."""

    def make(path: Path) -> None:
        path.write_text(prefix)
        os.truncate(path, size)

    return make


GOOD_CORRECT = "a,b\n1,0\n0,1\n"
GOOD_COSTS = "state,cost\na,1\nb,2\n"
NUL_BYTES = r"cannot read the {} file \(it contains NUL bytes: binary data or UTF-16 text, not a CSV\); give a CSV"
# name: (correctness file content, costs file content, what the message must say). A content is
# text, bytes, None (no file) or a function that makes the file at the path it is given.
BAD = {
    "state-without-cost": (
        "a,b,c\n1,0,1\n", GOOD_COSTS,
        r"state 'c' is a column of \S*correct\.csv but has no row in \S*costs\.csv",
    ),
    "cost-without-state": (
        GOOD_CORRECT, "state,cost\na,1\nb,2\nc,3\n",
        r"state 'c' has a cost in \S*costs\.csv but no column in \S*correct\.csv",
    ),
    "duplicate-column": (
        "a,b,a\n1,0,1\n", GOOD_COSTS,
        r"correct\.csv: column name\(s\) repeated in the header: a",
    ),
    "duplicate-cost-row": (
        GOOD_CORRECT, "state,cost\na,1\na,2\nb,3\n",
        r"costs\.csv: state\(s\) listed twice: a",
    ),
    "value-two": (
        "a,b\n1,0\n0,2\n", GOOD_COSTS,
        r"correct\.csv, column 'b', row 2: value '2'; every cell must be 0/1",
    ),
    "nan-cell": ("a,b\n1,0\nNaN,1\n", GOOD_COSTS, r"correct\.csv, column 'a', row 2: value 'NaN'"),
    "empty-cell": ("a,b\n1,\n0,1\n", GOOD_COSTS, r"correct\.csv, column 'b', row 1: an empty cell"),
    "no-rows": (
        "a,b\n", GOOD_COSTS,
        r"correct\.csv: the header names states but there are no rows",
    ),
    "single-state": ("a\n1\n0\n", GOOD_COSTS, r"correct\.csv: only one state column \(a\)"),
    "negative-cost": (
        GOOD_CORRECT, "state,cost\na,1\nb,-2\n",
        r"costs\.csv, row 2 \(state 'b'\): cost -2 is negative",
    ),
    "all-zero-costs": (
        GOOD_CORRECT, "state,cost\na,0\nb,0\n",
        r"costs\.csv: every cost is 0; .*a free state may cost 0, but costs must be positive for the others",
    ),
    "missing-cost": (
        GOOD_CORRECT, "state,cost\na,\nb,2\n",
        r"costs\.csv, row 1 \(state 'a'\): cost is empty",
    ),
    "text-cost": (
        GOOD_CORRECT, "state,cost\na,1\nb,two\n",
        r"costs\.csv, row 2 \(state 'b'\): cost is 'two', not a number",
    ),
    "no-cost-column": (GOOD_CORRECT, "state,flops\na,1\nb,2\n", r"costs\.csv: no column 'cost'"),
    "missing-costs-file": (
        GOOD_CORRECT, None,
        r"costs\.csv: no such file; give the path of the costs file",
    ),
    "missing-file": (
        None, GOOD_COSTS,
        r"correct\.csv: no such file; give the path of the correctness matrix file",
    ),
    "directory": (
        Path.mkdir, GOOD_COSTS,
        r"correct\.csv: is a folder; give the path of the correctness matrix file",
    ),
    "binary-file": (
        bytes(range(128, 256)) * 4, GOOD_COSTS,
        r"correct\.csv: cannot read the correctness matrix file \(not UTF-8 text: byte 0x80 at offset 0\); give a CSV",
    ),
    "sparse-file": (sparse(), GOOD_COSTS, r"correct\.csv: " + NUL_BYTES.format("correctness matrix")),
    "nul-filled-end": (
        sparse("a,b\n" + "1,0\n" * 20_000), GOOD_COSTS, r"correct\.csv: " + NUL_BYTES.format("correctness matrix"),
    ),
    "sparse-costs-file": (GOOD_CORRECT, sparse(), r"costs\.csv: " + NUL_BYTES.format("costs")),
    "json-object": (
        '{"a": [1, 0], "b": [0, 1]}\n', GOOD_COSTS,
        r"correct\.csv: looks like JSON; the correctness matrix must be a CSV or Parquet file with one column",
    ),
    "json-records": (
        '[{"a": 1, "b": 0},\n {"a": 0, "b": 1}]\n', GOOD_COSTS,
        r"correct\.csv: looks like JSON; the correctness matrix must be a CSV or Parquet file with one column",
    ),
    "json-costs": (
        GOOD_CORRECT, '[{"state": "a", "cost": 1}, {"state": "b", "cost": 2}]',
        r"costs\.csv: looks like JSON; the costs must be a CSV file with columns state,cost",
    ),
    "long-header-field": (
        "a" * 140_000 + ",b\n1,0\n", GOOD_COSTS,
        r"correct\.csv: column 1 of the header is 140,000 characters long, over the 1,000 allowed for a name; "
        r"the correctness matrix must be a CSV or Parquet file with one column per state",
    ),
    "empty-file": (
        "", GOOD_COSTS,
        r"correct\.csv: cannot read the correctness matrix file \(the file is empty\)",
    ),
    "empty-costs-file": (
        GOOD_CORRECT, "",
        r"costs\.csv: cannot read the costs file \(the file is empty\)",
    ),
    "ragged-row": (
        "a,b\n1,0\n1,0,1\n", GOOD_COSTS,
        r"correct\.csv, line 3: 3 fields, but the header has 2 columns; give one value per column on every line",
    ),
    "ragged-after-blank-lines": (
        "a,b\n\n1,0\n\n0,1\n1,0,1\n", GOOD_COSTS,
        r"correct\.csv, line 6: 3 fields, but the header has 2 columns",
    ),
    "first-row-too-long": (
        "a,b\n1,0,1\n0,1\n", GOOD_COSTS,
        r"correct\.csv, line 2: 3 fields, but the header has 2 columns",
    ),
    "every-row-too-long": (  # pandas would take the first column for an index and go on
        "a,b\n1,0,1\n0,1,1\n", GOOD_COSTS,
        r"correct\.csv, line 2: 3 fields, but the header has 2 columns",
    ),
}


def make(path: Path, content) -> Path:
    if callable(content):
        content(path)
    elif content is not None:
        write(path, content)
    return path


def assert_refused(capsys, correct: Path, costs: Path, pattern: str) -> None:
    """The library raises a one-line ValueError matching ``pattern``; the command prints that
    message as its only line on stderr, nothing on stdout, and exits with status 2."""
    with pytest.raises(ValueError, match=pattern) as info:
        load_user_inputs(correct, costs)
    message = str(info.value)
    assert "\n" not in message
    code, out, err = oracle(capsys, correct, "--costs", costs)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.splitlines() == [f"adaptlib: error: {message}"]


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input(name, tmp_path, capsys):
    correct, costs, pattern = BAD[name]
    assert_refused(capsys, make(tmp_path / "correct.csv", correct), make(tmp_path / "costs.csv", costs), pattern)


@pytest.mark.parametrize("content", ['{"a": [1, 0], "b": [0, 1]}', '[{"a": 1, "b": 0}]', "a,b\n1,0\n"])
def test_json_file_as_matrix(content, tmp_path, capsys):
    """A .json file is refused whatever it holds: the matrix is read as CSV or Parquet only."""
    assert_refused(
        capsys, write(tmp_path / "correct.json", content), write(tmp_path / "costs.csv", GOOD_COSTS),
        r"correct\.json: looks like JSON; the correctness matrix must be a CSV or Parquet file with one column "
        r"per state \(the header names the states\) and one row of 0/1 per instance",
    )


# --- the installed command, in a subprocess (integration tier) ------------------------------
def run_installed(*args: str | Path) -> subprocess.CompletedProcess:
    command = Path(sys.executable).with_name("adaptlib")
    return subprocess.run([command, "oracle", *map(str, args)], capture_output=True, text=True, timeout=120)


@pytest.mark.slow
@pytest.mark.integration
def test_installed_command_prints_the_summary(files):
    done = run_installed(files["correct"], "--costs", files["costs"], "--format", "json")
    assert done.returncode == 0 and done.stderr == ""
    matrix, space = load_user_inputs(files["correct"], files["costs"])
    expected = oracle_summary(exact_oracle(matrix, space.costs, space.names), matrix)
    assert json.loads(done.stdout) == expected


@pytest.mark.slow
@pytest.mark.integration
def test_installed_command_refuses_bad_input(tmp_path):
    correct = write(tmp_path / "correct.csv", "a,b\n1,0\n0,2\n")
    done = run_installed(correct, "--costs", write(tmp_path / "costs.csv", GOOD_COSTS))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        f"adaptlib: error: {correct}, column 'b', row 2: value '2'; every cell must be 0/1 or true/false"
    ]
