"""What ``adaptlib oracle`` prints beyond the oracle and the bounds: the budgeted oracle frontier and
the mixed single states with their AUC and APGR, the cost of a target accuracy, a router scored
against both, bootstrap intervals, labels, a figure, CSV, and the streaming engines; with the
cost model and the unsolved-price rule reaching every number. Hand-computed on the example of
test_cli_oracle.py: A (cost 1), B (3), C (10); x1 -> A, x2 -> B, x3 -> C, x4 none right."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from oracle_cli import oracle, oracle_json

CORRECT = "C,A,B,r,s\n1,1,0,C,A\n1,0,1,B,B\n1,0,0,C,C\n0,0,0,A,A\n"  # r, s: two routers' choices
COSTS = "state,cost\nB,3\nC,10\nA,1\n"


@pytest.fixture
def files(tmp_path) -> tuple[Path, Path]:
    (tmp_path / "correct.csv").write_text(CORRECT)
    (tmp_path / "costs.csv").write_text(COSTS)
    return tmp_path / "correct.csv", tmp_path / "costs.csv"


def base(files, *options) -> list:
    correct, costs = files
    return [correct, "--costs", costs, "--ignore", "r,s", *options]


def test_frontier_hull_auc_and_apgr_by_hand(files, capsys):
    """Frontier: every instance at A (cost 1, accuracy 1/4), then x2 to B (+2 cost, slope 1/2), then
    x3 to C (+9, slope 1/9): vertices (1, 1/4), (1.5, 1/2), (3.75, 3/4). Over budgets [1, 10]:
    AUC = [0.5 (1/4 + 1/2)/2 + 2.25 (1/2 + 3/4)/2 + 6.25 (3/4)] / 9 = 6.28125 / 9, and APGR =
    (AUC - 1/4) / (3/4 - 1/4). The mixed states run from A (1, 1/4) to C (10, 3/4) (B lies below):
    AUC = 1/2, APGR = 1/2, RouteLLM's random router."""
    out = oracle_json(capsys, *base(files, "--frontier", "--target-accuracy", "0.5", "--target-accuracy", "0.75"))
    frontier = out["frontier"]
    assert frontier["range"] == [1.0, 10.0]
    assert frontier["oracle"]["cost"] == pytest.approx([1, 1.5, 3.75])
    assert frontier["oracle"]["accuracy"] == pytest.approx([0.25, 0.5, 0.75])
    assert frontier["hull"]["cost"] == pytest.approx([1, 10]) and frontier["hull"]["accuracy"] == pytest.approx([0.25, 0.75])
    auc = 6.28125 / 9
    assert frontier["oracle"]["auc"] == pytest.approx(auc)
    assert frontier["oracle"]["apgr"] == pytest.approx((auc - 0.25) / 0.5)
    assert (frontier["hull"]["auc"], frontier["hull"]["apgr"]) == pytest.approx((0.5, 0.5))
    # Accuracy 1/2: the frontier at 1.5; the mix at 1 + 9 (1/2 - 1/4) / (3/4 - 1/4) = 5.5. Accuracy 3/4: 3.75 and 10.
    assert [v for t in frontier["targets"] for v in (t["accuracy"], t["oracle_cost"], t["hull_cost"])] == pytest.approx(
        [0.5, 1.5, 5.5, 0.75, 3.75, 10.0])
    assert frontier["oracle"]["cost"][-1] == pytest.approx(out["oracle"]["cost"])  # its end is the exact oracle


def test_the_table_shows_the_routing_metrics(files, capsys):
    code, text, err = oracle(capsys, *base(files, "--target-accuracy", "0.5", "--unit", "GFLOPs"))
    assert code == 0 and err == ""
    lines = text.splitlines()
    assert any(line.split() == ["budgeted", "oracle", "frontier", f"{100 * 6.28125 / 9:.2f}%", "0.896"] for line in lines)
    assert any(line.split() == ["single", "states", "mixed", "50.00%", "0.500"] for line in lines)
    assert any(line.split() == ["50.00%", "1.5", "5.5"] for line in lines)


def test_a_router_scored_against_the_oracle_and_the_hull(files, capsys):
    """Router r sends x1, x3 to C, x2 to B, x4 to A: cost (10 + 3 + 10 + 1) / 4 = 6, accuracy 3/4.
    At cost 6 the frontier has 3/4, the mix 1/4 + (5/9)(1/2); the frontier reaches 3/4 at 3.75,
    the mix at 10. r agrees with the oracle's labels (A, B, C, none) on x2, x3."""
    out = oracle_json(capsys, *base(files, "--router", "r"))
    r = out["routers"]["r"]
    assert (r["cost"], r["accuracy"]) == pytest.approx((6.0, 0.75))
    assert r["oracle_accuracy_at_cost"] == pytest.approx(0.75)
    assert r["hull_accuracy_at_cost"] == pytest.approx(0.25 + 5 / 18)
    assert (r["oracle_cost_for_accuracy"], r["hull_cost_for_accuracy"]) == pytest.approx((3.75, 10.0))
    assert r["gain_share_at_cost"] == pytest.approx(1.0)
    assert (r["agrees_with_oracle"], r["missed"]) == pytest.approx((0.5, 0.0))
    # Two router columns: one router at two settings, whose envelope gets an AUC and a gain share.
    # s = the oracle's choices on x1-x3 (cost (1 + 3 + 10 + 1) / 4 = 3.75, accuracy 3/4) dominates r.
    both = oracle_json(capsys, *base(files, "--router", "r,s"))
    assert both["routers"]["s"]["cost"] == pytest.approx(3.75)
    assert both["frontier"]["router"]["cost"] == pytest.approx([3.75])
    assert "gain_share" in both["frontier"]["router"]


def test_a_router_naming_an_unknown_state_is_refused(tmp_path, capsys):
    (tmp_path / "c.csv").write_text("a,b,r\n1,0,a\n0,1,gpt-5\n")
    (tmp_path / "k.csv").write_text("state,cost\na,1\nb,2\n")
    code, out, err = oracle(capsys, tmp_path / "c.csv", "--costs", tmp_path / "k.csv", "--router", "r")
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"adaptlib: error: {tmp_path / 'c.csv'}, column 'r' (--router), row 2: 'gpt-5' is not a state (states: a, b); "
        "the router column must name the state chosen for each instance"
    ]


def test_cascade_and_unsolved_rule_reach_every_number(files, capsys):
    """Cascade: stopping at A, B, C pays 1, 4, 14. Oracle (1 + 4 + 14 + 1) / 4 = 5; frontier
    (1, 1/4), (1 + 3/4, 1/2), (5, 3/4); Eq. 9 on the paid costs: 1 + 3 (0) + 13 (1/2) = 7.5;
    router r pays (14 + 4 + 14 + 1) / 4. With free unsolved instances (zero): Eq. 9 moves by
    (0 - 1)(1 - A_N) = -1/4, the frontier starts at 3/4 and ends at the oracle's 4.75."""
    out = oracle_json(capsys, *base(files, "--cost-model", "cascade", "--router", "r"))
    assert out["oracle"]["cost"] == pytest.approx(5.0)
    assert out["frontier"]["oracle"]["cost"] == pytest.approx([1, 1.75, 5])
    assert out["conservative"]["cost"] == pytest.approx(7.5)
    assert out["routers"]["r"]["cost"] == pytest.approx(33 / 4)
    assert any(note.startswith("cost model cascade:") for note in out["notes"])
    out = oracle_json(capsys, *base(files, "--cost-model", "cascade", "--none-correct", "zero", "--frontier"))
    assert out["conservative"]["cost"] == pytest.approx(7.25)
    assert out["frontier"]["oracle"]["cost"] == pytest.approx([0.75, 1.5, 4.75])
    assert out["frontier"]["oracle"]["cost"][-1] == pytest.approx(out["oracle"]["cost"])
    out = oracle_json(capsys, *base(files, "--none-correct", "largest"))
    assert out["conservative"]["cost"] == pytest.approx(5.5 + 9 * 0.25)  # x4's share priced at R_N, not R_1


def test_labels_under_both_cost_models(files, tmp_path, capsys):
    labels = tmp_path / "labels.csv"
    for model in ("routing", "cascade"):
        assert oracle(capsys, *base(files, "--cost-model", model, "--labels", labels))[0] == 0
        assert labels.read_text().splitlines() == ["row,state", "1,A", "2,B", "3,C", "4,none"]
    code, out, err = oracle(capsys, *base(files, "--labels", tmp_path / "no" / "labels.csv"))
    assert code == 2 and "does not exist; create it or give another --labels path" in err


def test_bootstrap_intervals_are_seeded_and_bracket_the_estimates(files, capsys):
    first = oracle_json(capsys, *base(files, "--bootstrap", "200", "--seed", "3", "--router", "r"))
    again = oracle_json(capsys, *base(files, "--bootstrap", "200", "--seed", "3", "--router", "r"))
    assert first["bootstrap"] == again["bootstrap"]
    intervals = first["bootstrap"]["intervals"]
    assert set(intervals) == {"oracle accuracy", "oracle cost", "alpha[B]", "alpha[C]", "router r cost",
                              "router r accuracy"}
    for key, estimate in (("oracle accuracy", 0.75), ("oracle cost", 3.75), ("router r cost", 6.0)):
        low, high = intervals[key]
        assert low <= estimate <= high, key
    assert oracle_json(capsys, *base(files, "--bootstrap", "200", "--seed", "4"))["bootstrap"] != first["bootstrap"]


def test_csv_output(files, capsys):
    code, out, err = oracle(capsys, *base(files, "--frontier", "--format", "csv"))
    assert code == 0 and err == ""
    rows = dict(list(csv.reader(io.StringIO(out)))[1:])
    assert float(rows["oracle.cost"]) == pytest.approx(3.75)
    assert float(rows["accuracies[C]"]) == pytest.approx(0.75)
    assert float(rows["frontier.oracle.apgr"]) == pytest.approx((6.28125 / 9 - 0.25) / 0.5)
    assert rows["alpha[A]"] == ""  # undefined for the first state


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_plot(files, tmp_path, capsys, suffix, magic):
    path = tmp_path / f"plane{suffix}"
    assert oracle(capsys, *base(files, "--router", "r", "--plot", path))[0] == 0
    assert path.read_bytes().startswith(magic)
    code, out, err = oracle(capsys, *base(files, "--plot", tmp_path / "plane.pdf"))
    assert code == 2 and "give a file name ending in .png or .svg" in err


def test_per_instance_costs_reach_the_frontier_and_the_router(tmp_path, capsys):
    """a, b with per-instance costs (see test_cli_oracle_inputs.py): the frontier starts at each
    instance's cheapest option (x1 at b's 1: right; x2, x3 at a's 1) = (1, 2/3) and ends at the
    oracle's 7/3; the router choosing a everywhere pays (3 + 1 + 1) / 3."""
    (tmp_path / "rb.csv").write_text("id,a,b,a|c,b|c,r\nx1,1,1,3,1,a\nx2,1,0,1,5,a\nx3,0,1,1,5,a\n")
    out = oracle_json(capsys, tmp_path / "rb.csv", "--id-column", "id", "--cost-pattern", "{state}|c", "--router", "r",
                  "--bootstrap", "50")
    assert out["frontier"]["oracle"]["cost"] == pytest.approx([1, 7 / 3])
    assert out["frontier"]["oracle"]["accuracy"] == pytest.approx([2 / 3, 1])
    assert (out["routers"]["r"]["cost"], out["routers"]["r"]["accuracy"]) == pytest.approx((5 / 3, 2 / 3))
    low, high = out["bootstrap"]["intervals"]["oracle cost"]
    assert 1 <= low <= 7 / 3 <= high <= 5


def test_the_chunked_engine_gives_the_same_oracle(files, tmp_path, capsys):
    correct, costs = files
    (tmp_path / "plain.csv").write_text("".join(",".join(line.split(",")[:3]) + "\n" for line in CORRECT.splitlines()))
    memory = oracle_json(capsys, tmp_path / "plain.csv", "--costs", costs)
    assert oracle_json(capsys, tmp_path / "plain.csv", "--costs", costs, "--engine", "chunked") == memory
    code, out, err = oracle(capsys, correct, "--costs", costs, "--engine", "chunked", "--router", "r")
    assert code == 2 and err.splitlines() == [
        "adaptlib: error: --router needs the log in memory (per-instance data); use --engine memory, or with "
        "--engine chunked give a wide file, --costs and at most --states, --id-column, --labels"
    ]


def test_the_chunked_engine_on_states_that_break_eq3(tmp_path, capsys):
    """B is less accurate than the cheaper A: the closed forms use A and C, whose oracle the
    chunked engine measures in a second pass."""
    (tmp_path / "c.csv").write_text("A,B,C\n1,0,1\n1,0,1\n0,1,1\n0,0,0\n")
    (tmp_path / "k.csv").write_text(COSTS)
    memory = oracle_json(capsys, tmp_path / "c.csv", "--costs", tmp_path / "k.csv")
    assert memory["conservative"]["states_used"] == ["A", "C"]
    assert oracle_json(capsys, tmp_path / "c.csv", "--costs", tmp_path / "k.csv", "--engine", "chunked") == memory


@pytest.mark.slow
@pytest.mark.integration
def test_the_command_does_not_import_matplotlib_unless_asked(files, tmp_path):
    correct, costs = files
    probe = ("import sys; from adaptlib.cli import main; "
             f"main(['oracle', {str(correct)!r}, '--costs', {str(costs)!r}, '--ignore', 'r,s', '--frontier', "
             "'--router', 'r']); print(sorted(m for m in ('matplotlib', 'scipy', 'sklearn', 'seaborn') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize("options, message", [
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler tcp://127.0.0.1:8786 is for the dask engine; add --engine "
                                              "dask or drop --scheduler"),
    (["--bootstrap", "5"], "--bootstrap 5: give at least 10 resamples (1000 is usual)"),
    (["--long", "--lm-eval"], "--long and --lm-eval name two formats; give one"),
])
def test_options_that_do_not_fit_are_refused(files, capsys, options, message):
    code, out, err = oracle(capsys, *base(files, *options))
    assert code == 2 and out == "" and err.splitlines() == [f"adaptlib: error: {message}"]


def test_the_vertex_table_lists_each_budget_once(tmp_path, capsys):
    """The frontier and the mix both start at R_1; rounding (0.00024 vs 0.00024000000000000003)
    must not print that budget twice."""
    (tmp_path / "c.csv").write_text("strong,weak\n1,1\n0,0\n1,0\n1,1\n1,0\n")
    (tmp_path / "k.csv").write_text("state,cost\nweak,0.00024\nstrong,0.0031\n")
    code, out, err = oracle(capsys, tmp_path / "c.csv", "--costs", tmp_path / "k.csv", "--frontier")
    assert code == 0, err
    rows = out.split("mixed states\n", 1)[1].strip().splitlines()
    budgets = [row.split()[0] for row in rows if row.strip()]
    assert len(budgets) == len(set(budgets)) == 3, rows
