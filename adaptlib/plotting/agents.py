"""Figures of chapter 10: real agents against the bounds, and models of alpha_i.

:func:`plot_agents_vs_bounds` draws, for each family (one panel each, stacked in rows),
every agent's out-of-fold accuracy-cost curve beside the exact oracle point, the
constant-alpha line (Eq. 8), the budgeted oracle frontier and the non-adaptive baseline, from
the :class:`adaptlib.analysis.agents.AgentComparison` of that family.
:func:`plot_alpha_models` draws the measured alpha_i and the fitted models of
:mod:`adaptlib.analysis.alpha_models`, one family per row. Both fit the book's 680 px column.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from adaptlib.analysis.agents import AgentComparison
from adaptlib.analysis.alpha_models import AlphaFit
from adaptlib.plotting.style import FIGSIZE, PALETTE, colors, finish, log_cost_axis, new_figure

BOUND_COLOR = "black"
BASELINE_COLOR = PALETTE[7]  # grey
ALPHA_LINE_COLOR = PALETTE[4]  # reddish purple
AGENT_COLOR_ORDER = (0, 2, 3, 5, 9, 8)  # blue, green, vermillion, brown, sky, yellow of the palette
# Each agent's hull line style and the marker of its operating points, so that the curves stay
# apart without colour (the bounds are black and grey, solid, dashed and dotted).
AGENT_STYLES = (("-", "o"), ("-.", "s"), ((0, (6, 2)), "^"), ((0, (1, 1)), "v"), ("-", "D"), ("-.", "P"))
LEGEND_FONTSIZE = 9
MODEL_STYLES = {
    "constant-min": ("--", "constant, $\\alpha_{min}$"),
    "constant-mean": (":", "constant, weighted mean"),
    "linear-index": ("-", "linear in the index $i$"),
    "linear-logcost": ("-.", "linear in $\\ln R_i$"),
}


def plot_agents_vs_bounds(comparisons: Mapping[str, AgentComparison], *, unit: str = "FLOPs",
                          panel_height: float = 3.0, accuracy_floor: float | None = None) -> Figure:
    """One panel per family, stacked in rows: agents' curves (envelope lines, faint points) inside
    the region the bounds allow. Accuracy in %, cost on a log axis in ``unit``. ``accuracy_floor``
    (a fraction) sets the bottom of every panel; by default, just below the accuracy the
    non-adaptive baseline reaches at the oracle's cost, so the region of interest fills it.
    """
    if not comparisons:
        raise ValueError("comparisons is empty; give at least one family (name -> AgentComparison)")
    fig, axes = new_figure(len(comparisons), 1, width=FIGSIZE[0], height=panel_height * len(comparisons) + 1.0,
                           squeeze=False)
    agent_names = list(dict.fromkeys(n for c in comparisons.values() for n in c.envelopes))
    base = colors(10)
    styles = {name: (base[AGENT_COLOR_ORDER[i % len(AGENT_COLOR_ORDER)]], *AGENT_STYLES[i % len(AGENT_STYLES)])
              for i, name in enumerate(agent_names)}
    handles: dict[str, Line2D] = {}
    for ax, (family, comp) in zip(axes[:, 0], comparisons.items()):
        _draw_panel(ax, comp, styles, handles)
        floor = accuracy_floor
        if floor is None:
            floor = min(float(comp.baseline.at(comp.oracle.cost)), float(comp.alpha_line[1].accuracy)) - 0.04
        ax.set_ylim(100.0 * max(floor, 0.0), 100.5)
        ax.set_ylabel(f"{family}\naccuracy (%)")
        log_cost_axis(ax, unit, label="mean cost per instance")
    fig.legend(list(handles.values()), list(handles.keys()), loc="outside upper center", ncol=2,
               fontsize=LEGEND_FONTSIZE)
    return finish(fig)


def _draw_panel(ax, comp: AgentComparison, styles: dict, handles: dict) -> None:
    space = comp.space
    x_high = max([comp.high] + [float(c.cost[-1]) for c in comp.envelopes.values()])
    xs_right = x_high * 1.05

    def curve(c, **style):
        xs = np.append(c.cost, xs_right)
        return ax.plot(xs, 100.0 * np.append(c.accuracy, c.accuracy[-1]), **style)[0]

    handles["baseline: random mix of single states"] = curve(
        comp.baseline, color=BASELINE_COLOR, linewidth=2.2, marker="o", markersize=4, markevery=[])
    ax.plot(space.costs, 100.0 * space.accuracies, "o", color=BASELINE_COLOR, markersize=4)
    handles["budgeted oracle frontier (routing cost)"] = curve(comp.frontier, color=BOUND_COLOR, linewidth=1.6)
    for name, own in comp.own_frontiers.items():
        if name.startswith("cascade (shared") and not _same_curve(own, comp.frontier):
            handles["budgeted oracle frontier (cascade cost)"] = curve(
                own, color=BOUND_COLOR, linewidth=1.2, linestyle="--")
    for name, env in comp.envelopes.items():
        color, linestyle, marker = styles[name]
        points = comp.curves[comp.curves.agent == name]
        ax.plot(points.cost, 100.0 * points.accuracy, marker, color=color, alpha=0.35, markersize=3,
                linestyle="")
        handles[name] = curve(env, color=color, linewidth=1.6, linestyle=linestyle, marker=marker,
                              markersize=4, markevery=[])
    p0, p1 = comp.alpha_line
    handles["constant-$\\alpha$ line, Eq. 8 ($\\alpha$ = 0 to 1)"] = ax.plot(
        [p0.cost, p1.cost], [100.0 * p0.accuracy, 100.0 * p1.accuracy], ":", marker="o",
        color=ALPHA_LINE_COLOR, markersize=4, linewidth=1.4)[0]
    handles["exact oracle (Eq. 4-5)"] = ax.plot(
        comp.oracle.cost, 100.0 * comp.oracle.accuracy, "*", color=BOUND_COLOR, markersize=13,
        linestyle="")[0]
    ax.set_xlim(comp.low / 1.3, xs_right)


def _same_curve(a, b) -> bool:
    return a.cost.shape == b.cost.shape and np.allclose(a.cost, b.cost) and np.allclose(a.accuracy, b.accuracy)


def plot_alpha_models(fits: Mapping[str, Mapping[str, AlphaFit]], measured: Mapping[str, np.ndarray],
                      *, width: float = FIGSIZE[0], panel_height: float = 1.9) -> Figure:
    """Measured alpha_i (dots, one per state i > 1) and each fitted model's alpha_i (lines), one
    panel per family, stacked in rows of ``panel_height`` inches, ``width`` inches wide.
    ``fits[family][model]`` comes from :func:`adaptlib.analysis.alpha_models.fit_alpha_models`,
    ``measured[family]`` is the exact alpha vector (``alpha[0]`` unused)."""
    if not fits:
        raise ValueError("fits is empty; give at least one family")
    missing = [family for family in fits if family not in measured]
    if missing:
        raise ValueError(f"measured has no alpha vector for: {', '.join(missing)}")
    fig, axes = new_figure(len(fits), 1, width=width, height=panel_height * len(fits) + 0.8, squeeze=False,
                           sharey=True)
    palette = dict(zip(MODEL_STYLES, colors(len(MODEL_STYLES) + 1)[1:]))
    handles: dict[str, Line2D] = {}
    for ax, (family, models) in zip(axes[:, 0], fits.items()):
        alpha = np.asarray(measured[family], dtype=float)
        index = np.arange(1, alpha.size + 1)
        for model, (style, label) in MODEL_STYLES.items():
            if model in models:
                handles[label] = ax.plot(index[1:], models[model].alpha[1:], style, color=palette[model],
                                         linewidth=1.5)[0]
        handles["measured $\\alpha_i$"] = ax.plot(index[1:], alpha[1:], "o", color=BOUND_COLOR, markersize=5)[0]
        ax.set_xticks(index[1:])
        ax.set_xlim(1.7, index[-1] + 0.3)
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel(f"{family}\n$\\alpha_i$")
    axes[-1, 0].set_xlabel("state index $i$")
    fig.legend(list(handles.values()), list(handles.keys()), loc="outside upper center", ncol=3,
               fontsize=LEGEND_FONTSIZE)
    return finish(fig)
