"""The ``adaptlib oracle`` command, run as users run it: a separate process on files.

Every bad input is checked twice: the library (``load_user_inputs``) raises ``ValueError``, and
the command exits with status 2 and prints that same message as its only line on stderr.
"""
from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from adaptlib import eq8_constant_alpha, eq9_conservative, exact_oracle, load_user_inputs
from adaptlib.cli import main
from adaptlib.report import oracle_summary

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "adaptlib", "oracle", *map(str, args)],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )


def run_all(commands: dict[str, list]) -> dict[str, subprocess.CompletedProcess]:
    """Run several commands two at a time: each is a fresh interpreter, slow to start."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(run_cli, *args) for name, args in commands.items()}
        return {name: future.result() for name, future in futures.items()}


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
    "": {"instances"},
    "oracle": {"unsolved", "none_correct", "cost_model"},
    "conservative": {"states_used"},
}


NON_MONOTONE = "A,B,C\n1,0,1\n1,0,1\n0,1,1\n0,0,0\n"  # B (cost 3) less accurate than A
NESTED = "A,C\n1,1\n0,1\n0,1\n0,1\n0,0\n"  # every error of C is an error of A


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The example and a few others through the command, once for the whole module."""
    root = tmp_path_factory.mktemp("good")
    correct, costs = write(root / "correct.csv", EXAMPLE_CORRECT), write(root / "costs.csv", EXAMPLE_COSTS)
    frame = pd.read_csv(correct).astype(bool)
    frame.to_parquet(root / "correct.parquet")
    write(root / "non_monotone.csv", NON_MONOTONE)
    write(root / "nested.csv", NESTED)
    write(root / "nested_costs.csv", "state,cost\nA,1\nC,10\n")
    as_json = ["--format", "json"]
    done = run_all({
        "json": [correct, "--costs", costs, *as_json],
        "table": [correct, "--costs", costs, "--unit", "GFLOPs"],
        "options": [correct, "--costs", costs, "--none-correct", "zero", "--cost-model", "cascade", *as_json],
        "parquet": [root / "correct.parquet", "--costs", costs, *as_json],
        "non_monotone": [root / "non_monotone.csv", "--costs", costs, *as_json],
        "nested": [root / "nested.csv", "--costs", root / "nested_costs.csv", *as_json],
    })
    for name, result in done.items():
        assert result.returncode == 0 and result.stderr == "", (name, result.stderr)
    return {"files": (correct, costs), **{name: r.stdout for name, r in done.items()}}


def test_json_keys_are_the_issues(runs):
    out = json.loads(runs["json"])
    assert set(out) == set(ISSUE_KEYS) | EXTRA_KEYS[""]
    for key, inner in ISSUE_KEYS.items():
        if inner is not None:
            assert set(out[key]) == inner | EXTRA_KEYS.get(key, set()), key


def test_json_values_by_hand(runs):
    out = json.loads(runs["json"])
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
    matrix, space = load_user_inputs(*runs["files"])
    result = exact_oracle(matrix, space.costs, space.names)
    assert out["oracle"]["cost"] == result.cost and out["oracle"]["accuracy"] == result.accuracy
    assert out["conservative"]["cost"] == eq9_conservative(result.space).cost
    assert out["optimistic"]["cost"] == eq8_constant_alpha(result.space, result.alpha_min).cost
    # Parquet input gives the same object.
    assert json.loads(runs["parquet"]) == out


def test_options_reach_the_oracle(runs, capsys):
    # Cascade with free unsolved instances: x1 pays A = 1, x2 pays A + B = 4, x3 pays
    # A + B + C = 14, x4 nothing: (1 + 4 + 14 + 0) / 4 = 4.75.
    out = json.loads(runs["options"])
    assert out["oracle"]["cost"] == pytest.approx(4.75)
    assert (out["oracle"]["none_correct"], out["oracle"]["cost_model"]) == ("zero", "cascade")
    # Each option alone, in process: x4 free (1 + 3 + 10) / 4 = 3.5; x4 at the largest state
    # (1 + 3 + 10 + 10) / 4 = 6; cascade with x4 at A: (1 + 4 + 14 + 1) / 4 = 5.
    correct, costs = runs["files"]
    for options, cost in (
        (["--none-correct", "zero"], 3.5),
        (["--none-correct", "largest"], 6.0),
        (["--cost-model", "cascade"], 5.0),
    ):
        assert main(["oracle", str(correct), "--costs", str(costs), "--format", "json", *options]) == 0
        assert json.loads(capsys.readouterr().out)["oracle"]["cost"] == pytest.approx(cost)


def test_json_non_monotone_accuracies(runs):
    """B (cost 3) is less accurate than A (cost 1): reported, and the closed forms use the
    Pareto states A, C. Accuracies 1/2, 1/4, 3/4; Eq. 9 on A, C: 1 + (10 - 1)(3/4 - 1/2) = 3.25."""
    out = json.loads(runs["non_monotone"])
    assert out["assumptions"]["accuracies_monotone"] is False
    assert out["assumptions"]["violations"] == [
        "Eq. 3: B (cost 3, accuracy 0.2500) is less accurate than the cheaper A (0.5000)"
    ]
    assert out["conservative"]["states_used"] == ["A", "C"]
    assert out["conservative"]["cost"] == pytest.approx(3.25)
    assert out["oracle"]["cost"] == pytest.approx((1 + 1 + 3 + 1) / 4)  # the exact oracle uses B


def test_nested_errors_do_not_break_the_command(runs):
    """Fully nested errors give alpha = 1 exactly; Eq. 8 must accept it (it used to get
    1.0000000000000002 from rounding and exit with an error)."""
    out = json.loads(runs["nested"])
    assert out["alpha"] == [None, 1.0]
    assert out["optimistic"]["cost"] == pytest.approx(out["conservative"]["cost"])


def test_table_is_aligned_with_units(runs):
    text = runs["table"]
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


# --- bad input: the library and the command --------------------------------------------------
GOOD_CORRECT = "a,b\n1,0\n0,1\n"
GOOD_COSTS = "state,cost\na,1\nb,2\n"
# name: (correctness file content or a special path, costs file content, what the message must say)
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
        "<dir>", GOOD_COSTS,
        r"correct\.csv: is a folder; give the path of the correctness matrix file",
    ),
    "binary-file": (
        bytes(range(128, 256)) * 4, GOOD_COSTS,
        r"correct\.csv: cannot read the correctness matrix file \(.*\); give a CSV",
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
        r"correct\.csv: cannot read the correctness matrix file \(.*Expected 2 fields",
    ),
}


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory):
    """Write every bad case and run the command on each."""
    root = tmp_path_factory.mktemp("bad")
    jobs = {}
    for name, (correct, costs, _) in BAD.items():
        folder = root / name
        folder.mkdir()
        correct_path, costs_path = folder / "correct.csv", folder / "costs.csv"
        if correct == "<dir>":
            correct_path.mkdir()
        elif correct is not None:
            write(correct_path, correct)
        if costs is not None:
            write(costs_path, costs)
        jobs[name] = (correct_path, costs_path)
    return jobs, run_all({name: [c, "--costs", k] for name, (c, k) in jobs.items()})


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input(name, bad_runs):
    jobs, runs = bad_runs
    pattern = BAD[name][2]
    with pytest.raises(ValueError, match=pattern) as info:
        load_user_inputs(*jobs[name])
    message = str(info.value)
    assert "\n" not in message
    done = runs[name]
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [f"adaptlib: error: {message}"]
