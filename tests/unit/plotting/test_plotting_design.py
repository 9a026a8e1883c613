"""Tests of adaptlib.plotting.design: each figure of chapters 6-8 draws what its caption says."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from adaptlib import StateSpace
from adaptlib.analysis import adaptation_costs, continuous_adaptation, design_spaces, state_selection
from adaptlib.plotting import design as plots

SPACE = StateSpace.from_arrays(list("abcde"), [1, 2, 3, 4, 9], [0.1, 0.6, 0.8, 0.9, 0.9])
OTHER = StateSpace.from_arrays(list("pqr"), [1, 10, 100], [0.5, 0.7, 0.8])


def _lines_with(ax, style: str):
    return [line for line in ax.get_lines() if line.get_linestyle() == style]


def test_fig5_exact_and_greedy_curves_and_brute_force_marks():
    curves = {"five": state_selection.selection_curve(SPACE), "three": state_selection.selection_curve(OTHER)}
    checks = {"five": state_selection.brute_force_check(SPACE)}
    fig = plots.plot_selection_curves({"(a) both": curves}, checks)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    solid, dashed = _lines_with(ax, "-"), _lines_with(ax, "--")
    assert len(solid) == 2 and len(dashed) == 2
    exact_five = solid[0].get_ydata()
    greedy_five = dashed[0].get_ydata()
    assert np.all(exact_five >= greedy_five - 1e-12) and exact_five[2] > greedy_five[2]
    squares = [line for line in ax.get_lines() if line.get_marker() == "s"]
    assert len(squares) == 1 and np.allclose(squares[0].get_ydata(), exact_five)
    with pytest.raises(ValueError, match="panels"):
        plots.plot_selection_curves({})


def test_fig6_one_panel_per_size_and_one_red_dot_after_k2():
    path = state_selection.selection_path(SPACE, 5)
    fig = plots.plot_selection_path(SPACE, path, "FLOPs", ncols=2)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(path) == 4
    reds = [sum(line.get_color() == plots.ADDED_COLOR for line in ax.get_lines()) for ax in visible]
    assert reds == [0, 1, 1, 1]
    with pytest.raises(ValueError, match="empty"):
        plots.plot_selection_path(SPACE, path.iloc[:0], "FLOPs")


def test_eq10_waterfall_starts_at_the_dynamic_range_and_ends_at_the_bound():
    fig = plots.plot_eq10_contributions(SPACE, "FLOPs")
    ax = fig.axes[0]
    bars = ax.patches  # horizontal bars, read from the top: their lengths are the bounds
    assert len(bars) == 1 + (len(SPACE) - 1) + 1
    assert bars[0].get_width() == pytest.approx(1 + 0.8 * 8)  # R_1 + (A_N - A_1)(R_N - R_1)
    assert bars[-1].get_width() == pytest.approx(2.2)  # Eq. 9
    assert [t.get_text() for t in ax.get_yticklabels()][1:-1] == list("bcde")  # one name a state
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # the dynamic range on top
    assert min(t.get_fontsize() for t in ax.get_yticklabels()) >= 9


def test_eq10_waterfall_names_every_few_states_of_a_large_space():
    n = 130
    big = StateSpace.from_arrays([f"s{i}" for i in range(n)], np.arange(1, n + 1),
                                 np.linspace(0.1, 0.9, n))
    ax = plots.plot_eq10_contributions(big, "FLOPs").axes[0]
    assert len(ax.patches) == n + 1 and len(ax.get_yticks()) <= 61


def test_chapter7_figures():
    fig = plots.plot_envelope_curves(OTHER, "GMACs")
    assert len(fig.axes[0].get_lines()) == 4
    assert "GMACs" in fig.axes[0].get_xlabel()
    approaches = {i: continuous_adaptation.continuum_approach(OTHER, [0, 1, 3], i) for i in continuous_adaptation.INTERPOLATIONS}
    fig = plots.plot_continuum_approach(state_selection.selection_curve(OTHER), approaches)
    dotted = _lines_with(fig.axes[0], ":")
    assert [line.get_ydata()[0] for line in dotted] == pytest.approx(
        [approaches[i]["continuous_r_ratio"].iloc[0] for i in continuous_adaptation.INTERPOLATIONS])


def test_chapter8_figures():
    named = {"a": design_spaces.NamedSpace("a", "A", SPACE, "u", 10, ()),
             "b": design_spaces.NamedSpace("b", "B", OTHER, "u", 10, ())}
    table = adaptation_costs.break_even(named)
    fig = plots.plot_break_even(table)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 2
    # at beta_0 / R_N -> 0 the break-even beta_1 is R_ratio - 1 (lines drawn largest R_ratio first)
    assert sorted(line.get_ydata()[0] for line in lines) == pytest.approx(
        sorted(table["R_ratio"] - 1), rel=1e-3)
    fig = plots.plot_overhead_curves(SPACE, "u", [0.0, 1.0])
    assert len(fig.axes[0].get_lines()) == 3
    fig = plots.plot_dynamic_range(adaptation_costs.dynamic_range_pairs(SPACE), "u")
    assert len(fig.axes[0].get_lines()) == 4
    with pytest.raises(ValueError, match="empty"):
        plots.plot_dynamic_range(adaptation_costs.dynamic_range_pairs(SPACE).iloc[:0], "u")


def test_many_curves_differ_in_colour_style_and_marker():
    styles = plots.line_styles(9)
    keys = {(tuple(s["color"]), s["ls"], s["marker"]) for s in styles}
    assert len(keys) == 9 and len({tuple(s["color"]) for s in styles}) == 9
    assert all(set(s) == {"color"} for s in plots.line_styles(4))  # few curves: colour alone
    named = {f"s{i}": design_spaces.NamedSpace(f"s{i}", f"S{i}", space, "u", 10, ())
             for i, space in enumerate([SPACE, OTHER] * 5)}
    table = adaptation_costs.break_even(named).iloc[:9]
    lines = plots.plot_break_even(table).axes[0].get_lines()
    assert len({(line.get_color(), line.get_linestyle(), line.get_marker()) for line in lines}) == 9
