"""The readers of adaptlib.datasets (wide, long, lm-eval) give the same UserLog for the same data,
in the cost order of Eq. 2, and refuse in one line what they cannot read."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from adaptlib.datasets.lm_eval import load_lm_eval
from adaptlib.datasets.logs import load_long
from adaptlib.datasets.user import load_user_inputs, load_wide

WIDE = "qid,C,A,B,router\nq1,1,1,0,C\nq2,1,0,1,A\nq3,1,0,0,B\n"  # columns not in cost order
COSTS = "state,cost\nA,1\nB,3\nC,10\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_wide_and_long_give_the_same_log(tmp_path):
    costs = write(tmp_path / "costs.csv", COSTS)
    log = load_wide(write(tmp_path / "w.csv", WIDE), costs, id_column="qid", routers=["router"])
    assert log.space.names == ("A", "B", "C")
    np.testing.assert_array_equal(log.matrix, [[1, 0, 1], [0, 1, 1], [0, 0, 1]])
    assert list(log.ids) == ["q1", "q2", "q3"] and log.id_name == "qid"
    assert log.routers["router"].tolist() == [2, 0, 1]  # C, A, B as positions in cost order
    rows = [f"{q},{s},{v},{r}" for q, values, r in (("q1", "110", "C"), ("q2", "101", "A"), ("q3", "100", "B"))
            for s, v in zip("CAB", values)]
    long = load_long(write(tmp_path / "l.csv", "qid,state,correct,router\n" + "\n".join(rows) + "\n"), costs,
                     id_column="qid", routers=["router"])
    np.testing.assert_array_equal(long.matrix, log.matrix)
    assert long.space.names == log.space.names and long.routers["router"].tolist() == [2, 0, 1]
    assert long.instance_costs is None


def test_load_user_inputs_is_the_wide_reader(tmp_path):
    costs = write(tmp_path / "costs.csv", COSTS)
    correct = write(tmp_path / "c.csv", "C,A,B\n1,1,0\n0,0,1\n")
    matrix, space = load_user_inputs(correct, costs)
    log = load_wide(correct, costs)
    np.testing.assert_array_equal(matrix, log.matrix)
    assert space.names == log.space.names and log.ids is None and log.instance_ids.tolist() == [1, 2]


def test_constant_cost_columns_are_costs_per_state(tmp_path):
    log = load_wide(write(tmp_path / "w.csv", "a,b,a|c,b|c\n1,0,2,5\n0,1,2,5\n"), cost_pattern="{state}|c")
    assert log.instance_costs is None and log.space.costs.tolist() == [2.0, 5.0]


@pytest.mark.parametrize("pattern", ["cost", "{state}{state}", "{model}|cost"])
def test_a_malformed_cost_pattern_is_refused(tmp_path, pattern):
    with pytest.raises(ValueError, match=r"--cost-pattern .* must hold \{state\} once"):
        load_wide(write(tmp_path / "w.csv", "a,b\n1,0\n"), cost_pattern=pattern)


def samples(folder: Path, task: str, records: list[dict], stamp: str = "2024-05-13T14-22-10.123456") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"samples_{task}_{stamp}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))


def test_lm_eval_checks_the_documents(tmp_path):
    costs = write(tmp_path / "costs.csv", "state,cost\nm1,1\nm2,2\n")
    samples(tmp_path / "out" / "m1", "arc", [{"doc_id": 0, "doc_hash": "x", "acc": 1}])
    samples(tmp_path / "out" / "m2", "arc", [{"doc_id": 0, "doc_hash": "y", "acc": 0}])
    with pytest.raises(ValueError, match=r"doc_id 0 of task 'arc' is another document for 'm2' than for 'm1'"):
        load_lm_eval(tmp_path / "out", costs)
    samples(tmp_path / "out" / "m2", "arc", [{"doc_id": 0, "doc_hash": "x", "acc": True}], stamp="2024-06-01T09-00-00.5")
    with pytest.raises(ValueError, match=r"2 runs of task 'arc'"):
        load_lm_eval(tmp_path / "out", costs)
    for path in (tmp_path / "out" / "m2").glob("samples_arc_2024-05-13T14-22-10.123456.jsonl"):
        path.unlink()
    log = load_lm_eval(tmp_path / "out", costs)
    assert log.matrix.tolist() == [[True, True]] and log.ids.tolist() == ["arc:0"]
    samples(tmp_path / "out" / "m1", "boolq", [{"doc_id": 0, "acc": 1}])
    with pytest.raises(ValueError, match=r"model 'm2' has no samples of task 'boolq' \(it has: arc\)"):
        load_lm_eval(tmp_path / "out", costs)
    assert load_lm_eval(tmp_path / "out", costs, tasks=["arc"]).matrix.shape == (1, 2)
    (tmp_path / "out" / "notes").mkdir()
    with pytest.raises(ValueError, match=r"notes: no samples_<task>_\*\.jsonl file"):
        load_lm_eval(tmp_path / "out", costs, tasks=["arc"])
    assert load_lm_eval(tmp_path / "out", costs, tasks=["arc"], states=["m1", "m2"]).space.names == ("m1", "m2")
