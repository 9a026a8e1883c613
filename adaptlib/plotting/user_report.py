"""The figure of ``adaptlib report``: a user's states on the accuracy-cost plane with the bounds.

One panel: the states (Sec. 2.1), the random mix of single states (their upper hull), the
budgeted oracle frontier (chapter 10) ending at the exact oracle (Eq. 4-5, chapter 02), and the
closed-form bounds of Eq. 8-9 (chapters 03-05) where they exist.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import LogFormatterSciNotation, LogLocator, NullFormatter

from adaptlib.core.frontier import Curve
from adaptlib.core.states import OperatingPoint, StateSpace
from adaptlib.plotting.style import PALETTE, finish, log_cost_axis, new_figure

FEW_DECADES = 2.5  # a cost range this narrow (in powers of 10) gets labels between the powers
MAX_NAMED_STATES = 12  # beyond this, state names would crowd the panel: the table names them
POINT_STYLES = (("s", PALETTE[3]), ("^", PALETTE[2]), ("D", PALETTE[4]))  # the bounds' hollow markers


def plot_report(space: StateSpace, frontier: Curve, hull: Curve, oracle: OperatingPoint,
                bounds: Mapping[str, OperatingPoint], unit: str) -> Figure:
    """Accuracy (%) against cost per instance in ``unit`` (log axis when every cost is > 0).

    ``space`` holds the measured accuracies; ``bounds`` maps a legend label to an operating
    point (Eq. 8-9), drawn as hollow markers; the frontier and the hull are drawn up to R_N.
    """
    accuracy = space.require_accuracies("the report's figure")
    fig, ax = new_figure(height=4.6)
    high = float(space.costs[-1])
    for curve, label, style in ((hull, "random mix of single states", dict(color=PALETTE[7], ls="--")),
                                (frontier, "budgeted oracle frontier", dict(color="black", ls="-"))):
        keep = curve.cost < high
        ax.plot(np.append(curve.cost[keep], high), 100 * np.append(curve.accuracy[keep], curve.at(high)),
                label=label, **style)
    ax.scatter(space.costs, 100 * accuracy, color=PALETTE[0], zorder=3, label="states, each run alone")
    if len(space) <= MAX_NAMED_STATES:
        for name, cost, acc in zip(space.names, space.costs, accuracy):
            last = cost == high  # the rightmost names go to the left of their point, inside the panel
            ax.annotate(name, (cost, 100 * acc), textcoords="offset points", xytext=(-4 if last else 4, -11),
                        ha="right" if last else "left", fontsize=9)
    ax.scatter([oracle.cost], [100 * oracle.accuracy], marker="*", s=160, color=PALETTE[1],
               edgecolor="black", linewidth=0.6, zorder=4, label="exact oracle (Eq. 4-5)")
    for (label, point), (marker, color) in zip(bounds.items(), POINT_STYLES):
        ax.scatter([point.cost], [100 * point.accuracy], marker=marker, s=60, facecolor="none",
                   edgecolor=color, linewidth=1.6, zorder=4, label=label)
    if space.costs[0] > 0:
        log_cost_axis(ax, unit)
        if np.log10(high / space.costs[0]) <= FEW_DECADES:  # few powers of 10: label 2 and 5 times them too
            ax.xaxis.set_minor_locator(LogLocator(base=10, subs=(2.0, 5.0)))
            ax.xaxis.set_minor_formatter(LogFormatterSciNotation(labelOnlyBase=False, minor_thresholds=(9, 9)))
        else:
            ax.xaxis.set_minor_formatter(NullFormatter())
    else:
        ax.set_xlabel(f"cost per instance ({unit})")
    ax.set_ylabel("accuracy (%)")
    fig.legend(loc="outside lower center", ncols=2, fontsize=9)
    return finish(fig)
