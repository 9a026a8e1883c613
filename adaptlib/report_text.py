"""``adaptlib oracle``'s output for people and spreadsheets: the summary of
:func:`adaptlib.report.oracle_summary` (and its routing and bootstrap parts) as aligned text, or as
``key,value`` CSV rows. Accuracies in %, costs in the user's unit (the paper's Eq. 4-9; chapter 02
teaches the oracle, chapter 10 the frontier).
"""
from __future__ import annotations

import math

import numpy as np


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
    rows += [(f"router {name}", r["cost"], r["accuracy"]) for name, r in summary.get("routers", {}).items()]
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
    if "frontier" in summary:
        lines += _routing_lines(summary, unit)
    if "bootstrap" in summary:
        boot = summary["bootstrap"]
        lines += ["", f"bootstrap: {100 * boot['level']:.0f}% percentile intervals over {boot['replicates']:,} "
                      f"resamples of the instances (seed {boot['seed']})"]
        key_width = max(len(k) for k in boot["intervals"])
        for key, (low, high) in boot["intervals"].items():
            percent = "accuracy" in key
            shown = [("-" if v is None else f"{100 * v:.2f}%" if percent else f"{v:,.4g}") for v in (low, high)]
            lines.append(f"  {key:<{key_width}}  [{shown[0]}, {shown[1]}]")
    if summary["notes"]:
        lines += ["", "notes:"] + [f"  - {n}" for n in summary["notes"]]
    return "\n".join(lines)


def _routing_lines(summary: dict, unit: str) -> list[str]:
    routing = summary["frontier"]
    low, high = routing["range"]
    labels = {"oracle": "budgeted oracle frontier", "hull": "single states mixed", "router": "router envelope"}
    curves = [k for k in labels if k in routing]
    width = max(len(labels[k]) for k in curves)
    lines = ["", f"routing metrics over budgets from R_1 = {low:,.4g} to R_N = {high:,.4g} {unit} "
                 "(AUC: mean accuracy over those budgets; APGR = (AUC - A_1) / (A_N - A_1), RouteLLM's)",
             f"  {'curve':<{width}}  {'AUC':>8}  {'APGR':>7}"]
    for key in curves:
        auc, apgr = routing[key]["auc"], routing[key]["apgr"]
        lines.append(f"  {labels[key]:<{width}}  {_pct(auc):>8}  {_fmt(apgr, '.3f'):>7}")
    if "gain_share" in routing.get("router", {}):
        lines.append(f"  router envelope's share of the oracle's area gain over the mixed states: "
                     f"{_fmt(routing['router']['gain_share'], '.3f')}")
    costs = []
    for cost in sorted(c for k in ("oracle", "hull") for c in routing[k]["cost"]):
        if not costs or not math.isclose(cost, costs[-1], rel_tol=1e-9):  # the curves share R_1 up to rounding
            costs.append(cost)
    lines += ["", f"  {'budget (' + unit + ')':>18}  {'oracle frontier':>15}  {'mixed states':>12}"]
    for cost in costs:
        at = [_curve_at(routing[k], cost) for k in ("oracle", "hull")]
        lines.append(f"  {cost:>18,.4g}  {_pct(at[0]):>15}  {_pct(at[1]):>12}")
    if routing["targets"]:
        lines += ["", f"  {'target accuracy':>15}  " + "  ".join(f"{'cost: ' + labels[k]:>{len(labels[k]) + 6}}"
                                                             for k in curves)]
        for target in routing["targets"]:
            lines.append(f"  {100 * target['accuracy']:>14.2f}%  " + "  ".join(
                f"{_fmt(target[k + '_cost'], ',.4g'):>{len(labels[k]) + 6}}" for k in curves))
    for name, r in summary.get("routers", {}).items():
        lines += ["", f"router {name}: cost {r['cost']:,.4g} {unit}, accuracy {_pct(r['accuracy'])}; at that cost the "
                      f"oracle frontier reaches {_pct(r['oracle_accuracy_at_cost'])} and the mixed states "
                      f"{_pct(r['hull_accuracy_at_cost'])} (gain share {_fmt(r['gain_share_at_cost'], '.3f')})",
                  f"  for its accuracy the oracle frontier needs {_fmt(r['oracle_cost_for_accuracy'], ',.4g')} {unit}, "
                  f"the mixed states {_fmt(r['hull_cost_for_accuracy'], ',.4g')}; it picks the oracle's state on "
                  f"{_pct(r['agrees_with_oracle'])} of instances and misses {_pct(r['missed'])} that a state gets right"]
    return lines


def format_csv(summary: dict) -> str:
    """The summary as ``key,value`` rows: dotted keys, per-state lists keyed by state name."""
    import csv
    import io

    states = summary["states"]
    rows = []

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and isinstance(value[0], (dict, list)):
            for i, inner in enumerate(value):
                walk(f"{prefix}[{i}]", inner)
        elif isinstance(value, list) and prefix != "states":
            keys = states if len(value) == len(states) and prefix in _PER_STATE else range(len(value))
            for key, inner in zip(keys, value):
                rows.append((f"{prefix}[{key}]", inner))
        else:
            rows.append((prefix, ";".join(value) if isinstance(value, list) else value))

    walk("", summary)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["key", "value"])
    writer.writerows((key, "" if value is None else value) for key, value in rows)
    return buffer.getvalue().rstrip("\n")


_PER_STATE = {"costs", "accuracies", "alpha", "p_e", "oracle.histogram"}


def _curve_at(curve: dict, cost: float) -> float | None:
    c, a = np.asarray(curve["cost"]), np.asarray(curve["accuracy"])
    if cost < c[0] - 1e-12 * max(1.0, abs(c[0])):
        return None
    return float(np.interp(cost, c, a))


def _pct(value) -> str:
    return "-" if value is None else f"{100 * value:.2f}%"


def _fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)

