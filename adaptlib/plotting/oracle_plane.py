"""The figure of ``adaptlib oracle --plot``: a user's states on the cost-accuracy plane.

One panel: the states (labelled dots), the exact oracle (Eq. 4-5), the conservative and
optimistic bounds (Eq. 9 and Eq. 8), the budgeted oracle frontier and the non-adaptive hull
(chapter 10), and a router's operating points when given. It draws from the summary dict of
:func:`adaptlib.report.oracle_summary` and its ``frontier`` part, so the figure shows the
numbers the command prints. Taught in chapters 05 and 10 (the same plane on the book's data).
"""
from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from adaptlib.plotting.style import PALETTE, book_rc, finish, log_cost_axis, new_figure

LOG_SPAN = 20.0  # a cost axis spanning more than this factor is drawn in log scale


def plot_oracle_plane(summary: dict, unit: str) -> Figure:
    """The plane of ``summary`` (see the module docstring); costs in ``unit``, accuracy in %."""
    with mpl.rc_context(book_rc()):
        return finish(_draw(summary, unit))


def _draw(summary: dict, unit: str) -> Figure:
    fig, ax = new_figure(height=5.0)
    costs = np.asarray(summary["costs"], dtype=float)
    acc = 100 * np.asarray(summary["accuracies"], dtype=float)
    routing = summary.get("frontier")
    if routing is not None:
        for key, label, style in (("oracle", "budgeted oracle frontier", {"color": "black"}),
                                  ("hull", "single states, mixed at random", {"color": PALETTE[7], "ls": "--"})):
            curve = routing[key]
            ax.plot(curve["cost"], 100 * np.asarray(curve["accuracy"]), label=label, **style)
    ax.scatter(costs, acc, color=PALETTE[0], zorder=3, label="states")
    for name, x, y in zip(summary["states"], costs, acc):
        ax.annotate(name, (x, y), textcoords="offset points", xytext=(4, -12), fontsize=9)
    oracle = summary["oracle"]
    ax.scatter([oracle["cost"]], [100 * oracle["accuracy"]], marker="*", s=160, color=PALETTE[3], zorder=4,
               label="exact oracle (Eq. 4-5)")
    for key, label, marker in (("conservative", "alpha = 1 (Eq. 9)", "v"), ("optimistic", "alpha_min (Eq. 8)", "^")):
        point = summary[key]
        if point["cost"] is not None:
            ax.scatter([point["cost"]], [100 * point["accuracy"]], marker=marker, s=50, color=PALETTE[2], zorder=4,
                       label=label)
    for i, (name, router) in enumerate((summary.get("routers") or {}).items()):
        ax.scatter([router["cost"]], [100 * router["accuracy"]], marker="D", s=40, zorder=5,
                   color=PALETTE[(4 + i) % len(PALETTE)], label=f"router {name}")
    if (costs > 0).all() and costs.max() / costs.min() > LOG_SPAN:
        log_cost_axis(ax, unit, label="mean cost per instance")
        ax.xaxis.set_minor_formatter(NullFormatter())
    else:
        ax.set_xlabel(f"mean cost per instance ({unit})")
    ax.set_ylabel("accuracy (%)")
    fig.legend(loc="outside lower center", ncol=2, fontsize=9)
    return fig
