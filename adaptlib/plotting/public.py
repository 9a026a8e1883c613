"""Fig. 3 of the paper (Sec. 3.2): public families and envelopes on the accuracy-cost plane.

One panel per context: (a) ImageNet with EfficientNet, ViT and the SOTA envelope; (b)
HellaSwag with Pythia, Llama-2 and the SOTA envelope. Each family's states are joined in cost
order; the Oracle Agent's operating points of Table 1 are marked: alpha = 1 (Eq. 9, a star)
and alpha = alpha_min (Eq. 8, a diamond), with the paper's printed points hollow beside them.

Taught in chapter 04.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from adaptlib.analysis.public_bounds import (
    CONTEXT,
    ENVELOPE_KEYS,
    TABLE1_KEYS,
    convert_costs,
)
from adaptlib.core.states import StateSpace
from adaptlib.plotting.style import colors, finish, log_cost_axis, new_figure

ENVELOPE_COLOR = "0.45"
CONSERVATIVE_MARKER = "*"
OPTIMISTIC_MARKER = "D"


def context_keys(context: str) -> tuple[str, ...]:
    """The Table 1 rows of one context, families first: ``"ImageNet"`` or ``"HellaSwag"``."""
    keys = tuple(k for k in TABLE1_KEYS if CONTEXT[k] == context)
    if not keys:
        raise ValueError(f"context must be one of {', '.join(sorted(set(CONTEXT.values())))}; got {context!r}")
    return keys


def plot_public_bounds(
    context: str,
    reproduced: pd.DataFrame,
    spaces: Mapping[str, StateSpace],
    printed: pd.DataFrame | None = None,
    *,
    show_optimistic: bool = True,
    ax: Axes | None = None,
) -> Figure:
    """Fig. 3 (a) or (b): accuracy (%) against cost (log axis) for one context.

    ``reproduced`` is :func:`adaptlib.analysis.public_bounds.reproduce_table1` (rows by key), ``spaces`` the
    matching :func:`adaptlib.analysis.public_bounds.table1_spaces`; ``printed`` (optional) the paper's Table 1
    (:func:`adaptlib.datasets.public.paper_table1`), whose points are drawn hollow, converted to the
    reproduced cost unit. The envelope is grey; families take the book's palette.
    """
    keys = context_keys(context)
    missing = [k for k in keys if k not in reproduced.index or k not in spaces]
    if missing:
        raise ValueError(f"reproduced and spaces need the rows {', '.join(missing)} of Table 1")
    units = reproduced.loc[list(keys), "cost_unit"].unique()
    if len(units) != 1:
        raise ValueError(f"{context}: rows mix cost units {sorted(units)}; convert them to one unit first")
    unit = str(units[0])
    paper = None if printed is None else printed.set_index("key")
    if ax is None:
        fig, ax = new_figure(width=6.4, height=5.4)
    else:
        fig = ax.figure
    family_colors = iter(colors(len(keys)))
    for key in keys:
        row, space = reproduced.loc[key], spaces[key]
        is_envelope = key in ENVELOPE_KEYS
        color = ENVELOPE_COLOR if is_envelope else next(family_colors)
        label = (f"SOTA envelope, {row['pool']}: {len(space)} models" if is_envelope
                 else f"{row['family']} ({len(space)} states)")
        ax.plot(space.costs, 100.0 * space.accuracies, "-o", color=color, label=label,
                markersize=3 if is_envelope else 5, linewidth=1.2 if is_envelope else 1.8,
                alpha=0.8 if is_envelope else 1.0, zorder=2)
        _oracle_markers(ax, row, color, filled=True, show_optimistic=show_optimistic)
        # Ratio labels: families below right of their star, the envelope above left.
        offset, align = ((-8, 6), "right") if is_envelope else ((8, -11), "left")
        ax.annotate(f"{row['R_ratio_a1']:.1f}x", (row["R_oracle_a1"], row["A_N_pct"]),
                    xytext=offset, textcoords="offset points", ha=align, fontsize=9,
                    color=color, fontweight="bold", zorder=5,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.6})
        if paper is not None and key in paper.index:
            shown = paper.loc[key].copy()
            for column in ("R_oracle_a1", "R_oracle_amin"):
                shown[column] = float(convert_costs(shown[column], str(shown["cost_unit"]), unit))
            _oracle_markers(ax, shown, color, filled=False, show_optimistic=show_optimistic)
    log_cost_axis(ax, unit)
    ax.set_ylabel("accuracy (%)")
    handles, labels = ax.get_legend_handles_labels()
    handles += _marker_handles(show_optimistic, printed is not None)
    labels += _marker_labels(show_optimistic, printed is not None)
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2,
              columnspacing=1.2, handlelength=1.6)
    return finish(fig)


def _oracle_markers(ax: Axes, row: pd.Series, color, *, filled: bool, show_optimistic: bool) -> None:
    style = ({"markerfacecolor": color, "markeredgecolor": "black", "markeredgewidth": 0.7} if filled
             else {"markerfacecolor": "none", "markeredgecolor": color, "markeredgewidth": 1.4})
    ax.plot([row["R_oracle_a1"]], [row["A_N_pct"]], CONSERVATIVE_MARKER, markersize=13 if filled else 11,
            zorder=4 if filled else 3, **style)
    if show_optimistic and np.isfinite(row["R_oracle_amin"]):
        ax.plot([row["R_oracle_amin"]], [row["A_oracle_amin_pct"]], OPTIMISTIC_MARKER,
                markersize=7 if filled else 6, zorder=4 if filled else 3, **style)


def _marker_handles(show_optimistic: bool, with_paper: bool) -> list[Line2D]:
    def handle(marker, filled):
        face = "0.5" if filled else "none"
        return Line2D([], [], marker=marker, linestyle="", markerfacecolor=face, markeredgecolor="0.2",
                      markersize=10 if marker == CONSERVATIVE_MARKER else 6)

    handles = [handle(CONSERVATIVE_MARKER, True)]
    if show_optimistic:
        handles.append(handle(OPTIMISTIC_MARKER, True))
    if with_paper:
        handles.append(handle(CONSERVATIVE_MARKER, False))
    return handles


def _marker_labels(show_optimistic: bool, with_paper: bool) -> list[str]:
    labels = [r"oracle, $\alpha = 1$ (Eq. 9), label $R_{ratio}$"]
    if show_optimistic:
        labels.append(r"oracle, $\alpha = \alpha_{min}$ (Eq. 8)")
    if with_paper:
        labels.append("hollow: the paper's point")
    return labels
