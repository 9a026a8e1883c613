"""``adaptlib oracle`` on the files practitioners have: wide files with other columns, long logs,
per-instance costs (RouterBench's ``<model>|total_cost``, a cost matrix), lm-evaluation-harness
samples, and refused pickles. Small files made in each test; the command runs in process."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from oracle_cli import oracle, oracle_json

# The hand example of test_cli_oracle.py: A (cost 1), B (3), C (10); x1 -> A, x2 -> B, x3 -> C,
# x4 none right; oracle cost 3.75, accuracy 3/4.
EXAMPLE = {"A": [1, 0, 0, 0], "B": [0, 1, 0, 0], "C": [1, 1, 1, 0]}
COSTS = "state,cost\nA,1\nB,3\nC,10\n"

# Per-instance costs, two states: mean cost a = 5/3 < b = 11/3, so a is S_1. On x1 both are
# right and b is cheaper there: the oracle pays b's 1, not a's 3. x2 -> a (1), x3 -> b (5).
# R_oracle = (1 + 1 + 5) / 3 = 7/3 (first-correct order at mean costs would pay (3 + 1 + 5) / 3).
PER_INSTANCE = "id,a,b,a|total_cost,b|total_cost\nx1,1,1,3,1\nx2,1,0,1,5\nx3,0,1,1,5\n"


def refused(capsys, *args) -> str:
    """The command exits 2 with one line on stderr and nothing on stdout; returns that line."""
    code, out, err = oracle(capsys, *args)
    assert code == 2 and out == "" and "Traceback" not in err, err
    (line,) = err.splitlines()
    return line


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def wide(path: Path, extra: dict | None = None) -> Path:
    columns = dict(extra or {}) | EXAMPLE
    header = ",".join(columns)
    rows = [",".join(str(v[i]) for v in columns.values()) for i in range(4)]
    return write(path, header + "\n" + "\n".join(rows) + "\n")


@pytest.fixture
def costs(tmp_path) -> Path:
    return write(tmp_path / "costs.csv", COSTS)


# --- wide files with columns that are not states ---------------------------------------------
def test_a_prompt_column_is_refused_with_the_option_to_use(tmp_path, costs, capsys):
    """RouteLLM-style: a prompt column beside boolean model columns."""
    path = wide(tmp_path / "routellm.csv", {"prompt": ["What is 2+2?", "Name a color", "Prove it", "Why?"]})
    line = refused(capsys, path, "--costs", costs)
    assert line == (
        f"adaptlib: error: {path}: column 'prompt' is not a 0/1 state column (value 'What is 2+2?' in row 1) and "
        f"has no cost in {costs}; leave it out with --ignore prompt (or name it with --id-column if it identifies "
        "instances, or list the states with --states)"
    )


@pytest.mark.parametrize("options", [["--ignore", "prompt,qid"], ["--id-column", "qid", "--ignore", "prompt"],
                                     ["--states", "A,B,C"]])
def test_id_ignore_and_states_leave_other_columns_out(tmp_path, costs, capsys, options):
    path = wide(tmp_path / "log.csv", {"qid": ["q1", "q2", "q3", "q4"], "prompt": ["a", "b", "c", "d"]})
    out = oracle_json(capsys, path, "--costs", costs, *options)
    assert out["states"] == ["A", "B", "C"]
    assert (out["oracle"]["cost"], out["oracle"]["accuracy"]) == pytest.approx((3.75, 0.75))


def test_a_missing_id_column_is_refused(tmp_path, costs, capsys):
    path = wide(tmp_path / "log.csv")
    assert refused(capsys, path, "--costs", costs, "--id-column", "sample_id") == (
        f"adaptlib: error: {path}: no column 'sample_id' (named by --id-column); columns: A, B, C"
    )


def test_repeated_ids_are_refused(tmp_path, costs, capsys):
    path = wide(tmp_path / "log.csv", {"qid": ["q1", "q2", "q1", "q4"]})
    assert refused(capsys, path, "--costs", costs, "--id-column", "qid") == (
        f"adaptlib: error: {path}, column 'qid': instance id 'q1' in rows 1 and 3; ids must be unique"
    )


# --- per-instance costs ------------------------------------------------------------------------
def test_cost_pattern_prices_each_instance_at_its_own_cost(tmp_path, capsys):
    path = write(tmp_path / "rb.csv", PER_INSTANCE)
    out = oracle_json(capsys, path, "--id-column", "id", "--cost-pattern", "{state}|total_cost")
    assert out["states"] == ["a", "b"] and out["costs"] == pytest.approx([5 / 3, 11 / 3])
    assert out["oracle"]["cost"] == pytest.approx(7 / 3)
    assert out["oracle"]["histogram"] == [1, 2]
    assert any("costs are per instance" in note for note in out["notes"])
    # The closed forms use the mean costs (said in the notes): Eq. 9 = R_1 + (R_2 - R_1)(A_2 - A_1) = 5/3.
    assert out["conservative"]["cost"] == pytest.approx(5 / 3)


def test_routerbench_columns_need_no_other_option(tmp_path, capsys):
    """RouterBench's wide frame: prompt, eval_name, <model>|model_response beside the models; the
    pattern alone decides the states (the columns that have a cost column)."""
    text = ("sample_id,prompt,eval_name,a,a|model_response,a|total_cost,b,b|model_response,b|total_cost\n"
            "x1,p1,mmlu,1,r,3,1,r,1\nx2,p2,mmlu,1,r,1,0,r,5\nx3,p3,gsm8k,0,r,1,1,r,5\n")
    out = oracle_json(capsys, write(tmp_path / "rb.csv", text), "--id-column", "sample_id",
                  "--cost-pattern", "{state}|total_cost")
    assert out["states"] == ["a", "b"] and out["oracle"]["cost"] == pytest.approx(7 / 3)


def test_a_cost_pattern_matching_nothing_is_refused(tmp_path, capsys):
    path = write(tmp_path / "rb.csv", PER_INSTANCE)
    assert refused(capsys, path, "--id-column", "id", "--cost-pattern", "{state}_cost") == (
        f"adaptlib: error: {path}: the cost pattern '{{state}}_cost' matches no column: no state S has a column "
        "named 'S_cost' (columns: id, a, b, a|total_cost, b|total_cost); give the pattern of the cost columns"
    )


def test_a_bad_per_instance_cost_is_named(tmp_path, capsys):
    path = write(tmp_path / "rb.csv", PER_INSTANCE.replace("x2,1,0,1,5", "x2,1,0,-1,5"))
    assert refused(capsys, path, "--id-column", "id", "--cost-pattern", "{state}|total_cost") == (
        f"adaptlib: error: {path}, column 'a|total_cost', row 2: cost '-1'; every cost must be a finite number >= 0"
    )


def test_a_cost_matrix_matched_by_id(tmp_path, capsys):
    correct = write(tmp_path / "correct.csv", "id,a,b\nx1,1,1\nx2,1,0\nx3,0,1\n")
    matrix = write(tmp_path / "costs.csv", "id,b,a\nx3,5,1\nx1,1,3\nx2,5,1\n")  # rows and columns shuffled
    out = oracle_json(capsys, correct, "--id-column", "id", "--cost-matrix", matrix)
    assert out["oracle"]["cost"] == pytest.approx(7 / 3) and out["oracle"]["histogram"] == [1, 2]
    short = write(tmp_path / "short.csv", "id,a,b\nx1,3,1\nx2,1,5\n")
    assert refused(capsys, correct, "--id-column", "id", "--cost-matrix", short) == (
        f"adaptlib: error: {short}: no row for instance 'x3' (column 'id')"
    )


def test_costs_given_twice_or_not_at_all_are_refused(tmp_path, costs, capsys):
    path = wide(tmp_path / "log.csv")
    assert refused(capsys, path) == (
        "adaptlib: error: no costs given: use --costs FILE (columns state,cost), --cost-pattern "
        "'{state}|total_cost' (per-instance cost columns) or --cost-matrix FILE"
    )
    assert "--costs and --cost-matrix both name them" in refused(capsys, path, "--costs", costs, "--cost-matrix", costs)


# --- long format -------------------------------------------------------------------------------
def test_a_long_log_with_costs_per_row(tmp_path, capsys):
    rows = ["x1,a,1,3", "x1,b,1,1", "x2,a,1,1", "x2,b,0,5", "x3,b,1,5", "x3,a,0,1"]
    path = write(tmp_path / "long.csv", "instance,state,correct,cost\n" + "\n".join(rows) + "\n")
    out = oracle_json(capsys, path, "--long")
    assert out["states"] == ["a", "b"] and out["oracle"]["cost"] == pytest.approx(7 / 3)


def test_a_long_log_with_a_costs_file(tmp_path, costs, capsys):
    rows = [f"x{x + 1},{s},{EXAMPLE[s][x]}" for x in range(4) for s in "CAB"]
    path = write(tmp_path / "long.csv", "qid,state,correct\n" + "\n".join(rows) + "\n")
    out = oracle_json(capsys, path, "--long", "--id-column", "qid", "--costs", costs)
    assert out["oracle"]["cost"] == pytest.approx(3.75)


@pytest.mark.parametrize("rows, message", [
    (["x1,a,1", "x1,b,0", "x2,a,1"], "instance 'x2' has no row for state 'b'; every instance needs one row per state"),
    (["x1,a,1", "x1,b,0", "x1,a,0"], "row 3: instance 'x1' and state 'a' already have a row"),
    (["x1,a,1", "x1,b,2"], "column 'correct', row 2: value '2'; every cell must be 0/1 or true/false"),
])
def test_a_long_log_is_checked(tmp_path, costs, capsys, rows, message):
    path = write(tmp_path / "long.csv", "instance,state,correct\n" + "\n".join(rows) + "\n")
    write(costs, "state,cost\na,1\nb,2\n")
    assert message in refused(capsys, path, "--long", "--costs", costs)


# --- pickles -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["routerbench_0shot.pkl", "disguised.csv"])
def test_a_pickle_is_never_loaded(tmp_path, costs, capsys, name):
    path = tmp_path / name
    path.write_bytes(pickle.dumps({"a": [1, 0]}, protocol=4))
    line = refused(capsys, path, "--costs", costs)
    assert line.startswith(f"adaptlib: error: {path}: is a Python pickle, which adaptlib does not load "
                           "(unpickling can run any code); convert it where you trust it, e.g. pandas.read_pickle(")


# --- lm-evaluation-harness --log_samples ---------------------------------------------------------
def lm_eval_run(root: Path, scores: dict[str, dict[str, list]], metric: str = "acc", filters=("none",)) -> Path:
    """One folder per model, one samples_<task>_<timestamp>.jsonl per task, as lm_eval writes them."""
    for model, tasks in scores.items():
        folder = root / model
        folder.mkdir(parents=True)
        for task, values in tasks.items():
            with (folder / f"samples_{task}_2024-05-13T14-22-10.123456.jsonl").open("w") as handle:
                for flt in filters:
                    for doc_id, value in values:
                        record = {"doc_id": doc_id, "doc": {"question": f"q{doc_id}"}, "target": "A",
                                  "arguments": [], "resps": [], "filtered_resps": [], "filter": flt,
                                  "metrics": [metric], "doc_hash": f"h{doc_id}", metric: value}
                        handle.write(json.dumps(record) + "\n")
    return root


def test_lm_eval_samples_joined_on_doc_id(tmp_path, capsys):
    """Two tasks, two models (the files list documents in different orders)."""
    root = lm_eval_run(tmp_path / "out", {
        "small": {"arc": [(0, 1.0), (1, 0.0), (2, 0.0)], "boolq": [(0, 0.0)]},
        "large": {"arc": [(2, 1.0), (0, 1.0), (1, 0.0)], "boolq": [(0, 1.0)]},
    })
    costs = write(tmp_path / "costs.csv", "state,cost\nsmall,1\nlarge,4\n")
    labels = tmp_path / "labels.csv"
    out = oracle_json(capsys, "--lm-eval", root, "--costs", costs, "--labels", labels)
    assert out["states"] == ["small", "large"] and out["instances"] == 4
    assert out["accuracies"] == pytest.approx([0.25, 0.75])
    assert out["oracle"]["cost"] == pytest.approx((1 + 4 + 4 + 1) / 4)  # arc:1 unsolved, at the cheapest
    assert labels.read_text().splitlines() == [
        "instance,state", "arc:0,small", "arc:1,none", "arc:2,large", "boolq:0,large"]
    only_arc = oracle_json(capsys, "--lm-eval", root, "--costs", costs, "--task", "arc")
    assert only_arc["instances"] == 3


def test_lm_eval_mismatched_doc_ids_are_refused(tmp_path, capsys):
    root = lm_eval_run(tmp_path / "out", {"small": {"arc": [(0, 1.0), (1, 0.0)]},
                                          "large": {"arc": [(0, 1.0), (2, 0.0)]}})
    costs = write(tmp_path / "costs.csv", "state,cost\nsmall,1\nlarge,4\n")
    assert refused(capsys, "--lm-eval", root, "--costs", costs) == (
        "adaptlib: error: the doc_ids of the models differ: 'large' has doc_id 2 of task 'arc', 'small' does not "
        "('large': 2 documents, 'small': 2); run every model on the same documents (the same tasks and --limit)"
    )


def test_lm_eval_filters_and_metrics(tmp_path, capsys):
    root = lm_eval_run(tmp_path / "out", {"small": {"gsm8k": [(0, 1.0), (1, 0.0)]},
                                          "large": {"gsm8k": [(0, 1.0), (1, 1.0)]}},
                       metric="exact_match", filters=("strict-match", "flexible-extract"))
    costs = write(tmp_path / "costs.csv", "state,cost\nsmall,1\nlarge,4\n")
    line = refused(capsys, "--lm-eval", root, "--costs", costs, "--metric", "exact_match")
    assert line.endswith("records of 2 filters (flexible-extract, strict-match); choose one with --lm-eval-filter")
    out = oracle_json(capsys, "--lm-eval", root, "--costs", costs, "--metric", "exact_match",
                  "--lm-eval-filter", "strict-match")
    assert out["accuracies"] == pytest.approx([0.5, 1.0])
    line = refused(capsys, "--lm-eval", root, "--costs", costs, "--lm-eval-filter", "strict-match")
    assert line.endswith("no metric 'acc' (this record has: exact_match); choose one with --metric")


def test_lm_eval_scores_that_are_not_0_or_1_are_refused(tmp_path, capsys):
    root = lm_eval_run(tmp_path / "out", {"small": {"squad": [(0, 0.5)]}, "large": {"squad": [(0, 1.0)]}},
                       metric="f1")
    costs = write(tmp_path / "costs.csv", "state,cost\nsmall,1\nlarge,4\n")
    line = refused(capsys, "--lm-eval", root, "--costs", costs, "--metric", "f1")
    assert line.endswith("metric 'f1' is 0.5 on doc_id 0, not 0 or 1; the oracle needs right or wrong per document: "
                         "choose a 0/1 metric with --metric (acc, exact_match, ...)")


def test_lm_eval_options_need_lm_eval(tmp_path, costs, capsys):
    assert refused(capsys, wide(tmp_path / "log.csv"), "--costs", costs, "--metric", "exact_match") == (
        "adaptlib: error: --metric is for lm-evaluation-harness samples; add --lm-eval"
    )
