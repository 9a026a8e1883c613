"""Figures of chapters 1-3: accuracy-cost curves (Sec. 2.1), the two-state table of Fig. 1,
where the Oracle Agent sends instances (Eq. 4), and alpha_i against the state index (Fig. 2).

Each function draws on a new figure of the book's size
(:func:`adaptlib.plotting.style.new_figure`) or on the ``ax`` it is given, and returns the
figure through :func:`~adaptlib.plotting.style.finish`, so that a notebook shows it once, as
the value of its cell. Colours come from the book's palette; titles are left to the captions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from adaptlib.core.oracle import OracleResult
from adaptlib.core.states import StateSpace, eq3_breaks, pareto_dropped
from adaptlib.plotting.style import PALETTE, colors, finish, log_cost_axis, new_figure

VIOLATION_COLOR = PALETTE[3]  # vermilion: a state that breaks Eq. 3, the cell IC of Fig. 1
NONE_RIGHT_COLOR = PALETTE[7]  # grey: instances that no state gets right
MARKERS = ("o", "s", "^", "D", "v", "P")  # one per family, with its colour
TEXT_SIZE = 9  # points: the smallest text of these figures (the style's tick labels)
_CELL_TEXT = {
    "CC": "CC: both right",
    "CI": "CI: only $S_s$ right",
    "IC": "IC (the paper's IA):\nonly $S_L$ right",
    "II": "II: both wrong",
}


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig, ax = new_figure(width=figsize[0], height=figsize[1])
    return fig, ax


def plot_accuracy_cost(
    spaces: Mapping[str, StateSpace],
    *,
    unit: str = "FLOPs",
    label_states: str = "marked",
    ax: Axes | None = None,
) -> Figure:
    """Accuracy (%) against cost (log axis) for each family, states joined in cost order.

    Filled markers are states the Pareto filter keeps; hollow markers are states it drops (a
    cheaper state is at least as accurate); a red cross marks each state that breaks Eq. 3
    (less accurate than the state just below it in cost). ``label_states`` writes state names
    beside the markers: ``"all"``, ``"marked"`` (only the hollow or crossed ones) or ``"none"``.
    """
    if not spaces:
        raise ValueError("spaces is empty; give at least one family (name -> StateSpace)")
    if label_states not in ("all", "marked", "none"):
        raise ValueError(f"label_states must be 'all', 'marked' or 'none'; got {label_states!r}")
    fig, ax = _axes(ax, (6.4, 4.2))
    palette = colors(len(spaces))
    any_dropped = any_break = False
    for color, (family, space) in zip(palette, spaces.items()):
        acc = 100.0 * space.require_accuracies(f"the accuracy-cost curve of {family}")
        costs = space.costs
        ax.plot(costs, acc, "-", color=color, alpha=0.7, label=family)
        dropped = pareto_dropped(space)
        kept = np.setdiff1d(np.arange(len(space)), dropped)
        ax.plot(costs[kept], acc[kept], "o", color=color, markersize=6)
        if dropped.size:
            any_dropped = True
            ax.plot(
                costs[dropped],
                acc[dropped],
                "o",
                markerfacecolor="white",
                markeredgecolor=color,
                markeredgewidth=1.5,
                markersize=10,
            )
        breaks = eq3_breaks(space)
        if breaks.size:
            any_break = True
            ax.plot(
                costs[breaks],
                acc[breaks],
                "x",
                color=VIOLATION_COLOR,
                markersize=6,
                markeredgewidth=2,
            )
        labelled = {
            "all": np.arange(len(space)),
            "none": np.array([], int),
            "marked": np.union1d(dropped, breaks),
        }[label_states]
        for i in labelled:
            ax.annotate(
                space.names[i],
                (costs[i], acc[i]),
                xytext=(7, -3),
                textcoords="offset points",
                fontsize=TEXT_SIZE,
                color=color,
                ha="left",
                va="top",
                bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
            )
    log_cost_axis(ax, unit, label="cost $R_i$ per instance")
    ax.set_ylabel("accuracy $A_i$ (%)")
    handles, labels = ax.get_legend_handles_labels()
    if any_dropped:
        handles.append(
            Line2D(
                [], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="grey",
                markersize=8,
            )
        )
        labels.append("dropped by pareto()")
    if any_break:
        handles.append(
            Line2D([], [], marker="x", linestyle="", color=VIOLATION_COLOR, markeredgewidth=2, markersize=6)
        )
        labels.append("breaks Eq. 3")
    ax.legend(handles, labels, loc="lower right", fontsize=TEXT_SIZE)
    return finish(fig)


def plot_two_state_confusion(
    table: pd.DataFrame,
    small: str,
    large: str,
    *,
    unit: str = "FLOPs",
    ax: Axes | None = None,
) -> Figure:
    """Fig. 1 from data: the 2 x 2 table of :func:`adaptlib.analysis.oracle_agent.two_state_table` as a heatmap.

    Rows: the small state ``small`` right / wrong; columns: the large state ``large`` right /
    wrong. Each cell shows its name, count and share, and what the oracle pays per instance
    there; the cell where the oracle escalates to the large state (IC, the paper's IA) is
    outlined.
    """
    needed = {"cell", "count", "probability", "oracle_cost", "oracle_state"}
    if not needed <= set(table.columns) or set(table["cell"]) != {"CC", "CI", "IC", "II"}:
        raise ValueError(
            "table must come from adaptlib.analysis.oracle_agent.two_state_table (cells CC, CI, IC, II)"
        )
    fig, ax = _axes(ax, (6.2, 4.6))
    cells = table.set_index("cell")
    layout = [["CC", "CI"], ["IC", "II"]]
    share = np.array([[cells.loc[c, "probability"] for c in row] for row in layout])
    text = np.array(
        [[_cell_text(c, cells.loc[c], small, large, unit) for c in row] for row in layout]
    )
    import seaborn as sns  # the one figure that needs it (Fig. 1's annotated heatmap)

    sns.heatmap(
        100.0 * share,
        annot=text,
        fmt="",
        cmap="Blues",
        vmin=0.0,
        vmax=100.0,
        cbar=True,
        ax=ax,
        linewidths=1.0,
        linecolor="white",
        annot_kws={"fontsize": TEXT_SIZE},
        cbar_kws={"label": "share of instances (%)"},
        xticklabels=[f"{large} right", f"{large} wrong"],
        yticklabels=[f"{small} right", f"{small} wrong"],
    )
    ax.add_patch(_outline(row=1, column=0, color=VIOLATION_COLOR))  # IC: small wrong, large right
    ax.set_xlabel(f"large state $S_L$ = {large}")
    ax.set_ylabel(f"small state $S_s$ = {small}")
    ax.tick_params(axis="y", rotation=90)
    return finish(fig)


def _cell_text(cell: str, row: pd.Series, small: str, large: str, unit: str) -> str:
    where = {"small": small, "large": large, "none": "nothing"}[row["oracle_state"]]
    return (
        f"{_CELL_TEXT[cell]}\n{int(row['count']):,} ({100.0 * row['probability']:.1f}%)\n"
        f"oracle uses {where}:\n{format_cost(row['oracle_cost'], unit)}"
    )


def format_cost(value: float, unit: str) -> str:
    """A cost with an SI prefix and 4 significant digits: 16000 FLOPs -> '16 kFLOPs'."""
    value = float(value)
    prefixes = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
    scale, prefix = next(((s, p) for s, p in prefixes if abs(value) >= s), (1.0, ""))
    return f"{value / scale:.4g} {prefix}{unit}"


def _outline(row: int, column: int, *, color: str) -> Rectangle:
    return Rectangle((column, row), 1, 1, fill=False, edgecolor=color, linewidth=2.5, clip_on=False)


def plot_label_histogram(result: OracleResult, *, ax: Axes | None = None) -> Figure:
    """Where the Oracle Agent sends the instances (Eq. 4): one bar per state, in cost order,
    plus a bar for the instances no state gets right; each bar is labelled with its count."""
    fig, ax = _axes(ax, (6.4, 3.6))
    names = list(result.space.names) + ["none right"]
    counts = np.append(result.histogram, result.n_none)
    share = 100.0 * counts / result.n_instances
    palette = colors(1) * len(result.space) + [mcolors.to_rgb(NONE_RIGHT_COLOR)]
    bars = ax.bar(np.arange(len(names)), share, color=palette, edgecolor="black", linewidth=0.5)
    ax.bar_label(bars, labels=[f"{c:,}" for c in counts], fontsize=TEXT_SIZE, padding=2)
    ax.set_xticks(np.arange(len(names)), names, rotation=30, ha="right")
    ax.set_ylabel("share of instances (%)")
    ax.set_xlabel("adaptation label: the cheapest correct state (cost order)")
    ax.set_ylim(0, max(share.max() * 1.15, 1.0))
    return finish(fig)


def plot_alpha_profiles(
    profiles: pd.DataFrame,
    summary: pd.DataFrame | None = None,
    *,
    ax: Axes | None = None,
    x: str = "index",
    tick_labels: Mapping[int, str] | None = None,
) -> Figure:
    """Fig. 2: alpha_i against the state index i, one hue per family, with interval bars.

    ``profiles`` is the long frame of :func:`adaptlib.analysis.alpha_profiles.flatness_table` (columns
    ``family``, ``index``, ``alpha``, ``low``, ``high``). When ``summary`` (its second frame) is
    given, each family's least-squares line is drawn dashed over the states it was fitted on.
    Families are shifted slightly along x so that their bars do not hide each other. ``x`` names
    the column of the horizontal position (``"position"`` of
    :func:`adaptlib.analysis.alpha_profiles.ordering_profiles`: one place per state across
    orderings), ``tick_labels`` the text of each tick (state names; chapter 03's ImageNet figure).
    """
    needed = {"family", x, "alpha", "low", "high"}
    missing = needed - set(profiles.columns)
    if missing:
        raise ValueError(
            f"profiles lacks column(s) {', '.join(sorted(missing))}; "
            "use adaptlib.analysis.alpha_profiles.flatness_table"
        )
    families: Sequence[str] = list(dict.fromkeys(profiles["family"]))
    fig, ax = _axes(ax, (6.4, 4.2))
    palette = colors(len(families))
    offsets = np.linspace(-0.12, 0.12, len(families)) if len(families) > 1 else np.zeros(1)
    markers = [MARKERS[i % len(MARKERS)] for i in range(len(families))]
    for color, marker, offset, family in zip(palette, markers, offsets, families):
        rows = profiles[profiles["family"] == family]
        xs_state = rows[x].to_numpy(float)
        y = rows["alpha"].to_numpy(float)
        err = np.vstack([y - rows["low"].to_numpy(float), rows["high"].to_numpy(float) - y])
        ax.errorbar(
            xs_state + offset,
            y,
            yerr=np.where(np.isfinite(err), err, 0.0),
            fmt=f"{marker}-",
            color=color,
            capsize=3,
            markersize=5,
            linewidth=1.2,
            label=family,
        )
        if (
            summary is not None
            and family in summary.index
            and np.isfinite(summary.loc[family, "slope"])
        ):
            defined = np.isfinite(y)
            xs = xs_state[defined]
            line = y[defined].mean() + summary.loc[family, "slope"] * (xs - xs.mean())
            ax.plot(xs + offset, line, "--", color=color, linewidth=1.0, alpha=0.8)
    ax.set_ylabel(r"$\alpha_i$")
    ax.set_ylim(-0.02, 1.02)
    ticks = np.unique(profiles[x].to_numpy(int))
    ax.set_xticks(ticks)
    if tick_labels is None:
        ax.set_xlabel("state index $i$ (cost order)")
    else:
        ax.set_xticklabels([tick_labels[int(t)] for t in ticks])
        ax.set_xlabel("state (cost order)")
    ax.legend(fontsize=TEXT_SIZE, loc="best")
    return finish(fig)
