"""``adaptlib oracle``: the exact oracle, the paper's bounds and routing metrics on a user's own logs.

Inputs: a wide CSV or Parquet file (one 0/1 column per state; other columns named with
``--id-column``, ``--ignore`` or ``--router``, or the states listed with ``--states``), a long
log (``--long``) or lm-evaluation-harness samples (``--lm-eval``); costs per state (``--costs``)
or per instance (``--cost-pattern``, ``--cost-matrix``, a long log's ``cost`` column).
Outputs: the oracle (Eq. 4-7) and the bounds (Eq. 8-9); with ``--frontier`` the budgeted oracle
frontier and the non-adaptive hull with their AUC and APGR (chapter 10); a router's decisions
scored against both; bootstrap intervals; the labels; a figure; as a table, JSON or CSV.
"""
from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from adaptlib.core.bounds import gains
from adaptlib.core.frontier import budget_frontier, gain_share, gain_share_at, mixing_baseline, operating_envelope
from adaptlib.core.oracle import COST_MODELS, NONE_CORRECT_RULES, OracleResult, exact_oracle
from adaptlib.core.prices import paid_costs, paid_matrix
from adaptlib.core.routing import (
    bootstrap_mean_intervals,
    closed_form,
    frontier_costs,
    gap_recovered,
    instance_oracle,
    router_point,
)
from adaptlib.datasets.user import UserLog, load_wide
from adaptlib.report_text import format_csv, format_table

ENGINES = ("memory", "chunked", "dask")


@dataclass(frozen=True, eq=False)
class Measured:
    """The oracle on a log, with what each instance pays at each state (``paid``, n x N) and,
    with per-instance costs, what the oracle pays on each instance (``prices``)."""

    result: OracleResult
    paid: np.ndarray
    prices: np.ndarray | None


def measure(log: UserLog, none_correct: str = "cheapest", cost_model: str = "routing") -> Measured:
    """The exact oracle of ``log``: Eq. 4-6 on its matrix; with per-instance costs, each instance
    goes to its cheapest right state at its own prices (P(e_i) and alpha_i stay those of Eq. 6)."""
    space = log.space
    result = exact_oracle(log.matrix, space.costs, space.names, none_correct=none_correct, cost_model=cost_model)
    if log.instance_costs is None:
        return Measured(result, np.broadcast_to(paid_costs(space.costs, cost_model), log.matrix.shape), None)
    paid = paid_matrix(log.instance_costs, cost_model)
    labels, prices = instance_oracle(log.matrix, paid, none_correct)
    histogram = np.bincount(labels[labels >= 0], minlength=len(space))
    return Measured(replace(result, labels=labels, histogram=histogram, cost=float(prices.mean())), paid, prices)


def oracle_summary(result: OracleResult, matrix: np.ndarray | None, *, notes=(), subset_oracle=None) -> dict:
    """Everything ``adaptlib oracle --format json`` prints about the oracle and the bounds.

    ``matrix`` is the correctness matrix in the cost order of ``result.space``. The exact oracle
    uses every state; the closed forms (Eq. 8-9) need Eq. 3, so where measured accuracies break
    it they are computed on the Pareto-filtered states, listed under ``states_used``, whose
    oracle comes from ``matrix`` or, for a log read in chunks, from ``subset_oracle(names)``.
    They follow the result's cost model and unsolved-price rule (:func:`closed_form`).
    """
    space = result.space
    report = space.assumptions()
    used = space if report.accuracies_monotone else space.pareto()
    conservative = optimistic = None
    alpha_min = float("nan")
    if len(used) > 1:  # with one state left on the Pareto front, there is no closed form
        used_oracle = result
        if used is not space:
            if subset_oracle is not None:
                used_oracle = subset_oracle(list(used.names))
            else:
                position = {s: i for i, s in enumerate(space.names)}
                used_oracle = exact_oracle(
                    matrix[:, [position[s] for s in used.names]], used.costs, used.names,
                    none_correct=result.none_correct, cost_model=result.cost_model,
                )
        conservative = closed_form(used, 1.0, result.cost_model, result.none_correct)
        alpha_min = used_oracle.alpha_min
        if math.isfinite(alpha_min):
            optimistic = closed_form(used, alpha_min, result.cost_model, result.none_correct)
    gain = gains(result.point, space)
    return {
        "states": list(space.names),
        "costs": _floats(space.costs),
        "accuracies": _floats(space.accuracies),
        "alpha": _floats(result.alpha),
        "p_e": _floats(result.p_e),
        "instances": result.n_instances,
        "oracle": {
            "cost": result.cost,
            "accuracy": result.accuracy,
            "histogram": [int(h) for h in result.histogram],
            "unsolved": result.n_none,
            "none_correct": result.none_correct,
            "cost_model": result.cost_model,
        },
        "conservative": _point(conservative) | {"states_used": list(used.names)},
        "optimistic": {"alpha_min": _float(alpha_min)} | _point(optimistic),
        "gains": {"delta_r": gain.delta_r, "r_ratio": _float(gain.r_ratio), "delta_a": gain.delta_a},
        "assumptions": {
            "costs_sorted": report.costs_sorted,
            "accuracies_monotone": report.accuracies_monotone,
            "violations": report.violations,
        },
        "notes": _notes(result) + list(notes),
    }


def routing_summary(log: UserLog, measured: Measured, targets=(), routers=()) -> dict:
    """The budgeted oracle frontier and the non-adaptive hull (chapter 10), their AUC and APGR
    over [R_1, R_N], the cost each needs for each target accuracy, and each router's point
    against them. Every cost follows the cost model and the unsolved-price rule of ``measured``."""
    result, space = measured.result, measured.result.space
    frontier = budget_frontier(log.matrix, frontier_costs(log.matrix, measured.paid, result.none_correct))
    hull = mixing_baseline(space)
    curves = {"oracle": frontier, "hull": hull}
    out = {"range": _floats(space.costs[[0, -1]])}
    points = {name: router_point(log.matrix, measured.paid, log.routers[name]) for name in routers}
    if len(points) > 1:  # one router at several settings: its envelope is a curve
        curves["router"] = operating_envelope([p.cost for p in points.values()], [p.accuracy for p in points.values()])
    for key, curve in curves.items():
        auc, apgr = gap_recovered(curve, space)
        out[key] = {"cost": _floats(curve.cost), "accuracy": _floats(curve.accuracy), "auc": _float(auc),
                    "apgr": _float(apgr)}
    if "router" in curves and space.costs[-1] > space.costs[0]:
        out["router"]["gain_share"] = _float(gain_share(curves["router"], frontier, hull, *space.costs[[0, -1]]))
    out["targets"] = [{"accuracy": float(t)} | {f"{k}_cost": _float(_cost_for(c, t)) for k, c in curves.items()}
                      for t in targets]
    solved = log.matrix.any(axis=1)
    scored = {}
    for name, point in points.items():
        choice = log.routers[name]
        alone = operating_envelope([point.cost], [point.accuracy])
        right = log.matrix[np.arange(len(choice)), choice]
        scored[name] = {
            "cost": point.cost, "accuracy": point.accuracy,
            "oracle_accuracy_at_cost": _float(frontier.at(point.cost)),
            "hull_accuracy_at_cost": _float(hull.at(point.cost)),
            "oracle_cost_for_accuracy": _float(_cost_for(frontier, point.accuracy)),
            "hull_cost_for_accuracy": _float(_cost_for(hull, point.accuracy)),
            "gain_share_at_cost": _float(gain_share_at(alone, frontier, hull, point.cost)),
            "agrees_with_oracle": float(np.mean(choice == result.labels)),
            "missed": float(np.mean(solved & ~right)),
        }
    return {"frontier": out, "routers": scored}


def bootstrap_summary(log: UserLog, measured: Measured, n_boot: int, seed: int, routers=(), level: float = 0.95) -> dict:
    """Seeded percentile intervals over instances: the oracle's accuracy, cost and alpha_i
    (:func:`adaptlib.core.bootstrap.bootstrap_oracle`; with per-instance costs the cost interval
    resamples each instance's price), and each router's cost and accuracy."""
    from adaptlib.core.bootstrap import bootstrap_oracle

    result = measured.result
    table = bootstrap_oracle(log.matrix, result.space.costs, result.space.names, n_boot=n_boot, seed=seed, level=level,
                             none_correct=result.none_correct, cost_model=result.cost_model)
    intervals = {f"oracle {q}" if not q.startswith("alpha") else q: [_float(row.low), _float(row.high)]
                 for q, row in table.iterrows()}
    if measured.prices is not None:
        intervals["oracle cost"] = _floats(bootstrap_mean_intervals(measured.prices[:, None], n_boot, seed, level)[0])
    rows = np.arange(log.matrix.shape[0])
    for name in routers:
        choice = log.routers[name]
        columns = np.column_stack([measured.paid[rows, choice], log.matrix[rows, choice]])
        (cost, accuracy) = bootstrap_mean_intervals(columns, n_boot, seed, level)
        intervals[f"router {name} cost"], intervals[f"router {name} accuracy"] = _floats(cost), _floats(accuracy)
    return {"replicates": n_boot, "seed": seed, "level": level, "intervals": intervals}


def write_labels(path: str | Path, log: UserLog, result: OracleResult, inputs=()) -> None:
    """Each instance's oracle state (``none`` when no state is right): columns id, state."""
    import pandas as pd

    path = Path(path)
    if path.resolve() in {Path(p).resolve() for p in inputs}:
        raise ValueError(f"{path}: the labels file would overwrite an input; give another --labels path")
    if not path.parent.is_dir():
        raise ValueError(f"{path}: the folder {path.parent} does not exist; create it or give another --labels path")
    frame = pd.DataFrame({log.id_name: log.instance_ids, "state": result.label_names()})
    if path.suffix.lower() in (".parquet", ".pq"):
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "oracle",
        help="exact oracle and bounds from your own correctness matrix",
        description="Measure the exact Oracle Agent (Eq. 4-7) and the paper's bounds (Eq. 8-9) on your own "
        "per-instance log, and with --frontier the routing metrics (budgeted oracle frontier, AUC, APGR).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
        "  adaptlib oracle correct.csv --costs costs.csv\n"
        "  adaptlib oracle routerbench.csv --id-column sample_id --cost-pattern '{state}|total_cost' --frontier\n"
        "  adaptlib oracle --lm-eval results/ --metric acc --costs costs.csv --labels labels.csv",
    )
    parser.add_argument("correct", metavar="CORRECT",
                        help="CSV or Parquet: one column per state, 0/1 or true/false (with --long: one row per "
                        "instance and state; with --lm-eval: the folder of one folder per model)")
    inputs = parser.add_argument_group("inputs")
    inputs.add_argument("--costs", metavar="COSTS", help="CSV with columns state,cost")
    inputs.add_argument("--id-column", metavar="C", help="the column naming each instance (not a state)")
    inputs.add_argument("--states", metavar="A,B", type=_names, help="the state columns (default: every other column)")
    inputs.add_argument("--ignore", metavar="X,Y", type=_names, default=[], help="columns that are not states")
    inputs.add_argument("--cost-pattern", metavar="PATTERN",
                        help="per-instance cost columns, e.g. '{state}|total_cost' (RouterBench); the states are "
                        "then the columns that have one")
    inputs.add_argument("--cost-matrix", metavar="FILE", help="per-instance costs: one column per state")
    inputs.add_argument("--long", action="store_true",
                        help="CORRECT has one row per (instance, state): columns instance,state,correct[,cost]")
    inputs.add_argument("--lm-eval", action="store_true",
                        help="CORRECT is lm-evaluation-harness --log_samples output: one folder per model holding "
                        "samples_<task>_*.jsonl")
    inputs.add_argument("--metric", default="acc", help="with --lm-eval: the 0/1 metric that marks a right answer")
    inputs.add_argument("--task", metavar="T1,T2", type=_names, help="with --lm-eval: the tasks to read (default all)")
    inputs.add_argument("--lm-eval-filter", metavar="NAME", help="with --lm-eval: the filter, when a task logs several")
    outputs = parser.add_argument_group("what to compute")
    outputs.add_argument("--none-correct", choices=NONE_CORRECT_RULES, default="cheapest",
                         help="cost of an instance no state gets right (default: cheapest, as the paper)")
    outputs.add_argument("--cost-model", choices=COST_MODELS, default="routing",
                         help="routing pays the chosen state; cascade pays every state up to it")
    outputs.add_argument("--frontier", action="store_true",
                         help="the budgeted oracle frontier and the mixed single states: vertices, AUC, APGR")
    outputs.add_argument("--target-accuracy", metavar="A", type=_fraction, action="append", default=[],
                         help="the cost each curve needs for accuracy A (a fraction; repeat for several)")
    outputs.add_argument("--router", metavar="COLUMN", type=_names, action="append", default=[],
                         help="a column naming the state your router chose per instance; scored against the oracle "
                         "(several columns: one router at several settings)")
    outputs.add_argument("--bootstrap", metavar="N", type=int, help="percentile intervals from N resamples")
    outputs.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    outputs.add_argument("--labels", metavar="FILE", help="write each instance's oracle state to FILE (CSV or Parquet)")
    outputs.add_argument("--plot", metavar="FILE", help="draw the cost-accuracy plane to FILE (.png or .svg)")
    outputs.add_argument("--format", choices=("table", "json", "csv"), default="table")
    outputs.add_argument("--unit", default="cost units", help="unit of the costs, for the table (e.g. GFLOPs)")
    outputs.add_argument("--engine", choices=ENGINES, default="memory",
                         help="memory (default); chunked or dask read a log too large for memory (oracle and bounds)")
    outputs.add_argument("--scheduler", metavar="ADDR", help="with --engine dask: the scheduler (tcp://host:8786)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    args.router = [c for group in args.router for c in group]
    if args.plot is not None and Path(args.plot).suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"--plot {args.plot}: give a file name ending in .png or .svg")
    if args.scheduler is not None and args.engine != "dask":
        raise ValueError(f"--scheduler {args.scheduler} is for the dask engine; add --engine dask or drop --scheduler")
    if args.bootstrap is not None and args.bootstrap < 10:
        raise ValueError(f"--bootstrap {args.bootstrap}: give at least 10 resamples (1000 is usual)")
    if args.engine != "memory":
        summary = _streamed_summary(args)
    else:
        log = load_log(args)
        measured = measure(log, args.none_correct, args.cost_model)
        notes = []
        if log.instance_costs is not None:
            notes.append("costs are per instance: the states' costs shown are their means; the exact oracle pays each "
                         "instance's own price, Eq. 8-9, the gains and the mixed states use the means")
        summary = oracle_summary(measured.result, log.matrix, notes=notes)
        if args.frontier or args.target_accuracy or args.router or args.plot:
            summary |= routing_summary(log, measured, args.target_accuracy, args.router)
        if args.bootstrap is not None:
            summary["bootstrap"] = bootstrap_summary(log, measured, args.bootstrap, args.seed, args.router)
        if args.labels is not None:
            write_labels(args.labels, log, measured.result, inputs=[args.correct])
    if args.plot is not None:
        from adaptlib.plotting.oracle_plane import plot_oracle_plane

        is_png = args.plot.lower().endswith(".png")
        plot_oracle_plane(summary, args.unit).savefig(args.plot, metadata={"Software": None} if is_png else {"Date": None})
    if args.format == "json":
        print(json.dumps(summary, indent=2))
    elif args.format == "csv":
        print(format_csv(summary))
    else:
        print(format_table(summary, args.unit))
    return 0


def load_log(args: argparse.Namespace) -> UserLog:
    """The log the options describe (wide, ``--long`` or ``--lm-eval``), refused in one line when
    an option does not fit the format."""
    if args.long and args.lm_eval:
        raise ValueError("--long and --lm-eval name two formats; give one")
    lm_eval_only = [o for o, v in (("--metric", args.metric != "acc"), ("--task", args.task),
                                   ("--lm-eval-filter", args.lm_eval_filter)) if v]
    if lm_eval_only and not args.lm_eval:
        raise ValueError(f"{lm_eval_only[0]} is for lm-evaluation-harness samples; add --lm-eval")
    if args.long or args.lm_eval:
        fmt = "--long" if args.long else "--lm-eval"
        wide_only = [o for o, v in (("--ignore", args.ignore), ("--cost-pattern", args.cost_pattern)) if v]
        wide_only += ["--router", "--id-column"] if args.lm_eval and args.router else []
        wide_only += ["--id-column"] if args.lm_eval and args.id_column else []
        if wide_only:
            raise ValueError(f"{wide_only[0]} reads columns of a wide file; it does not apply with {fmt}")
    if args.long:
        from adaptlib.datasets.logs import load_long

        if args.cost_matrix:
            raise ValueError("--cost-matrix does not apply with --long; give a cost column in the log instead")
        return load_long(args.correct, args.costs, id_column=args.id_column or "instance", states=args.states,
                         routers=args.router)
    if args.lm_eval:
        from adaptlib.datasets.lm_eval import load_lm_eval

        return load_lm_eval(args.correct, args.costs, metric=args.metric, tasks=args.task,
                            filter_name=args.lm_eval_filter, states=args.states, cost_matrix=args.cost_matrix)
    return load_wide(args.correct, args.costs, id_column=args.id_column, states=args.states, ignore=args.ignore,
                     cost_pattern=args.cost_pattern, cost_matrix=args.cost_matrix, routers=args.router)


def _streamed_summary(args: argparse.Namespace) -> dict:
    """The oracle and the bounds from counts accumulated chunk by chunk (or on a Dask cluster)."""
    needs_rows = [o for o, v in (("--long", args.long), ("--lm-eval", args.lm_eval), ("--ignore", args.ignore),
                                 ("--cost-pattern", args.cost_pattern), ("--cost-matrix", args.cost_matrix),
                                 ("--frontier", args.frontier), ("--target-accuracy", args.target_accuracy),
                                 ("--router", args.router), ("--bootstrap", args.bootstrap is not None),
                                 ("--plot", args.plot)) if v]
    if needs_rows:
        raise ValueError(
            f"{needs_rows[0]} needs the log in memory (per-instance data); use --engine memory, or with --engine "
            f"{args.engine} give a wide file, --costs and at most --states, --id-column, --labels"
        )
    if args.costs is None:
        raise ValueError(f"--engine {args.engine} needs --costs FILE (columns state,cost)")
    from adaptlib.datasets.streaming import stream_oracle

    def oracle(states, labels=None):
        return stream_oracle(args.correct, args.costs, states=states, id_column=args.id_column, engine=args.engine,
                             scheduler=args.scheduler, none_correct=args.none_correct, cost_model=args.cost_model,
                             labels_path=labels)

    return oracle_summary(oracle(args.states, args.labels), None, subset_oracle=oracle)


def _notes(result: OracleResult) -> list[str]:
    notes = []
    if result.cost_model == "cascade":
        notes.append("cost model cascade: an instance stopped at state i pays R_1 + ... + R_i; the oracle, Eq. 8-9, "
                     "the frontier and the routers use those paid costs; the gains and the mixed states compare "
                     "with each state run alone")
    if result.none_correct != "cheapest":
        notes.append(f"an instance no state gets right costs {result.none_correct!r} in every number: Eq. 8-9 add "
                     "(u - R_1) P(e_N) for its price u")
    return notes


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"{text!r}: give names separated by commas, none empty")
    return names


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a fraction in [0, 1] (divide a percentage by 100)")
    return value


def _cost_for(curve, accuracy: float) -> float:
    """:meth:`Curve.cost_for`, with an accuracy equal to the curve's end up to rounding reached there."""
    end = float(curve.accuracy[-1])
    return curve.cost_for(end if end < accuracy <= end + 1e-12 else accuracy)


def _point(point) -> dict:
    return {"cost": None, "accuracy": None} if point is None else {"cost": point.cost, "accuracy": point.accuracy}


def _float(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _floats(values) -> list:
    return [_float(v) for v in values]
