"""adaptlib.plotting.style: figures are refused when their text is too small to read or a panel is empty."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from adaptlib.plotting.style import COLUMN_PX, MIN_TEXT_PX, finish, new_figure, smallest_text_px, use_book_style  # noqa: E402


def test_a_figure_of_the_book_size_reads_at_the_column_width():
    use_book_style()
    fig, ax = new_figure()
    ax.plot([1, 2], [3, 4], label="a state")
    ax.legend()
    assert smallest_text_px(fig) >= MIN_TEXT_PX
    assert finish(fig) is fig


def test_a_wide_figure_is_shrunk_and_its_text_refused():
    use_book_style()
    fig, axes = new_figure(1, 2, width=2.2 * COLUMN_PX / 105)
    for ax in axes:
        ax.plot([1, 2])
    with pytest.raises(ValueError, match=r"figure text of \d+\.\d px .*\(stack panels in rows\)"):
        finish(fig)


def test_tiny_text_is_refused():
    use_book_style()
    fig, ax = new_figure()
    ax.plot([1, 2])
    ax.annotate("small print", (1, 1), fontsize=5)
    with pytest.raises(ValueError, match="figure text"):
        finish(fig)


def test_an_empty_panel_is_refused():
    use_book_style()
    fig, axes = new_figure(2, 2, height=6)
    for ax in list(axes.flat)[:3]:
        ax.plot([1, 2])
    with pytest.raises(ValueError, match=r"1 empty panel\(s\) \(axes \[3\]\)"):
        finish(fig)


def test_small_tick_labels_are_refused_without_drawing_the_figure():
    """Tick labels have no text until drawn; their size comes from the tick parameters."""
    use_book_style()
    fig, ax = new_figure()
    ax.plot([1, 2])
    ax.tick_params(axis="y", labelsize=5)
    with pytest.raises(ValueError, match="figure text"):
        finish(fig)
    fig, ax = new_figure()
    ax.plot([1, 2])
    ax.tick_params(axis="y", labelsize=5, labelleft=False)  # hidden labels do not count
    assert finish(fig) is fig
