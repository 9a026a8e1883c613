"""Chapter 9's figures (adaptlib.plotting.proofs) draw what they claim."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from adaptlib import StateSpace, greedy_selection, optimal_selection
from adaptlib.plotting.proofs import plot_greedy_and_optimal, plot_step_and_linear

SPACE = StateSpace.from_arrays(["a", "b", "c", "d", "e"], [0.0, 1.0, 2.0, 4.0, 6.0],
                               np.array([0, 3, 4, 6, 7]) / 7)


def test_step_and_linear_shades_one_triangle_per_segment_and_zooms():
    fig = plot_step_and_linear(SPACE, "FLOPs")
    full, zoom = fig.axes
    assert len(full.patches) == len(SPACE) - 1
    assert len(zoom.patches) == 2  # the cheaper half: 3 states, 2 segments
    assert full.get_xlabel() == "cost per instance (FLOPs)" and not full.get_title()
    # stacked in rows, within the book's column (at most 6.5 in wide)
    assert fig.get_figwidth() <= 6.5 and zoom.get_position().y1 < full.get_position().y0


def test_selections_draw_both_subsets_with_their_bounds():
    greedy, best = greedy_selection(SPACE, 4), optimal_selection(SPACE, 4)
    fig = plot_greedy_and_optimal(SPACE, greedy, best, "GMACs", log_cost=True)
    ax = fig.axes[0]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any(label.startswith("greedy") and f"{greedy.point.cost:.4g}" in label for label in labels)
    assert any(label.startswith("optimal") and f"{best.point.cost:.4g}" in label for label in labels)
    assert ax.get_xscale() == "log" and "log scale" in ax.get_xlabel()
    assert fig.get_figwidth() <= 6.5
    assert min(text.get_fontsize() for text in ax.texts) >= 9  # the state names
