"""One look for every figure of the book: a white grid, a colour-blind-safe palette, PNG output.

Chapters call :func:`use_book_style` once, after their imports; plotting functions in the
other modules of :mod:`adaptlib.plotting` draw on figures from :func:`new_figure` and return
:func:`finish` (fig), so that the cell's value is the figure, shown once, as a PNG that
Jupyter Book numbers and captions from the cell's ``mystnb: figure`` metadata.
"""
from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib import cycler
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.ticker import LogLocator

# seaborn's "colorblind" palette: 10 colours that stay distinct under colour blindness. Written
# out, with seaborn's "whitegrid" look below, so that a chapter does not import seaborn (and
# scipy.stats with it, a second of every run) only for its style.
PALETTE = ("#0173B2", "#DE8F05", "#029E73", "#D55E00", "#CC78BC",
           "#CA9161", "#FBAFE4", "#949494", "#ECE133", "#56B4E9")
WHITEGRID = {
    "axes.axisbelow": True, "axes.edgecolor": ".8", "axes.grid": True, "axes.labelcolor": ".15",
    "axes.linewidth": 1.25, "grid.color": ".8", "grid.linewidth": 1.0, "text.color": ".15",
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True,
    "legend.title_fontsize": 12.0, "xtick.bottom": False, "ytick.left": False,
    "xtick.color": ".15", "ytick.color": ".15", "xtick.major.size": 6.0, "ytick.major.size": 6.0,
    "xtick.major.width": 1.25, "ytick.major.width": 1.25, "xtick.minor.size": 4.0, "ytick.minor.size": 4.0,
    "xtick.minor.width": 1.0, "ytick.minor.width": 1.0,
}
DPI = 105
FIGSIZE = (6.4, 4.0)  # inches: 672 x 420 px at DPI, within the site's text column
COLUMN_PX = 680  # the width of the site's text column at 1,280 px (a wider figure is shrunk)
MIN_TEXT_PX = 10.0  # no text of a figure smaller than this at the column's width
FONT_SIZES = {"font.size": 10, "axes.labelsize": 10, "axes.titlesize": 11, "legend.fontsize": 9,
              "xtick.labelsize": 9, "ytick.labelsize": 9}


def book_rc() -> dict:
    """The matplotlib settings of the book's style."""
    return {
        **WHITEGRID,
        "axes.prop_cycle": cycler(color=PALETTE),
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "figure.figsize": FIGSIZE,
        "figure.constrained_layout.use": True,
        "savefig.format": "png",
        "savefig.bbox": "tight",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "lines.linewidth": 1.8,
        "lines.markersize": 5,
        "svg.hashsalt": "adaptlib",  # stable ids should anyone save SVG
        **FONT_SIZES,
    }


def use_book_style() -> None:
    """Apply the book's style to matplotlib, and 2x PNG output to Jupyter when in a kernel.

    "retina" PNGs have twice the pixels of the figure's size and say so in their metadata,
    which the site honours: sharp on high-density screens, and still sharp when zoomed.
    """
    mpl.rcParams.update(book_rc())
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")


def colors(n: int) -> list[tuple[float, float, float]]:
    """The first ``n`` colours of the book's palette (cycled past 10)."""
    return [to_rgb(PALETTE[i % len(PALETTE)]) for i in range(n)]


def new_figure(nrows: int = 1, ncols: int = 1, *, width: float | None = None, height: float | None = None,
               **kwargs) -> tuple[Figure, Axes | Sequence[Axes]]:
    """``plt.subplots`` with the book's size; ``width``/``height`` in inches override it."""
    size = (width or FIGSIZE[0], height or FIGSIZE[1])
    return plt.subplots(nrows, ncols, figsize=size, **kwargs)


def log_cost_axis(ax: Axes, unit: str, *, axis: str = "x", label: str = "cost per instance") -> Axes:
    """Put costs on a log axis labelled with their unit, e.g. ``cost per instance (GFLOPs, log scale)``.

    Every cost axis of the book states its unit: torchvision's "GFLOPs" count multiply-accumulates
    and calflops' count two per multiply-accumulate (see data/README.md).
    """
    if not unit.strip():
        raise ValueError("log_cost_axis: give the cost unit (e.g. 'GFLOPs', 'MFLOPs'); every cost axis states it")
    if axis not in ("x", "y"):
        raise ValueError(f"log_cost_axis: axis must be 'x' or 'y', not {axis!r}")
    target = ax.xaxis if axis == "x" else ax.yaxis
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    target.set_major_locator(LogLocator(base=10))
    target.set_label_text(f"{label} ({unit}, log scale)")
    return ax


def save_png(fig: Figure, path) -> None:
    """Save ``fig`` as a PNG at twice its DPI, as the chapters show it, with no version stamp.

    For a figure that another page shows as a file (the home page shows chapter 04's Fig. 3).
    """
    fig.savefig(path, format="png", dpi=2 * fig.dpi, metadata={"Software": None})


def smallest_text_px(fig: Figure, column_px: float = COLUMN_PX) -> float:
    """The size in CSS pixels of the figure's smallest visible text, shown at ``column_px``.

    A figure wider than the column is shrunk to it, and its text with it. Tick labels get their
    text only when the figure is drawn, so their size is read from the tick parameters instead
    (drawing the figure once more, only to measure it, took a third of a second a figure).
    """
    width_px = fig.get_figwidth() * fig.dpi
    shrink = min(1.0, column_px / width_px)
    sizes = [text.get_fontsize() for text in fig.findobj(Text)
             if text.get_visible() and text.get_text().strip()]
    sizes += _tick_label_sizes(fig)
    return min(sizes, default=float("inf")) * fig.dpi / 72 * shrink


# The tick parameters that show labels, per axis, and the rc defaults they fall back to.
_LABEL_SIDES = {"x": ("labelbottom", "labeltop"), "y": ("labelleft", "labelright")}


def _tick_label_sizes(fig: Figure) -> list[float]:
    """Font sizes (points) of the tick labels each visible axis shows, major and minor."""
    sizes = []
    for ax in fig.axes:
        if not (ax.get_visible() and ax.axison):
            continue
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            if not axis.get_visible():
                continue
            for which in ("major", "minor"):
                params = axis.get_tick_params(which=which)
                sides = _LABEL_SIDES[name]
                shown = any(params.get(side, mpl.rcParams[f"{name}tick.{side}"]) for side in sides)
                if which == "minor" and len(axis.get_minor_locator()()) == 0:
                    shown = False  # no minor ticks, no minor labels
                if shown:
                    size = params.get("labelsize", mpl.rcParams[f"{name}tick.labelsize"])
                    sizes.append(FontProperties(size=size).get_size_in_points())
    return sizes


def finish(fig: Figure) -> Figure:
    """Close ``fig`` in pyplot (so Jupyter does not show it a second time) and return it.

    The cell's value is then the figure, displayed once as PNG; in a script, save it with
    ``fig.savefig(path)``. A figure whose text would read smaller than ``MIN_TEXT_PX`` at the
    column's width, or with an empty panel, is refused: fix the figure, not the reader's eyes.
    """
    plt.close(fig)
    smallest = smallest_text_px(fig)
    if smallest < MIN_TEXT_PX:
        raise ValueError(
            f"figure text of {smallest:.1f} px at the column's {COLUMN_PX} px (at least {MIN_TEXT_PX:.0f}): "
            "use a larger font or a narrower figure (stack panels in rows)")
    empty = [i for i, ax in enumerate(fig.axes) if ax.get_visible() and ax.axison
             and not (ax.lines or ax.collections or ax.patches or ax.images or ax.texts or ax.tables)]
    if empty:
        raise ValueError(f"figure has {len(empty)} empty panel(s) (axes {empty}): remove them (ax.remove())")
    return fig
