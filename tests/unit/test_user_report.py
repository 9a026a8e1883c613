"""``adaptlib report``, the fast parts: refusals before any kernel starts, the report's tables
(adaptlib.analysis.user_report), its figure, and its template. One execution of the template
is in tests/integration/test_user_report_run.py."""
from __future__ import annotations

import argparse
import importlib.resources
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from adaptlib import exact_oracle
from adaptlib.analysis.user_report import bootstrap_tables, frontier_comparison, state_table
from adaptlib.book import user_report
from adaptlib.book.paths import BOOK_DIR, REPO_ROOT
from adaptlib.cli import main
from adaptlib.core.states import OperatingPoint
from adaptlib.plotting.user_report import plot_report
from adaptlib.report import oracle_summary

# The hand-computable example of tests/unit/test_cli_oracle.py: states A (cost 1), B (3), C (10);
# R_oracle = 3.75, A_oracle = 3/4, alpha_B = 2/3, alpha_C = 1, the oracle sends 2, 1, 1 and
# leaves one instance unsolved.
EXAMPLE_CORRECT = "C,A,B\n1,1,0\n1,0,1\n1,0,0\n0,0,0\n"
EXAMPLE_COSTS = "state,cost\nB,3\nC,10\nA,1\n"


@pytest.fixture
def files(tmp_path):
    correct, costs = tmp_path / "correct.csv", tmp_path / "costs.csv"
    correct.write_text(EXAMPLE_CORRECT)
    costs.write_text(EXAMPLE_COSTS)
    return correct, costs


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if the report would start a kernel (papermill's execute_notebook)."""
    import papermill

    def refuse(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(papermill, "execute_notebook", refuse)


def report(capsys, *args) -> tuple[int, str, str]:
    code = main(["report", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, *args) -> str:
    """The one line of a refusal (exit status 2, nothing on stdout)."""
    code, out, err = report(capsys, *args)
    assert code == 2 and out == "", (code, out, err)
    assert len(err.splitlines()) == 1, err
    return err


@pytest.mark.parametrize("correct, costs, expected", [
    ("C,A,B\n1,1,0\n", None, "no such file"),
    ("C,A,B\n1,2,0\n", EXAMPLE_COSTS, "column 'A', row 1: value '2'"),
    (EXAMPLE_CORRECT, "state,cost\nB,3\nC,10\n", "state 'A' is a column of"),
    (EXAMPLE_CORRECT, "state,cost\nA,1\nB,3\nC,10\nD,20\n", "state 'D' has a cost"),
])
def test_bad_files_are_refused_in_one_line_before_a_kernel(capsys, tmp_path, no_kernel, correct, costs, expected):
    (tmp_path / "correct.csv").write_text(correct)
    if costs is not None:
        (tmp_path / "costs.csv").write_text(costs)
    out = tmp_path / "out"
    err = refused(capsys, tmp_path / "correct.csv", "--costs", tmp_path / "costs.csv", "-o", out)
    assert err.startswith("adaptlib: error: ") and expected in err
    assert not out.exists()  # nothing written for bad input


@pytest.mark.parametrize("options, expected", [
    (["--n-boot", "5"], "--n-boot 5: give at least 10"),
    (["--unit", " "], "--unit is empty"),
    (["--seed", "-1"], "--seed -1"),
    (["--level", "1"], "--level 1: give a level from 0.5"),
])
def test_bad_options_are_refused_before_a_kernel(capsys, tmp_path, files, no_kernel, options, expected):
    assert expected in refused(capsys, files[0], "--costs", files[1], "-o", tmp_path / "out", *options)


@pytest.mark.parametrize("inside", [BOOK_DIR / "reports", REPO_ROOT / "data" / "mine", BOOK_DIR])
def test_an_output_folder_inside_book_or_data_is_refused(capsys, files, no_kernel, inside):
    err = refused(capsys, files[0], "--costs", files[1], "-o", inside)
    assert "which holds the book's own files" in err and not (inside.exists() and inside != BOOK_DIR)


def test_an_output_folder_that_is_a_file_is_refused(capsys, tmp_path, files, no_kernel):
    taken = tmp_path / "taken"
    taken.write_text("")
    assert "is a file" in refused(capsys, files[0], "--costs", files[1], "-o", taken)


def test_without_papermill_the_command_names_the_book_extra(capsys, tmp_path, files, monkeypatch):
    monkeypatch.setitem(sys.modules, "papermill", None)  # `import papermill` now fails
    err = refused(capsys, files[0], "--costs", files[1], "-o", tmp_path / "out")
    assert "'papermill'" in err and "pip install 'adaptlib[book]'" in err


def test_the_options_default_to_the_papers_rules_and_the_template_ships_with_the_package():
    parser = argparse.ArgumentParser()
    user_report.register(parser.add_subparsers())
    args = parser.parse_args(["report", "m.csv", "--costs", "c.csv"])
    assert (args.unit, args.none_correct, args.cost_model, args.n_boot, args.seed) == (
        "cost units", "cheapest", "routing", 1000, 0)
    template = importlib.resources.files("adaptlib.book") / user_report.TEMPLATE
    nb = nbformat.reads(template.read_text(encoding="utf-8"), as_version=4)
    (parameters,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    for name in ("correct_path", "costs_path", "unit", "none_correct", "cost_model", "n_boot", "seed", "level"):
        assert f"{name}: " in parameters.source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "the template is stored stripped"
    assert "templates/*.ipynb" in (REPO_ROOT / "pyproject.toml").read_text()


def example_oracle(**options):
    matrix = np.array([[1, 1, 0], [1, 0, 1], [1, 0, 0], [0, 0, 0]], bool)[:, [1, 2, 0]]  # A, B, C
    return matrix, exact_oracle(matrix, [1.0, 3.0, 10.0], ["A", "B", "C"], **options)


def test_the_state_table_holds_the_oracle_statistics_of_the_hand_example():
    _, result = example_oracle()
    frame = state_table(result)
    assert list(frame.index) == ["A", "B", "C"]
    np.testing.assert_allclose(frame["accuracy"], [0.25, 0.25, 0.75])
    np.testing.assert_allclose(frame["alpha"], [np.nan, 2 / 3, 1.0])
    assert frame["sent"].tolist() == [1, 1, 1] and result.n_none == 1


def test_bootstrap_intervals_bracket_the_estimates_and_follow_the_seed():
    matrix, result = example_oracle()
    alpha, oracle = bootstrap_tables(matrix, result, n_boot=200, seed=3, level=0.9)
    assert list(alpha.index) == ["B", "C"] and list(oracle.index) == ["R_oracle", "A_oracle"]
    np.testing.assert_allclose(alpha["estimate"], [2 / 3, 1.0])
    np.testing.assert_allclose(oracle["estimate"], [3.75, 0.75])
    assert (oracle["low"] <= oracle["estimate"]).all() and (oracle["estimate"] <= oracle["high"]).all()
    again, _ = bootstrap_tables(matrix, result, n_boot=200, seed=3, level=0.9)
    other, _ = bootstrap_tables(matrix, result, n_boot=200, seed=4, level=0.9)
    assert again.equals(alpha) and not other.equals(alpha)


def test_the_frontier_ends_at_the_exact_oracle_and_the_hull_at_the_largest_state():
    matrix, result = example_oracle()
    comparison = frontier_comparison(matrix, result)
    assert comparison.frontier.end == pytest.approx((3.75, 0.75))
    assert comparison.hull.at(10.0) == pytest.approx(0.75)
    budgets = comparison.budgets
    assert list(budgets.index) == ["R of B", "R_oracle", "R of C"]  # in budget order; A left out
    assert (budgets["gain"] >= -1e-12).all()  # per-instance knowledge never loses
    assert budgets.loc["R_oracle", "frontier"] == pytest.approx(0.75)
    assert comparison.scale == "log" and comparison.mean_frontier >= comparison.mean_hull


def test_under_cascade_the_frontier_pays_every_state_up_to_the_chosen_one():
    matrix, result = example_oracle(cost_model="cascade")
    comparison = frontier_comparison(matrix, result)
    assert comparison.frontier.end == pytest.approx((result.cost, 0.75))
    assert result.cost == pytest.approx((1 + 4 + 14 + 1) / 4)  # A, A+B, A+B+C, unsolved at A



@pytest.mark.parametrize("rule", ["largest", "zero"])
def test_the_frontier_prices_the_unsolved_instances_by_the_rule(rule):
    """The frontier ends at the exact oracle under every none_correct rule (x4: no state right)."""
    matrix, result = example_oracle(none_correct=rule)
    assert frontier_comparison(matrix, result).frontier.end == pytest.approx((result.cost, 0.75))

@pytest.mark.parametrize("zero_cost", [False, True])
def test_the_figure_passes_the_book_style_with_a_log_or_a_linear_cost_axis(zero_cost):
    matrix, _ = example_oracle()
    costs = [0.0, 3e-4, 1e-3] if zero_cost else [1.2e-4, 4.5e-4, 3.1e-3]
    result = exact_oracle(matrix, costs, ["A", "B", "C"])
    comparison = frontier_comparison(matrix, result)
    conservative = oracle_summary(result, matrix)["conservative"]
    bounds = {"Eq. 9": OperatingPoint(conservative["cost"], conservative["accuracy"])}
    fig = plot_report(result.space, comparison.frontier, comparison.hull, result.point, bounds, "USD")
    (ax,) = fig.axes
    assert ax.get_xscale() == ("linear" if zero_cost else "log")
    assert "USD" in ax.get_xlabel()
    assert {t.get_text() for t in ax.texts} == {"A", "B", "C"}
    assert len(fig.legends[0].get_texts()) == 5  # hull, frontier, states, oracle, Eq. 9


def test_the_written_files_are_named_in_the_last_line(monkeypatch, capsys, tmp_path, files):
    """run() with papermill replaced by a copy of the template: what is written, and said."""
    import papermill

    def fake_execute(template, output, **kwargs):
        nb = nbformat.read(template, as_version=4)
        assert kwargs["parameters"]["correct_path"] == str(files[0].resolve())
        assert Path(kwargs["cwd"]) == (tmp_path / "new" / "deeper").resolve()
        nbformat.write(nb, output)  # papermill writes the executed notebook where it is told
        return nb

    monkeypatch.setattr(papermill, "execute_notebook", fake_execute)
    code, out, err = report(capsys, files[0], "--costs", files[1], "-o", tmp_path / "new" / "deeper")
    folder = (tmp_path / "new" / "deeper").resolve()
    assert code == 0 and err == ""
    assert (folder / "report.ipynb").is_file() and (folder / "report.html").is_file()
    assert str(folder / "report.ipynb") in out and str(folder / "report.html") in out
    page = (folder / "report.html").read_text()
    assert ".book-table" in page and "correct_path: str" not in page  # styles in; parameters cell out
