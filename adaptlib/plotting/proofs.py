"""Figures of chapter 9 (the appendix proofs and the errata)."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from adaptlib.core.selection import Selection
from adaptlib.core.states import StateSpace
from adaptlib.plotting.style import colors, finish, new_figure


def plot_step_and_linear(space: StateSpace, unit: str) -> Figure:
    """Eq. 9 as Eq. 11 of a step curve (A.2, Eq. 11): accuracy against cost on linear axes, the
    step curve A(R) = A_i on [R_i, R_{i+1}) and the piecewise-linear curve through the states.
    The shaded triangles between them add up to how much lower Eq. 11 on the linear curve is
    than Eq. 9. The lower panel zooms on the cheaper half of the states (panels stacked in
    rows, to fit the book's column)."""
    r, acc = space.costs, space.require_accuracies("plot_step_and_linear")
    step_color, line_color = colors(2)
    fig, axes = new_figure(2, 1, height=7.0)
    last = max(2, (len(r) + 1) // 2)
    for ax, stop in zip(axes, (len(r), last)):
        rr, aa = r[:stop], acc[:stop]
        for k in range(len(rr) - 1):  # the triangle between the two curves on [R_k, R_{k+1}]
            ax.fill([rr[k], rr[k + 1], rr[k + 1]], [aa[k], aa[k + 1], aa[k]], color=line_color, alpha=0.25, lw=0)
        ax.step(rr, aa, where="post", color=step_color, label="step curve: Eq. 11 = Eq. 9")
        ax.plot(rr, aa, color=line_color, ls="--", label="piecewise-linear curve: Eq. 11")
        ax.plot(rr, aa, "o", color="black", ms=4, label="states")
        ax.set_ylabel("accuracy")
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.set_xlabel(f"cost per instance ({unit})")
    axes[0].text(0.98, 0.06, "all states", transform=axes[0].transAxes, ha="right", va="bottom")
    axes[1].text(0.02, 0.94, "the cheaper half of the states", transform=axes[1].transAxes,
                 ha="left", va="top")
    axes[1].legend(loc="lower right")
    return finish(fig)


def plot_greedy_and_optimal(space: StateSpace, greedy: Selection, optimal: Selection, unit: str,
                    *, log_cost: bool = False) -> Figure:
    """Two subsets of the same size on the accuracy-cost plane: Algorithm 1's greedy choice and
    the optimum of the alpha = 1 bound, each drawn as the step curve whose Eq. 11 is its Eq. 9."""
    r, acc = space.costs, space.require_accuracies("plot_greedy_and_optimal")
    greedy_color, optimal_color = colors(2)
    fig, ax = new_figure()
    ax.plot(r, acc, "o", color="0.6", ms=5, label="all states")
    for selection, color, style, name in ((greedy, greedy_color, "--", "greedy (Algorithm 1)"),
                                          (optimal, optimal_color, "-", "optimal")):
        idx = np.array(selection.indices)
        ax.step(r[idx], acc[idx], where="post", color=color, ls=style,
                label=rf"{name}: $R_{{oracle}}$ = {selection.point.cost:.4g}")
        ax.plot(r[idx], acc[idx], "o", color=color, ms=7, mfc="none", mew=1.6)
    for k, name in enumerate(space.names):
        ax.annotate(name, (r[k], acc[k]), textcoords="offset points", xytext=(4, -12), fontsize=9)
    if log_cost:
        ax.set_xscale("log")
        ax.set_xlabel(f"cost per instance ({unit}, log scale)")
    else:
        ax.set_xlabel(f"cost per instance ({unit})")
    ax.set_ylabel("accuracy")
    ax.legend(loc="lower right")
    return finish(fig)
