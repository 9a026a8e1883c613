"""Figures of chapters 6-8: state selection (Fig. 5, Fig. 6, Eq. 10), continuous adaptation
(Eq. 11) and adaptation costs (Sec. 4.2, A.4).

Each function draws a new figure from :func:`~adaptlib.plotting.style.new_figure` and returns
it through :func:`~adaptlib.plotting.style.finish`, so a notebook cell shows it once. Titles are
left to the captions; panels carry a short label in their corner.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from adaptlib.analysis import (
    adaptation_costs,
    continuous_adaptation,
    design_spaces,
    state_selection,
)
from adaptlib.core.bounds import eq9_conservative
from adaptlib.core.states import StateSpace
from adaptlib.plotting.style import PALETTE, colors, finish, log_cost_axis, new_figure

ADDED_COLOR = PALETTE[3]  # the red (vermillion) dot of Fig. 6
GREY = "0.6"
WIDTH = 6.4  # inches: every figure of chapters 6-8 fits the site's column unshrunk
R_RATIO_LABEL = r"$R_{ratio}$ ($\alpha = 1$)"
_LINESTYLES = ("-", "--", "-.", ":")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")


def _panel_label(ax, text: str) -> None:
    ax.text(0.0, 1.02, text, transform=ax.transAxes, va="bottom", ha="left", fontsize=10,
            fontweight="bold")


def line_styles(n: int) -> list[dict]:
    """Matplotlib keywords that tell ``n`` curves apart: a colour of the book's colour-blind
    palette each and, from seven curves on, a line style and a marker too (so that curves of
    near hues, or any curve in grey print, stay distinguishable)."""
    styles = []
    for i, color in enumerate(colors(n)):
        style = {"color": color}
        if n > 6:
            style.update(ls=_LINESTYLES[i % len(_LINESTYLES)], marker=_MARKERS[i % len(_MARKERS)])
        styles.append(style)
    return styles


def plot_selection_curves(panels: Mapping[str, Mapping[str, pd.DataFrame]],
                          checks: Mapping[str, pd.DataFrame] | None = None) -> Figure:
    """Fig. 5: R_ratio against the number of states k, exact optimum (solid, dots) and
    Algorithm 1 (dashed, crosses), one colour per space; open squares where brute force
    confirmed the exact value.

    ``panels`` maps a panel label to {space label: :func:`adaptlib.analysis.state_selection.selection_curve`};
    ``checks`` maps a space label to its :func:`adaptlib.analysis.state_selection.brute_force_check`.
    Two panels a row; a panel with several spaces has its legend below it, off the curves.
    """
    if not panels:
        raise ValueError("panels is empty; give at least one panel of selection curves")
    n = len(panels)
    ncols = 2 if n > 1 else 1
    nrows = int(np.ceil(n / ncols))
    fig, axes = new_figure(nrows, ncols, width=WIDTH, height=3.1 * nrows + 0.5, squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.remove()
    for ax, (panel, curves) in zip(axes.ravel(), panels.items()):
        for color, (label, curve) in zip(colors(len(curves)), curves.items()):
            for algorithm, style, marker in (("exact", "-", "o"), ("greedy", "--", "x")):
                rows = curve[curve["algorithm"] == algorithm].sort_values("k")
                ax.plot(rows["k"], rows["r_ratio"], style, marker=marker, color=color,
                        markersize=4, label=label if algorithm == "exact" else None)
            check = (checks or {}).get(label)
            if check is not None and len(check):
                r_n = curve["cost"].iloc[0] * curve["r_ratio"].iloc[0]
                ax.plot(check["k"], r_n / check["brute"], "s", markerfacecolor="none",
                        markeredgecolor=color, markersize=8)
        _panel_label(ax, panel)
        ax.set_xlabel("number of states k")
        ax.set_ylabel(R_RATIO_LABEL)
        ax.set_ylim(bottom=0)
        if len(curves) > 1:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=2,
                      columnspacing=1.0, handlelength=1.5)
    keys = [Line2D([], [], color="0.3", ls="-", marker="o", markersize=4, label="exact (DP)"),
            Line2D([], [], color="0.3", ls="--", marker="x", markersize=4, label="greedy (Algorithm 1)"),
            Line2D([], [], color="0.3", ls="none", marker="s", markerfacecolor="none", markersize=8,
                   label="brute force")]
    fig.legend(handles=keys, loc="outside lower center", ncols=3)
    return finish(fig)


def plot_selection_path(space: StateSpace, path: pd.DataFrame, unit: str, *, ncols: int = 3) -> Figure:
    """Fig. 6: the chosen states for each size on the accuracy-cost plane, one panel per k,
    the whole space in grey; the red dot marks the state that adds most over the next smaller
    subset (``added`` of :func:`adaptlib.analysis.state_selection.selection_path`)."""
    if path.empty:
        raise ValueError("path is empty; give selection_path(space, k_max) with k_max >= 2")
    n = len(path)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = new_figure(nrows, ncols, width=WIDTH, height=1.9 * nrows + 0.5, squeeze=False,
                           sharex=True, sharey=True)
    for ax in axes.ravel()[n:]:
        ax.remove()
    acc = 100.0 * space.accuracies
    color = colors(1)[0]
    for ax, row in zip(axes.ravel(), path.itertuples()):
        ax.plot(space.costs, acc, ".", color=GREY, markersize=3)
        idx = np.array(row.indices)
        ax.plot(space.costs[idx], acc[idx], "-o", color=color, markersize=4, lw=1.2)
        if row.added >= 0:
            ax.plot(space.costs[row.added], acc[row.added], "o", color=ADDED_COLOR, markersize=7)
        ax.set_xscale("log")
        ax.text(0.97, 0.05, f"k = {row.k}\n{row.r_ratio:.1f}x", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=9)
    for column in range(ncols):  # the lowest panel of each column carries the cost label
        lowest = max(i for i in range(column, n, ncols))
        axes.ravel()[lowest].set_xlabel(f"cost ({unit}, log)")
        axes.ravel()[lowest].xaxis.set_tick_params(labelbottom=True)
    for ax in axes[:, 0]:
        ax.set_ylabel("accuracy (%)")
    return finish(fig)


def plot_eq10_contributions(space: StateSpace, unit: str, *, names: Sequence[str] | None = None,
                            max_labels: int = 60) -> Figure:
    """Eq. 10 as a waterfall, read from top to bottom: the first bar is the dynamic-range bound
    R_1 + (A_N - A_1)(R_N - R_1) (Eq. 15), each next bar what state i takes off it,
    (A_i - A_{i-1})(R_N - R_i), down to the alpha = 1 bound (last bar). Bars run across, so
    each state's name is a horizontal label; the figure grows with the number of states (past
    ``max_labels`` bars, only every few states are named)."""
    table = state_selection.eq10_contributions(space)
    labels = list(names if names is not None else design_spaces.short_names(space.names))[1:]
    start = float(table["bound_after"].iloc[0] + table["saving"].iloc[0])
    final = eq9_conservative(space).cost
    n = len(table)
    rows = np.arange(n + 2)
    fig, ax = new_figure(width=WIDTH, height=1.4 + 0.165 * len(rows))
    c_range, c_saving, c_final = colors(3)
    ax.barh(0, start, color=c_range, label="dynamic range (Eq. 15)")
    ax.barh(rows[1:-1], table["saving"], left=table["bound_after"], color=c_saving,
            label="saving of state $i$")
    ax.barh(n + 1, final, color=c_final, label=r"$\alpha = 1$ bound (Eq. 9)")
    # each bar ends where the next begins: join them, row k to row k + 1
    ax.vlines(np.concatenate([[start], table["bound_after"]]), rows[:-1], rows[1:],
              color="0.3", lw=0.8)
    ticks = ["$S_1$, $S_N$", *labels, "bound"]
    every = int(np.ceil(len(rows) / max_labels))
    keep = [i for i in rows if i % every == 0 or i == rows[-1]]
    ax.set_yticks(keep, [ticks[i] for i in keep])
    ax.set_ylim(len(rows) - 0.4, -0.6)  # the first term on top
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"$R_{{oracle}}$ ({unit})")
    ax.legend(loc="lower right")
    return finish(fig)


def plot_envelope_curves(space: StateSpace, unit: str) -> Figure:
    """The accuracy-cost curve A(R) of Eq. 11 through the states: linear in cost and linear in
    log cost between neighbours, and the step curve under Eq. 9, on a log cost axis."""
    fig, ax = new_figure(width=WIDTH, height=3.8)
    grid = np.geomspace(space.costs[0], space.costs[-1], 2000)
    for color, (interp, label) in zip(colors(3), (("step", "step (Eq. 9)"),
                                                  ("linear", "linear in cost"),
                                                  ("log", "linear in log cost"))):
        ax.plot(grid, 100 * continuous_adaptation.accuracy_curve(space, grid, interp), color=color, lw=1.3,
                label=label)
    ax.plot(space.costs, 100 * space.accuracies, "o", color="0.2", markersize=3, label="states")
    log_cost_axis(ax, unit)
    ax.set_ylabel("accuracy (%)")
    ax.legend(loc="lower right")
    return finish(fig)


def plot_continuum_approach(curve: pd.DataFrame, approaches: Mapping[str, pd.DataFrame]) -> Figure:
    """R_ratio against the number of states: the exact best k-subsets of the real states
    (``curve``, :func:`adaptlib.analysis.state_selection.selection_curve`), then the space refined with virtual
    states on each interpolated curve (``approaches``, :func:`adaptlib.analysis.continuous_adaptation.continuum_approach`),
    with Eq. 11 of each interpolation as a dotted line."""
    fig, ax = new_figure(width=WIDTH, height=3.8)
    exact = curve[curve["algorithm"] == "exact"].sort_values("k")
    palette = colors(len(approaches) + 1)
    ax.plot(exact["k"], exact["r_ratio"], "-o", color=palette[0], markersize=3,
            label="best k of the real states (Eq. 9)")
    for color, (interp, frame) in zip(palette[1:], approaches.items()):
        ax.plot(frame["states"], frame["r_ratio"], "-s", color=color, markersize=3,
                label=f"virtual states, {interp} (Eq. 9)")
        ax.axhline(frame["continuous_r_ratio"].iloc[0], color=color, ls=":", lw=1.2,
                   label=f"continuous, {interp} (Eq. 11)")
    ax.set_xscale("log")
    ax.set_xlabel("number of states (log scale)")
    ax.set_ylabel(R_RATIO_LABEL)
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower right")
    return finish(fig)


def plot_break_even(table: pd.DataFrame) -> Figure:
    """Where adaptation stops paying, for every space on one unit-free plane: the line
    beta_0 / R_N + (1 + beta_1) / R_ratio = 1 (:func:`adaptlib.analysis.adaptation_costs.break_even`); below a
    line the adaptive system still costs less than its largest state alone. Each space has
    its own colour, line style and marker (:func:`line_styles`), the legend sits below the
    plane, in the order of the spaces' R_ratio, largest first, as the lines lie."""
    fig, ax = new_figure(width=WIDTH, height=4.4 + 0.22 * int(np.ceil(len(table) / 2)))
    x = np.linspace(0.0, 1.0, 1001)
    order = np.argsort(-table["R_ratio"].to_numpy(), kind="stable")
    styles = line_styles(len(table))
    for rank, position in enumerate(order):
        row = table.iloc[position]
        beta1 = (1.0 - x) * row["R_ratio"] - 1.0
        keep = beta1 > 1e-3
        ax.plot(x[keep], beta1[keep], label=f"{row['space']} ({row['R_ratio']:.0f}x)",
                markevery=(10 + 23 * rank, 125), markersize=5, **styles[position])
    ax.set_yscale("log")
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel(r"fixed overhead $\beta_0 / R_N$")
    ax.set_ylabel(r"proportional overhead $\beta_1$ (log scale)")
    ax.set_ylim(1e-2, None)
    fig.legend(loc="outside lower center", ncols=2, handlelength=3.0)
    return finish(fig)


def plot_overhead_curves(space: StateSpace, unit: str, beta0: Sequence[float]) -> Figure:
    """R'_ratio = R_N / (beta_0 + (1 + beta_1) R_oracle) against beta_1 (log axis), one line
    per beta_0 (in the space's cost unit); the dashed line R'_ratio = 1 is break-even."""
    fig, ax = new_figure(width=WIDTH, height=3.8)
    beta1 = np.geomspace(1e-3, 1e3, 300)
    grid = adaptation_costs.overhead_ratios(space, beta0, beta1)
    groups = list(grid.groupby("beta0", sort=True))
    for style, (b0, rows) in zip(line_styles(len(groups)), groups):
        ax.plot(rows["beta1"], rows["r_ratio"], label=rf"$\beta_0$ = {b0:g} {unit}",
                markevery=25, markersize=5, **style)
    ax.axhline(1.0, color="0.3", ls="--", lw=1, label="break-even")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"proportional overhead $\beta_1$ (log scale)")
    ax.set_ylabel(r"$R'_{ratio}$ (log scale)")
    ax.legend(loc="lower left")
    return finish(fig)


def plot_dynamic_range(pairs: pd.DataFrame, unit: str) -> Figure:
    """The dynamic-range trade-off (Eq. 15, A.4): for each choice of the largest state S_j,
    the oracle's accuracy A_j against its alpha = 1 cost with only two states (S_1 the
    cheapest, and S_1 the best choice below S_j) and with every state from the cheapest to S_j."""
    if pairs.empty:
        raise ValueError("pairs is empty; give dynamic_range_pairs(space) of a space with >= 2 states")
    fig, ax = new_figure(width=WIDTH, height=3.8)
    top = pairs.groupby("j", sort=True)
    cheapest = pairs[pairs["i"] == 0].sort_values("j")
    best = pairs.loc[top["cost"].idxmin()].sort_values("j")
    c1, c2, c3 = colors(3)
    ax.plot(cheapest["cost"], 100 * cheapest["A_high"], "-o", color=c1, markersize=4,
            label="two states: cheapest and $S_j$ (Eq. 15)")
    ax.plot(best["cost"], 100 * best["A_high"], "--s", color=c2, markersize=4,
            label="two states: best $S_1$ for $S_j$ (Eq. 15)")
    ax.plot(cheapest["cost_all"], 100 * cheapest["A_high"], "-^", color=c3, markersize=4,
            label="all states up to $S_j$ (Eq. 9)")
    ax.plot(cheapest["R_high"], 100 * cheapest["A_high"], ".", color=GREY,
            label="$S_j$ alone")
    log_cost_axis(ax, unit, label=r"$\alpha = 1$ oracle cost")
    ax.set_ylabel("oracle accuracy $A_j$ (%)")
    ax.legend(loc="lower right")
    return finish(fig)
