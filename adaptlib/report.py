"""``adaptlib oracle``: the exact oracle and the paper's bounds on a user's own predictions."""
from __future__ import annotations

import argparse
import json
import math

import numpy as np

from adaptlib.core.bounds import eq8_constant_alpha, eq9_conservative, gains
from adaptlib.core.oracle import (
    COST_MODELS,
    NONE_CORRECT_RULES,
    OracleResult,
    exact_oracle,
)
from adaptlib.datasets.user import load_user_inputs


def oracle_summary(result: OracleResult, matrix: np.ndarray) -> dict:
    """Everything ``adaptlib oracle --format json`` prints, as a plain dict.

    ``matrix`` is the correctness matrix in the cost order of ``result.space``. The exact oracle
    uses every state; the closed forms (Eq. 8-9) need Eq. 3, so where measured accuracies break
    it they are computed on the Pareto-filtered states, listed under ``states_used``.
    """
    space = result.space
    report = space.assumptions()
    used = space if report.accuracies_monotone else space.pareto()
    conservative = optimistic = None
    alpha_min = float("nan")
    if len(used) > 1:  # with one state left on the Pareto front, there is no closed form
        used_oracle = result
        if used is not space:
            position = {s: i for i, s in enumerate(space.names)}
            used_oracle = exact_oracle(
                matrix[:, [position[s] for s in used.names]], used.costs, used.names,
                none_correct=result.none_correct, cost_model=result.cost_model,
            )
        conservative = eq9_conservative(used)
        alpha_min = used_oracle.alpha_min
        optimistic = eq8_constant_alpha(used, alpha_min) if math.isfinite(alpha_min) else None
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
    }


def format_table(summary: dict, unit: str) -> str:
    """The summary for people: aligned columns, accuracies in %, costs in ``unit``."""
    names = summary["states"]
    unsolved = "(no state right)"
    width = max(len(unsolved), *(len(n) for n in names))
    lines = [
        f"Exact Oracle Agent over {summary['instances']:,} instances and {len(names)} states "
        f"(cost model: {summary['oracle']['cost_model']}, unsolved instances cost: "
        f"{summary['oracle']['none_correct']})",
        "",
        f"{'state':<{width}}  {'cost (' + unit + ')':>16}  {'accuracy':>9}  {'alpha_i':>8}  "
        f"{'P(e_i)':>8}  {'oracle sends':>12}",
    ]
    for i, name in enumerate(names):
        alpha = summary["alpha"][i]
        lines.append(
            f"{name:<{width}}  {summary['costs'][i]:>16,.4g}  {100 * summary['accuracies'][i]:>8.2f}%  "
            f"{'-' if alpha is None else f'{alpha:.4f}':>8}  {summary['p_e'][i]:>8.4f}  "
            f"{summary['oracle']['histogram'][i]:>12,}"
        )
    lines.append(f"{unsolved:<{width}}  {'':>16}  {'':>9}  {'':>8}  {'':>8}  "
                 f"{summary['oracle']['unsolved']:>12,}")
    oracle, cons, opt, gain = summary["oracle"], summary["conservative"], summary["optimistic"], summary["gains"]
    rows = [
        ("exact oracle (Eq. 4-5)", oracle["cost"], oracle["accuracy"]),
        ("conservative, alpha = 1 (Eq. 9)", cons["cost"], cons["accuracy"]),
        (f"optimistic, alpha_min = {_fmt(opt['alpha_min'], '.4f')} (Eq. 8)", opt["cost"], opt["accuracy"]),
    ]
    label_width = max(len(r[0]) for r in rows)
    lines += ["", f"{'operating point':<{label_width}}  {'cost (' + unit + ')':>16}  {'accuracy':>9}"]
    for label, cost, accuracy in rows:
        percent = "-" if accuracy is None else f"{100 * accuracy:.2f}%"
        lines.append(f"{label:<{label_width}}  {_fmt(cost, ',.4g'):>16}  {percent:>9}")
    used = cons["states_used"]
    if len(used) == 1:
        dominated = ", ".join(n for n in names if n != used[0])
        lines.append(
            f"(closed forms not computed: {dominated} cost at least as much as {used[0]} and are no more "
            f"accurate, so only {used[0]} is left on the Pareto front; Eq. 8-9 need two states)"
        )
    elif used != names:
        lines.append(f"(closed forms on the Pareto-filtered states: {', '.join(used)})")
    ratio = "inf (the exact oracle costs 0)" if gain["r_ratio"] is None else f"{gain['r_ratio']:.2f}x"
    lines += [
        "",
        f"gains of the exact oracle over {names[-1]}: dR = {gain['delta_r']:,.4g} {unit}, "
        f"R_ratio = {ratio}, dA = {100 * gain['delta_a']:+.2f} points",
    ]
    violations = summary["assumptions"]["violations"]
    lines.append("assumptions (Eq. 2-3): " + ("hold" if not violations else "broken"))
    lines += [f"  - {v}" for v in violations]
    return "\n".join(lines)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "oracle",
        help="exact oracle and bounds from your own correctness matrix",
        description="Measure the exact Oracle Agent (Eq. 4-7) and the paper's bounds (Eq. 8-9) "
        "on a correctness matrix (one 0/1 column per state, one row per instance).",
    )
    parser.add_argument("correct", metavar="CORRECT", help="CSV or Parquet: one column per state, 0/1 or true/false")
    parser.add_argument("--costs", required=True, metavar="COSTS", help="CSV with columns state,cost")
    parser.add_argument("--none-correct", choices=NONE_CORRECT_RULES, default="cheapest",
                        help="cost of an instance no state gets right (default: cheapest, as the paper)")
    parser.add_argument("--cost-model", choices=COST_MODELS, default="routing",
                        help="routing pays the chosen state; cascade pays every state up to it")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--unit", default="cost units", help="unit of the costs, for the table (e.g. GFLOPs)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    matrix, space = load_user_inputs(args.correct, args.costs)
    result = exact_oracle(
        matrix, space.costs, space.names, none_correct=args.none_correct, cost_model=args.cost_model
    )
    summary = oracle_summary(result, matrix)
    if args.format == "json":
        print(json.dumps(summary, indent=2))
    else:
        print(format_table(summary, args.unit))
    return 0


def _point(point) -> dict:
    return {"cost": None, "accuracy": None} if point is None else {"cost": point.cost, "accuracy": point.accuracy}


def _float(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _floats(values) -> list:
    return [_float(v) for v in values]


def _fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)
