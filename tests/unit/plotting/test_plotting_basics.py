"""The figures of chapters 1-3 (adaptlib.plotting.basics): they draw what they claim to."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from adaptlib import StateSpace, exact_oracle
from adaptlib.analysis.alpha_profiles import flatness_table
from adaptlib.analysis.oracle_agent import two_state_table
from adaptlib.core.states import eq3_breaks, pareto_dropped
from adaptlib.plotting.basics import (
    VIOLATION_COLOR,
    format_cost,
    plot_accuracy_cost,
    plot_alpha_profiles,
    plot_label_histogram,
    plot_two_state_confusion,
)

BROKEN = StateSpace.from_arrays(list("abcde"), [1, 2, 4, 8, 16], [0.5, 0.7, 0.65, 0.7, 0.9])
CLEAN = StateSpace.from_arrays(list("pqr"), [3, 30, 300], [0.6, 0.8, 0.95])


def test_eq3_breaks_and_pareto_agree_with_states():
    assert eq3_breaks(BROKEN).tolist() == [2]  # c is less accurate than b
    assert len([v for v in BROKEN.assumptions().violations if v.startswith("Eq. 3")]) == 1
    assert pareto_dropped(BROKEN).tolist() == [2, 3]  # c and d: no better than b
    assert eq3_breaks(CLEAN).size == 0 and pareto_dropped(CLEAN).size == 0


def test_accuracy_cost_marks_violations():
    fig = plot_accuracy_cost({"broken": BROKEN, "clean": CLEAN})
    ax = fig.axes[0]
    assert isinstance(fig, Figure) and ax.get_xscale() == "log"
    crosses = [line for line in ax.lines if line.get_marker() == "x"]
    assert len(crosses) == 1
    np.testing.assert_allclose(crosses[0].get_xdata(), [4.0])
    np.testing.assert_allclose(crosses[0].get_ydata(), [65.0])
    assert matplotlib.colors.same_color(crosses[0].get_color(), VIOLATION_COLOR)
    hollow = [
        line
        for line in ax.lines
        if line.get_marker() == "o" and line.get_markerfacecolor() == "white"
    ]
    np.testing.assert_allclose(hollow[0].get_xdata(), [4.0, 8.0])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["broken", "clean", "dropped by pareto()", "breaks Eq. 3"]


def test_accuracy_cost_without_violations_has_no_extra_legend():
    fig = plot_accuracy_cost({"clean": CLEAN})
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["clean"]
    with pytest.raises(ValueError, match="spaces is empty"):
        plot_accuracy_cost({})


def test_two_state_heatmap_shows_counts_and_costs():
    small = np.array([1] * 5 + [1] + [0] * 3 + [0], bool)
    large = np.array([1] * 5 + [0] + [1] * 3 + [0], bool)
    table = two_state_table(small, large, 1000.0, 16000.0)
    fig = plot_two_state_confusion(table, "tiny", "big")
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 4
    assert "5 (50.0%)" in texts[0] and "3 (30.0%)" in texts[2] and "16 kFLOPs" in texts[2]
    assert "oracle uses tiny" in texts[3]  # II: the paper's rule pays the cheapest state
    outline = [p for p in ax.patches if not p.get_fill()]
    assert len(outline) == 1 and outline[0].get_xy() == (
        0,
        1,
    )  # column 0 (big right), row 1 (tiny wrong)
    with pytest.raises(ValueError, match="two_state_table"):
        plot_two_state_confusion(table.drop(columns="oracle_cost"), "tiny", "big")


def test_format_cost():
    assert format_cost(16000, "FLOPs") == "16 kFLOPs"
    assert format_cost(2.5e9, "FLOPs") == "2.5 GFLOPs"
    assert format_cost(12, "FLOPs") == "12 FLOPs"


def test_label_histogram_bars_sum_to_all_instances():
    matrix = np.array([[1, 1], [0, 1], [0, 0], [1, 0]], bool)
    result = exact_oracle(matrix, [1.0, 5.0], ["s", "l"])
    fig = plot_label_histogram(result)
    heights = [p.get_height() for p in fig.axes[0].patches]
    np.testing.assert_allclose(heights, [50.0, 25.0, 25.0])
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["s", "l", "none right"]


def test_alpha_profiles_one_series_per_family():
    rng = np.random.default_rng(0)
    matrix = rng.random((300, 4)) < [0.6, 0.7, 0.8, 0.9]
    profiles, summary = flatness_table(
        {"A": (matrix, [1, 2, 3, 4], None), "B": (matrix[:, :3], [1, 2, 3], None)}, n_boot=50
    )
    fig = plot_alpha_profiles(profiles, summary)
    ax = fig.axes[0]
    assert len(ax.containers) == 2  # one errorbar series per family
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A", "B"]
    assert len([line for line in ax.lines if line.get_linestyle() == "--"]) == 2
    assert [int(t) for t in ax.get_xticks()] == [2, 3, 4]
    with pytest.raises(ValueError, match="lacks column"):
        plot_alpha_profiles(profiles.drop(columns="low"))


def test_alpha_profiles_of_orderings_put_each_state_at_one_place():
    from adaptlib.analysis.alpha_profiles import ordering_profiles

    rng = np.random.default_rng(2)
    matrix = rng.random((300, 4)) < [0.7, 0.6, 0.75, 0.8]  # the first two tie in cost
    profiles, _ = ordering_profiles(matrix, [4, 4, 5, 9], list("abcd"), n_boot=50)
    fig = plot_alpha_profiles(profiles, x="position", tick_labels=dict(enumerate("abcd", 1)))
    ax = fig.axes[0]
    assert len(ax.containers) == 3  # cost order, ties reversed, Pareto front
    assert [t.get_text() for t in ax.get_xticklabels()] == list("abcd")
    assert ax.get_xlabel() == "state (cost order)"
    with pytest.raises(ValueError, match="lacks column"):
        plot_alpha_profiles(profiles.drop(columns="position"), x="position")


@pytest.mark.parametrize(
    "mode, expected", [("all", list("abcde")), ("marked", ["c", "d"]), ("none", [])]
)
def test_accuracy_cost_labels(mode, expected):
    fig = plot_accuracy_cost({"broken": BROKEN}, label_states=mode)
    assert [t.get_text() for t in fig.axes[0].texts] == expected
    with pytest.raises(ValueError, match="label_states"):
        plot_accuracy_cost({"broken": BROKEN}, label_states=True)


def test_figures_fit_the_book_column():
    """Every figure of chapters 1-3 fits the 680 px column with text of at least 10 px there."""
    from adaptlib.plotting.style import MIN_TEXT_PX, smallest_text_px

    matrix = np.array([[1, 1], [0, 1], [0, 0], [1, 0]], bool)
    table = two_state_table(matrix[:, 0], matrix[:, 1], 1000.0, 16000.0)
    rng = np.random.default_rng(0)
    sample = rng.random((300, 4)) < [0.6, 0.7, 0.8, 0.9]
    profiles, summary = flatness_table({"A": (sample, [1, 2, 3, 4], None)}, n_boot=50)
    figures = [
        plot_accuracy_cost({"broken": BROKEN, "clean": CLEAN}, label_states="all"),
        plot_two_state_confusion(table, "tiny", "big"),
        plot_label_histogram(exact_oracle(matrix, [1.0, 5.0], ["s", "l"])),
        plot_alpha_profiles(profiles, summary),
    ]
    for fig in figures:
        assert fig.get_figwidth() <= 6.5
        assert smallest_text_px(fig) >= MIN_TEXT_PX
