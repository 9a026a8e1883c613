"""Fig. 4 of the paper (Sec. 3.3): constant-alpha bounds against the exact Oracle Agent.

For a family with per-instance correctness the figure shows, on the accuracy-cost plane:

- the constant-alpha line of Eq. 8, from alpha = 0 (every error of S_1 fixed by S_2, accuracy
  1) to alpha = 1 (the conservative bound of Eq. 9, accuracy A_N);
- the point at the measured alpha_min (the paper's optimistic bound, Table 1), with the
  bootstrap interval of alpha_min drawn along the line;
- the exact oracle (Definition 2.1, Eq. 4-5) with bootstrap intervals of its cost and accuracy;
- the region of operating points an adaptive agent can reach.

The numbers come from :mod:`adaptlib.analysis.empirical_bounds`; this module only draws them.

Taught in chapter 05.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, NullFormatter

from adaptlib.analysis.empirical_bounds import (
    EmpiricalBounds,
    constant_alpha_line,
    constant_alpha_segment,
    guaranteed_region,
)
from adaptlib.core.bounds import eq8_constant_alpha, eq9_conservative
from adaptlib.core.states import StateSpace
from adaptlib.plotting.style import colors, finish, log_cost_axis, new_figure

# ------------------------------------------------------------------ the reachable region


# ------------------------------------------------------------------ bounds of one family


# ------------------------------------------------------------------ drawing

def plot_empirical_bounds(results: Sequence[EmpiricalBounds], *, ncols: int | None = None,
                          zoom: bool = True) -> Figure:
    """Fig. 4 for families with per-instance data: one panel per :class:`EmpiricalBounds`.

    ``zoom`` shows where the bounds and the oracle sit: accuracies from three times the largest
    state's error rate below A_N up to 100%, costs from the cheapest point of the line to three
    times the dearest of the bounds and the oracle's interval; without it the whole region
    shows, down to the worst agent (each instance sent to a wrong state)."""
    if not results:
        raise ValueError("results is empty; give at least one family's empirical_bounds()")
    fig, used, spare = _panels(len(results), ncols, row_height=3.2)
    palette = colors(4)
    for ax, result in zip(used, results):
        _draw_family(ax, result, palette, zoom)
    _legend(fig, spare, *_fig4_legend(palette, any(r.dropped for r in results)))
    return finish(fig)


def _panels(n: int, ncols: int | None, *, row_height: float) -> tuple[Figure, list[Axes], list[Axes]]:
    """A grid of ``n`` panels, two per row by default, in the column's width (6.4 in). Returns
    the figure, the ``n`` panels and the spare cells of the last row (kept for the legend,
    see :func:`_legend`)."""
    ncols = min(n, 2) if ncols is None else ncols
    if ncols < 1:
        raise ValueError(f"ncols must be at least 1; got {ncols!r}")
    nrows = -(-n // ncols)
    spare_cells = nrows * ncols - n
    height = row_height * nrows + (0.0 if spare_cells else 1.1)
    fig, axes = new_figure(nrows, ncols, width=6.4, height=height, squeeze=False)
    cells = list(axes.flat)
    return fig, cells[:n], cells[n:]


def _legend(fig: Figure, spare: Sequence[Axes], handles: list, labels: list[str]) -> None:
    """The figure's legend: in the first spare cell of the grid when there is one (the other
    spare cells are removed, so no panel stays empty), else below the panels."""
    if spare:
        host, *rest = spare
        for ax in rest:
            ax.remove()
        host.axis("off")
        host.legend(handles, labels, loc="center", borderaxespad=0.0, handlelength=1.6)
    else:
        fig.legend(handles, labels, loc="outside lower center", ncol=2, columnspacing=1.2,
                   handlelength=1.6)


def _draw_family(ax: Axes, result: EmpiricalBounds, palette, zoom: bool) -> None:
    region_color, line_color, min_color, _ = palette
    outline = densify(result.region.vertices)
    ax.fill(outline[:, 0], 100.0 * outline[:, 1], color=region_color, alpha=0.18, linewidth=0, zorder=1)
    upper = densify(result.region.upper_boundary(), closed=False)
    ax.plot(upper[:, 0], 100.0 * upper[:, 1], color=region_color, linewidth=0.9, zorder=2)
    space, every = result.space, result.oracle.space
    ax.plot(space.costs, 100.0 * space.accuracies, "o", color="0.35", markersize=4, zorder=3)
    off = np.array([s not in space.names for s in every.names])
    if off.any():  # dominated states: in the exact oracle and the region, not in Eq. 8-9
        ax.plot(every.costs[off], 100.0 * every.accuracies[off], "o", markerfacecolor="none",
                markeredgecolor="0.35", markersize=4, zorder=3)
    line = result.line()
    ax.plot(line["cost"], 100.0 * line["accuracy"], "-", color=line_color, linewidth=1.6, zorder=3)
    span = constant_alpha_segment(space, result.alpha_min_low, result.alpha_min_high)
    ax.plot(span["cost"], 100.0 * span["accuracy"], "-", color=min_color, linewidth=5, alpha=0.6,
            solid_capstyle="butt", zorder=4)
    for point, marker, color in ((result.conservative, "s", line_color),
                                 (result.optimistic, "D", min_color)):
        ax.plot([point.cost], [100.0 * point.accuracy], marker, color=color, markeredgecolor="black",
                markeredgewidth=0.6, markersize=6, zorder=5)
    exact, ci = result.oracle.point, result.intervals
    ax.errorbar([exact.cost], [100.0 * exact.accuracy],
                xerr=[[exact.cost - ci.loc["cost", "low"]], [ci.loc["cost", "high"] - exact.cost]],
                yerr=[[100.0 * (exact.accuracy - ci.loc["accuracy", "low"])],
                      [100.0 * (ci.loc["accuracy", "high"] - exact.accuracy)]],
                fmt="*", color="black", markersize=11, capsize=2, linewidth=1, zorder=6)
    if zoom:
        top = 100.0 * float(space.accuracies[-1])
        ax.set_ylim(max(top - 3.0 * (100.0 - top), 0.0), 100.5)
        shown = [float(line["cost"].min()), float(space.costs[0]), result.conservative.cost,
                 float(ci.loc["cost", "high"])]
        ax.set_xlim(0.8 * min(shown), 3.0 * max(shown))
    else:
        ax.set_ylim(max(100.0 * result.region.vertices[:, 1].min() - 3.0, 0.0), 101.0)
    log_cost_axis(ax, result.unit)
    ax.set_ylabel("accuracy (%)")
    _label_minor_ticks(ax)
    ax.text(0.97, 0.04, result.name, transform=ax.transAxes, fontsize=9, fontweight="bold", ha="right")


def _fig4_legend(palette, with_dominated: bool) -> tuple[list, list[str]]:
    region_color, line_color, min_color, _ = palette
    handles = [
        Patch(color=region_color, alpha=0.3),
        Line2D([], [], marker="o", linestyle="", color="0.35", markersize=4),
        Line2D([], [], color=line_color, linewidth=1.6),
        Line2D([], [], marker="s", linestyle="", color=line_color, markeredgecolor="black"),
        Line2D([], [], marker="D", linestyle="-", color=min_color, markeredgecolor="black"),
        Line2D([], [], marker="*", linestyle="", color="black", markersize=10),
    ]
    labels = ["reachable by an adaptive agent", "states (measured $R_i$, $A_i$)",
              r"Eq. 8, $\alpha$ from 0 (top) to 1", r"$\alpha = 1$ (Eq. 9)",
              r"$\alpha_{min}$ (Eq. 8); bar: its interval",
              "exact oracle (every state), with intervals"]
    if with_dominated:
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="none",
                              markeredgecolor="0.35", markersize=4))
        labels.append("dominated states (not in Eq. 8-9)")
    return handles, labels


def _label_minor_ticks(ax: Axes) -> None:
    """On a log cost axis that shows fewer than two powers of ten, label the minor ticks at
    2 and 5 times a power of ten (so that the axis has numbers to read); else leave them bare."""
    low, high = np.log10(ax.get_xlim())
    if np.floor(high) - np.ceil(low) + 1 >= 2:
        ax.xaxis.set_minor_formatter(NullFormatter())
        return

    def label(value: float, _position) -> str:
        exponent = np.floor(np.log10(value) + 1e-9)
        mantissa = value / 10.0 ** exponent
        keep = np.isclose(mantissa, 2.0) or np.isclose(mantissa, 5.0)
        return f"${mantissa:.0f} \\times 10^{{{exponent:.0f}}}$" if keep else ""

    ax.xaxis.set_minor_formatter(FuncFormatter(label))


def densify(points: np.ndarray, per_edge: int = 24, closed: bool = True) -> np.ndarray:
    """Points along each straight edge, so that a polygon drawn on a log axis keeps its
    straight (in data units) edges as curves."""
    points = np.asarray(points, dtype=float)
    ends = np.vstack([points[1:], points[:1]]) if closed else points[1:]
    starts = points[: len(ends)]
    t = np.linspace(0.0, 1.0, per_edge, endpoint=False)[None, :, None]
    inner = starts[:, None, :] + t * (ends - starts)[:, None, :]
    out = inner.reshape(-1, 2)
    return out if closed else np.vstack([out, points[-1:]])


# ------------------------------------------------------------------ the paper's four families


def plot_constant_alpha_lines(
    spaces: Mapping[str, StateSpace],
    alpha_min: Mapping[str, float],
    units: Mapping[str, str],
    printed: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """Fig. 4 for families known only by their (R_i, A_i): the Eq. 8 line, the alpha_min and
    alpha = 1 points, and the hull of the states and the alpha = 1 point, which any per-instance
    structure lets an agent reach (:func:`guaranteed_region`). ``printed`` (Table 1 as printed,
    keyed by ``key``) adds the paper's two points, hollow."""
    keys = list(spaces)
    if not keys:
        raise ValueError("spaces is empty; give at least one family")
    missing = [k for k in keys if k not in alpha_min or k not in units]
    if missing:
        raise ValueError(f"alpha_min and units need an entry for {', '.join(missing)}")
    paper = None if printed is None else printed.set_index("key")
    fig, used, spare = _panels(len(keys), None, row_height=3.0)
    region_color, line_color, min_color, _ = colors(4)
    for ax, key in zip(used, keys):
        space = spaces[key]
        hull = densify(guaranteed_region(space))
        ax.fill(hull[:, 0], 100.0 * hull[:, 1], color=region_color, alpha=0.18, linewidth=0)
        ax.plot(space.costs, 100.0 * space.accuracies, "o-", color="0.35", markersize=4, linewidth=1)
        line = constant_alpha_line(space)
        ax.plot(line["cost"], 100.0 * line["accuracy"], "-", color=line_color, linewidth=1.6)
        for point, marker, color in ((eq9_conservative(space), "s", line_color),
                                     (eq8_constant_alpha(space, alpha_min[key]), "D", min_color)):
            ax.plot([point.cost], [100.0 * point.accuracy], marker, color=color,
                    markeredgecolor="black", markeredgewidth=0.6, markersize=6, zorder=5)
        if paper is not None and key in paper.index:
            row = paper.loc[key]
            for cost, accuracy, marker, color in ((row["R_oracle_a1"], row["A_N_pct"], "s", line_color),
                                                  (row["R_oracle_amin"], row["A_oracle_amin_pct"], "D", min_color)):
                ax.plot([cost], [accuracy], marker, markerfacecolor="none", markeredgecolor=color,
                        markeredgewidth=1.4, markersize=7, zorder=5)
        log_cost_axis(ax, units[key])
        ax.set_ylabel("accuracy (%)")
        ax.set_ylim(100.0 * float(space.accuracies.min()) - 3.0, 101.0)
        name = (labels or {}).get(key, key)
        _label_minor_ticks(ax)
        ax.text(0.97, 0.95, f"{name}, $\\alpha_{{min}}$ = {alpha_min[key]:.2f}", transform=ax.transAxes,
                fontsize=9, fontweight="bold", ha="right", va="top")
    handles = [
        Patch(color=region_color, alpha=0.3),
        Line2D([], [], marker="o", color="0.35", markersize=4, linewidth=1),
        Line2D([], [], color=line_color, linewidth=1.6),
        Line2D([], [], marker="s", linestyle="", color=line_color, markeredgecolor="black"),
        Line2D([], [], marker="D", linestyle="", color=min_color, markeredgecolor="black"),
    ]
    legend = ["reachable whatever the errors' structure", "public states ($R_i$, $A_i$)",
              r"Eq. 8, $\alpha$ from 0 (top) to 1", r"$\alpha = 1$ (Eq. 9)", r"$\alpha_{min}$ (Eq. 8)"]
    if paper is not None:
        handles.append(Line2D([], [], marker="D", linestyle="", markerfacecolor="none", markeredgecolor="0.3"))
        legend.append("hollow: the paper's points")
    _legend(fig, spare, handles, legend)
    return finish(fig)
