"""Demonstrations of the slips found in the paper (chapter 9's errata).

- :func:`algorithm1_as_printed`: Algorithm 1 (A.3) with its loop exactly as printed;
- :func:`proof2_steps`, :func:`proof3_steps`: each line of proofs 2 and 3 (A.2) as the text
  reads, checked against the next one with sympy;
- :func:`greedy_counterexample`: the smallest state space (on integer grids) where the greedy
  selection of Algorithm 1 misses the best subset;
- :func:`printed_table_consistency`: the relations between the cells of Tables 1 and 2,
  checked with interval arithmetic on the printed (rounded) values;
- :func:`proof_step_checks`, :func:`selections_frame`, :func:`greedy_misses`: the same as
  chapter 9 shows them (self-checks, tables).
"""
from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations, combinations_with_replacement

import numpy as np
import pandas as pd
import sympy as sp

from adaptlib.analysis import appendix_proofs as proofs
from adaptlib.analysis.appendix_proofs import A, C, R, alpha, e, i
from adaptlib.core.bounds import eq9_conservative
from adaptlib.core.oracle import exact_oracle
from adaptlib.core.selection import greedy_selection, optimal_selections
from adaptlib.core.states import StateSpace
from adaptlib.core.validate import is_integer
from adaptlib.datasets.public import paper_table1, paper_table2

# ----------------------------------------------------------------- Algorithm 1 as printed


def algorithm1_as_printed(space: StateSpace, n_o: int) -> tuple[int, ...]:
    """Algorithm 1 of A.3, line by line: S_o = {S_1, S_N}; ``for size = 2 to N_o``: add the
    unused state with the largest dR(s) = [R(s_+) - R(s)] [A(s) - A(s_-)]. The loop runs
    N_o - 1 times from two states, so it returns N_o + 1 states (positions in cost order).

    The neighbours s_-, s_+ are defined with strict inequalities (R(s_k) < R(s), R(s_k) > R(s)),
    so a state costing the same as a chosen one has none: that case raises ValueError.
    """
    r, acc = space.costs, space.require_accuracies("Algorithm 1")
    n = len(space)
    if not is_integer(n_o) or not 2 <= n_o < n:
        raise ValueError(f"n_o (the desired size N_o) must be an integer with 2 <= N_o < N = {n}; got {n_o!r}")
    chosen = [0, n - 1]
    for _size in range(2, n_o + 1):  # "for size = 2 to N_o", both ends included
        unused = np.setdiff1d(np.arange(n), chosen)
        picked = np.array(chosen)
        below = r[picked][None, :] < r[unused][:, None]
        above = r[picked][None, :] > r[unused][:, None]
        if not (below.any(axis=1).all() and above.any(axis=1).all()):
            tied = space.names[int(unused[~(below.any(axis=1) & above.any(axis=1))][0])]
            raise ValueError(f"state {tied} costs the same as a chosen state: Algorithm 1's s_- or s_+ "
                             "(strict inequalities) does not exist")
        j_minus = picked[np.argmax(np.where(below, r[picked][None, :], -np.inf), axis=1)]
        j_plus = picked[np.argmin(np.where(above, r[picked][None, :], np.inf), axis=1)]
        gain = (r[j_plus] - r[unused]) * (acc[unused] - acc[j_minus])
        chosen.append(int(unused[np.argmax(gain)]))
    return tuple(sorted(chosen))


def utility_evaluations(n: int, n_o: int, *, as_printed: bool = False) -> int:
    """How many dR(s) Algorithm 1 evaluates to reach N_o states out of N (N_o + 1 with the
    printed loop): the step that adds the k-th state scores the N - (k - 1) unused ones, so
    one step is linear in N while the whole selection grows as N x N_o."""
    last = n_o + 1 if as_printed else n_o
    if not 2 <= last <= n:
        raise ValueError(f"need 2 <= N_o{' + 1' if as_printed else ''} <= N; got N = {n}, N_o = {n_o}")
    return int(sum(n - (k - 1) for k in range(3, last + 1)))


# ----------------------------------------------------------------- proofs 2 and 3, line by line


def _delta(k):
    return A[k] - A[k - 1]


def proof2_lines(n) -> list[tuple[str, sp.Expr]]:
    """The lines of proof 2 (A.2) as the text reads, then Eq. 7 as printed in Sec. 2.2.1."""
    tail = R[1] * (1 - e[1] + e[n])
    slipped = sp.Sum((R[i] - R[i - 1]) * alpha[i] * (1 - A[i]), (i, 3, n))
    wrong_n = alpha[n] * (1 - A[n])
    return [
        ("line 1", sp.Sum(R[i] * (e[i - 1] - e[i]), (i, 2, n)) + tail),
        ("line 2", sp.Sum(R[i] * e[i - 1] - R[i] * e[i], (i, 2, n)) + tail),
        ("line 3", R[2] * e[1] + sp.Sum((R[i] - R[i - 1]) * e[i - 1], (i, 3, n)) - R[n] * e[n] + tail),
        ("line 4", R[2] * (1 - A[1]) + slipped - R[n] * wrong_n + R[1] * (1 - (1 - A[1]) + wrong_n)),
        ("line 5", R[1] - R[1] * (1 - A[1]) + R[1] * wrong_n + R[2] * (1 - A[1]) - R[n] * wrong_n + slipped),
        ("line 6", R[1] + (R[2] - R[1]) * (1 - A[1]) + slipped - alpha[n] * (R[n] - R[1]) * (1 - A[n])),
        ("Eq. 7", proofs.eq7_cost(n)),
    ]


def eq7_as_in_proof(costs, accuracies, alpha_values) -> float:
    """R_oracle by the last line of proof 2 (A.2), alpha_i (1 - A_i) in the sum where Eq. 7 has
    alpha_{i-1} (1 - A_{i-1}): ``alpha_values[k]`` is alpha_{k+1} (entry 0 unused)."""
    r = np.asarray(costs, dtype=float)
    acc = np.asarray(accuracies, dtype=float)
    al = np.asarray(alpha_values, dtype=float)
    if not (r.shape == acc.shape == al.shape) or r.size < 2:
        raise ValueError("costs, accuracies and alpha need one value per state, at least two states")
    wrong = al * (1.0 - acc)
    return float(r[0] + (r[1] - r[0]) * (1.0 - acc[0]) - wrong[-1] * (r[-1] - r[0])
                 + np.sum((r[2:] - r[1:-1]) * wrong[2:]))


def proof3_lines(n, corrected: bool = False) -> list[tuple[str, sp.Expr]]:
    """The lines of proof 3 (A.2) from the first whose limits are defined (line 2; line 1 and
    line 3 sum from i = 0 and i = 1, where A_0 and A_{-1} do not exist). ``corrected=True``
    starts the sums of lines 2 and 4 at i = 3, as the next lines need."""
    low = 3 if corrected else 2
    guess = A[2] - 1 / C
    return [
        ("R - R'", proofs.eq9_cost(n) - proofs.guesser_eq9_cost(n)),
        ("line 2", R[1] + sp.Sum((R[i] - R[1]) * _delta(i), (i, 3, n)) + (R[2] - R[1]) * _delta(2)
         - sp.Sum(R[i] * _delta(i), (i, low, n)) - R[2] * guess),
        ("line 4", R[1] - sp.Sum(R[1] * _delta(i), (i, low, n)) + R[2] * _delta(2) - R[2] * guess - R[1] * _delta(2)),
        ("line 5", R[1] - R[1] * (A[n] - A[2]) - R[1] * _delta(2) + R[2] * _delta(2) - R[2] * guess),
        ("line 6", R[1] - R[1] * (A[n] - A[1]) - R[2] * (A[1] - 1 / C)),
        ("line 7", proofs.eq16_difference(n)),
    ]


def proof2_steps(sizes=(3, 4, 5, 6)) -> pd.DataFrame:
    """Whether each line of proof 2 equals the next (P(e_i) given by Eq. 6), for N in ``sizes``."""
    return _step_table(proof2_lines, sizes, lambda expr: expr.replace(
        lambda x: isinstance(x, sp.Indexed) and x.base == e, lambda x: proofs.eq6_p_e(x.indices[0])))


def proof3_steps(sizes=(3, 4, 5, 6), corrected: bool = False) -> pd.DataFrame:
    """Whether each line of proof 3 equals the next, as printed or with ``corrected`` limits."""
    return _step_table(lambda m: proof3_lines(m, corrected), sizes, None)


def _step_table(build, sizes, substitute) -> pd.DataFrame:
    table = {}
    for m in sizes:
        lines = build(m)
        for (left, x), (right, y) in zip(lines[:-1], lines[1:]):
            gap = proofs.written_out(x - y)
            gap = substitute(gap) if substitute is not None else gap
            table.setdefault(f"{left} -> {right}", {})[f"N={m}"] = proofs.vanishes(gap)
    return pd.DataFrame.from_dict(table, orient="index").rename_axis("step")


# ----------------------------------------------------------------- greedy against optimal


@dataclass(frozen=True)
class Counterexample:
    """A state space where Algorithm 1 (greedy) keeps a worse subset than the optimum.

    ``costs`` and ``gains`` are integers (R_1 = 0, A_1 = 0; accuracy A_i = gains_i / scale
    for any scale >= gains[-1]: Eq. 9 and both selections are unchanged by R -> r + t R and
    A -> a + s A with t, s > 0). Bounds are in units of cost x gain (R_oracle x scale).
    """

    costs: tuple[int, ...]
    gains: tuple[int, ...]
    k: int
    greedy: tuple[int, ...]
    optimal: tuple[int, ...]
    greedy_bound: int
    optimal_bound: int
    largest: int  # max(costs[-1], gains[-1]): the grid size at which it was found
    candidates: int  # state spaces tried on that grid

    def space(self, scale: int | None = None) -> StateSpace:
        """As a StateSpace with accuracies gains / scale (default: gains[-1])."""
        scale = self.gains[-1] if scale is None else scale
        names = [f"S{k + 1}" for k in range(len(self.costs))]
        return StateSpace.from_arrays(names, np.array(self.costs, float), np.array(self.gains, float) / scale)


def grid_spaces(n_states: int, largest: int, strict: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Every space with integer costs 0 = R_1 < ... < R_N <= ``largest`` and integer gains
    0 = a_1 < ... < a_N <= ``largest`` (``<=`` between gains if not ``strict``; strict gains
    keep every state on the Pareto front): two arrays (spaces x N)."""
    costs = np.array([(0, *c) for c in combinations(range(1, largest + 1), n_states - 1)], dtype=np.int64)
    if strict:
        rising = combinations(range(1, largest + 1), n_states - 1)
    else:
        rising = combinations_with_replacement(range(largest + 1), n_states - 1)
    gains = np.array([(0, *g) for g in rising], dtype=np.int64)
    if costs.size == 0 or gains.size == 0:
        return np.empty((0, n_states), np.int64), np.empty((0, n_states), np.int64)
    rows = np.arange(len(costs)).repeat(len(gains))
    return costs[rows], np.tile(gains, (len(costs), 1))


def subset_bounds(costs: np.ndarray, gains: np.ndarray, subset) -> np.ndarray:
    """Eq. 9 (times the accuracy scale) of one subset of columns, for every row, in integers:
    R_1 + sum over chosen neighbours (R_b - R_1)(A_b - A_a)."""
    cols = np.asarray(subset)
    r, g = costs[:, cols], gains[:, cols]
    return costs[:, 0] + np.sum((r[:, 1:] - costs[:, [0]]) * np.diff(g, axis=1), axis=1)


def greedy_subsets(costs: np.ndarray, gains: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Algorithm 1 (stopping at exactly k states, ties to the cheaper state) on every row.

    Returns a boolean mask (rows x N) of the chosen states and, per row, whether some step
    had two best states (a tie, where the outcome hangs on the tie rule or on float rounding).
    """
    rows, n = costs.shape
    chosen = np.zeros((rows, n), dtype=bool)
    chosen[:, [0, n - 1]] = True
    tied = np.zeros(rows, dtype=bool)
    position = np.arange(n)
    index = np.arange(rows)[:, None]
    for _ in range(k - 2):
        below = np.maximum.accumulate(np.where(chosen, position, -1), axis=1)
        above = np.minimum.accumulate(np.where(chosen, position, n)[:, ::-1], axis=1)[:, ::-1]
        below = np.clip(below, 0, n - 1)
        above = np.clip(above, 0, n - 1)
        gain = (costs[index, above] - costs) * (gains - gains[index, below])
        gain = np.where(chosen, np.iinfo(np.int64).min, gain)
        top = gain.max(axis=1, keepdims=True)
        tied |= np.count_nonzero(gain == top, axis=1) > 1
        chosen[np.arange(rows), np.argmax(gain, axis=1)] = True
    return chosen, tied


def greedy_counterexample(
    n_states: int = 5, k: int = 4, max_largest: int = 12, strict: bool = True
) -> Counterexample | None:
    """The first integer grid (largest value L = 1, 2, ...) holding a space of ``n_states``
    where greedy's k states have a strictly larger Eq. 9 bound than the best k states, with
    no tie at any greedy step (so the failure does not hang on how ties are broken), and on
    that grid the space with the smallest R_N + a_N (then the first in lexicographic order).
    None if no grid up to ``max_largest`` has one. Exact: integer arithmetic throughout."""
    if not 2 <= k <= n_states:
        raise ValueError(f"k must lie in 2..n_states = {n_states}; got {k}")
    middles = list(combinations(range(1, n_states - 1), k - 2))
    for largest in range(1, max_largest + 1):
        costs, gains = grid_spaces(n_states, largest, strict)
        if len(costs) == 0:
            continue
        mask, tied = greedy_subsets(costs, gains, k)
        greedy_cols = np.nonzero(mask)[1].reshape(len(costs), k)
        greedy = np.sum((costs[np.arange(len(costs))[:, None], greedy_cols[:, 1:]] - costs[:, [0]])
                        * np.diff(gains[np.arange(len(costs))[:, None], greedy_cols], axis=1), axis=1)
        options = np.stack([subset_bounds(costs, gains, (0, *m, n_states - 1)) for m in middles], axis=1)
        best = options.min(axis=1)
        worse = np.flatnonzero((greedy > best) & ~tied)
        if worse.size:
            order = np.lexsort((*(gains[worse].T[::-1]), *(costs[worse].T[::-1]), costs[worse, -1] + gains[worse, -1]))
            row = int(worse[order[0]])
            opt = middles[int(np.argmin(options[row]))]
            return Counterexample(
                costs=tuple(int(x) for x in costs[row]), gains=tuple(int(x) for x in gains[row]), k=k,
                greedy=tuple(int(x) for x in greedy_cols[row]), optimal=(0, *opt, n_states - 1),
                greedy_bound=int(greedy[row]), optimal_bound=int(best[row]),
                largest=largest, candidates=int(len(costs)),
            )
    return None


# ----------------------------------------------------------------- the printed tables


def _interval(value: float, decimals: int = 2) -> tuple[float, float]:
    half = 0.5 * 10.0 ** (-decimals)
    return value - half, value + half


def _overlap(x: tuple[float, float], y: tuple[float, float]) -> bool:
    return x[0] <= y[1] and y[0] <= x[1]


def printed_table_consistency() -> pd.DataFrame:
    """Each relation between printed cells of Tables 1 and 2, with every printed number read
    as the interval its rounding allows (+-0.005): dR = R_N - R_oracle, R_ratio = R_N / R_oracle,
    dA = A_oracle - A_N and A_oracle = 1 - alpha (1 - A_N) (Eq. 8). ``consistent`` is False
    when no choice of the unrounded numbers satisfies the relation."""
    rows = []

    def add(table, row, relation, printed, lo, hi):
        rows.append({"table": table, "row": row, "relation": relation, "printed": printed,
                     "implied_low": lo, "implied_high": hi,
                     "consistent": _overlap(_interval(printed), (lo, hi))})

    t1 = paper_table1()
    for _, row in t1.iterrows():
        name = f"{row['context']} {row['family']}"
        rn = _interval(row["R_N"])
        for suffix in ("a1", "amin"):
            if pd.isna(row[f"R_oracle_{suffix}"]):
                continue
            ro = _interval(row[f"R_oracle_{suffix}"])
            add("1", name, f"dR ({suffix}) = R_N - R_oracle", row[f"dR_{suffix}"], rn[0] - ro[1], rn[1] - ro[0])
            add("1", name, f"R_ratio ({suffix}) = R_N / R_oracle", row[f"R_ratio_{suffix}"], rn[0] / ro[1], rn[1] / ro[0])
        if pd.isna(row["alpha_min"]):
            continue
        an, ao, al = _interval(row["A_N_pct"]), _interval(row["A_oracle_amin_pct"]), _interval(row["alpha_min"])
        add("1", name, "dA = A_oracle - A_N (pct)", row["dA_amin_pct"], ao[0] - an[1], ao[1] - an[0])
        add("1", name, "A_oracle = 100 - alpha (100 - A_N) (pct)", row["A_oracle_amin_pct"],
            100 - al[1] * (100 - an[0]), 100 - al[0] * (100 - an[1]))
        add("1", name, "alpha = (100 - A_oracle) / (100 - A_N)", row["alpha_min"],
            (100 - ao[1]) / (100 - an[0]), (100 - ao[0]) / (100 - an[1]))
    t2 = paper_table2()
    rn_by_key = dict(zip(t1["key"], t1["R_N"]))
    for _, row in t2.iterrows():
        rn, ro = _interval(rn_by_key[row["key"]]), _interval(row["R_oracle"])
        add("2", row["dataset"], "dR = R_N (Table 1) - R_oracle", row["dR"], rn[0] - ro[1], rn[1] - ro[0])
        add("2", row["dataset"], "R_ratio = R_N (Table 1) / R_oracle", row["R_ratio"], rn[0] / ro[1], rn[1] / ro[0])
    return pd.DataFrame(rows)


# ----------------------------------------------------------------- as chapter 9 shows them

PROOF2_SLIPS = ("line 3 -> line 4", "line 6 -> Eq. 7")  # the steps of proof 2 that do not hold
PROOF3_SLIPS = ("R - R' -> line 2", "line 2 -> line 4", "line 4 -> line 5")  # proof 3, as printed


def _sizes_text(columns) -> str:
    sizes = [int(str(c).removeprefix("N=")) for c in columns]
    return f"N = {sizes[0]}" if len(sizes) == 1 else f"N = {sizes[0]}..{sizes[-1]}"


def _per_size(row: pd.Series) -> str:
    return ", ".join(f"{c.replace('=', ' = ')}: {'equal' if ok else 'not equal'}" for c, ok in row.items())


def proof_step_checks(steps: pd.DataFrame, slips, corrected: pd.DataFrame | None = None) -> list[tuple[str, bool, str]]:
    """Self-checks of a proof's lines (errata 2 and 3 of chapter 9), one per step of
    :func:`proof2_steps` or :func:`proof3_steps`: a step in ``slips`` holds for no N, every
    other step for every N; with ``corrected`` (the table with corrected limits), every step
    must also hold there. Each is (claim, holds, evidence per N)."""
    if steps.empty or steps.shape[1] == 0:
        raise ValueError("no number of states to check: the proofs' lines need N >= 3")
    unknown = set(slips) - set(steps.index)
    if unknown:
        raise ValueError(f"no step named {sorted(unknown)}; steps: {list(steps.index)}")
    where = _sizes_text(steps.columns)
    items = []
    for step, row in steps.iterrows():
        slip = step in slips
        ok = (not row.any()) if slip else bool(row.all())
        arrow = step.replace(" -> ", " → ").replace(" - ", " − ")
        detail = _per_size(row)
        if corrected is None:
            verdict = "does not follow" if slip else "follows"
            items.append((f"{arrow}: {verdict}, {where}", ok, detail))
        else:
            fixed = corrected.loc[step]
            verdict = "fails as printed, holds with" if slip else "holds as printed and with"
            items.append((f"{arrow}: {verdict} sums from i = 3, {where}", ok and bool(fixed.all()),
                          f"as printed: {detail}; sums from i = 3: {_per_size(fixed)}"))
    return items


def selections_frame(space: StateSpace, selections) -> pd.DataFrame:
    """The states of ``space`` with a column per named selection ({name: Selection}), "✓"
    where it keeps the state: Algorithm 1 against the optimum (erratum 6 of chapter 9)."""
    frame = space.to_frame().set_index("state")
    for name, chosen in selections.items():
        kept = set(chosen.indices)
        frame[name] = ["✓" if k in kept else "" for k in range(len(space))]
    return frame


def greedy_misses(space: StateSpace) -> pd.DataFrame:
    """Every size k at which Algorithm 1 (greedy, A.3) keeps a subset with a larger alpha = 1
    bound (Eq. 9) than the best subset of that size, found by dynamic programming (erratum 6
    of chapter 9): R_oracle of both and greedy's excess in percent, indexed by k."""
    best = optimal_selections(space, len(space))
    rows = {k: (greedy_selection(space, k).point.cost, chosen.point.cost) for k, chosen in best.items()}
    misses = pd.DataFrame(rows, index=["greedy R_oracle", "optimal R_oracle"]).T.rename_axis("k")
    misses["greedy excess %"] = 100 * (misses["greedy R_oracle"] / misses["optimal R_oracle"] - 1)
    return misses[misses["greedy excess %"] > 1e-9]


# ----------------------------------------------------------------- errata 13-18 (claims of the text)

ABSTRACT_RANGE = (10.0, 100.0)  # the abstract's "10-100x efficiency improvements"


def abstract_ratio_ranges() -> pd.DataFrame:
    """The efficiency gains R_ratio that Table 1 prints for each row (alpha = 1 and alpha_min)
    against the abstract's "10-100x in both CV and NLP" (erratum 13 of chapter 9): per row,
    the smallest and largest printed ratio and whether both lie in 10-100x."""
    t1 = paper_table1()
    frame = t1.set_index(["context", "family"])[["R_ratio_a1", "R_ratio_amin"]]
    low, high = frame.min(axis=1), frame.max(axis=1)
    frame = frame.assign(smallest=low, largest=high)
    frame["in 10-100x"] = (low >= ABSTRACT_RANGE[0]) & (high <= ABSTRACT_RANGE[1])
    return frame


def smallest_state_vs_oracle(correct, costs, names=None) -> pd.DataFrame:
    """The agent that always runs S_1 against the exact oracle (Eq. 4-5) on the same states
    (erratum 14 of chapter 9, Sec. 2.2.1's "upper bound ... achievable by any adaptive
    agent"): it pays R_1 <= R_oracle, at accuracy A_1 <= A_oracle."""
    oracle = exact_oracle(correct, costs, names)
    first = oracle.space
    return pd.DataFrame({"R": [first.costs[0], oracle.cost], "A": [first.accuracies[0], oracle.accuracy]},
                        index=pd.Index([f"always S_1 ({first.names[0]})", "exact oracle"], name="agent"))


def guesser_alpha(model_correct, n_classes: int, seed: int = 0, model_cost: float = 1.0) -> float:
    """alpha_2 measured by the exact oracle for S_1 = a free random guesser over ``n_classes``
    classes (right with probability 1/C, drawn with ``seed``, independently of the model) and
    S_2 = the model (erratum 15 of chapter 9): about 1 - 1/C, where Eq. 16 (A.4.1, proof 3)
    takes alpha = 1."""
    model = np.asarray(model_correct, dtype=bool)
    guess = np.random.default_rng(seed).random(model.shape[0]) < 1.0 / n_classes
    measured = exact_oracle(np.column_stack([guess, model]), [0.0, float(model_cost)], ("guesser", "model"))
    return float(measured.alpha[1])


def guesser_alpha_frame(model_correct, class_counts, seed: int = 0) -> pd.DataFrame:
    """:func:`guesser_alpha` for each C in ``class_counts``, with 1 - 1/C and the binomial
    standard error of the measured alpha_2 (the model's errors are the trials)."""
    n_wrong = int(np.sum(~np.asarray(model_correct, dtype=bool)))
    if n_wrong == 0:
        raise ValueError("the model makes no error: alpha_2 is undefined")
    rows = {}
    for c in class_counts:
        expected = 1.0 - 1.0 / c
        rows[int(c)] = {"measured α_2": guesser_alpha(model_correct, c, seed), "1 − 1/C": expected,
                        "standard error": float(np.sqrt(expected * (1 - expected) / n_wrong))}
    return pd.DataFrame(rows).T.rename_axis("C")


def optimistic_accuracy_gains() -> pd.DataFrame:
    """Table 1's optimistic dA against what the exact oracle can gain (erratum 16 of chapter 9):
    dA(alpha) = (1 - alpha)(1 - A_N) falls with alpha and alpha_min <= alpha_N, so the exact
    oracle's dA = (1 - alpha_N)(1 - A_N) is at most the printed one (chapter 5). Per row with
    an alpha_min: the printed dA, (1 - alpha_min)(100 - A_N) recomputed, and 100 - A_N (alpha = 0)."""
    t1 = paper_table1().dropna(subset=["alpha_min"]).set_index(["context", "family"])
    return pd.DataFrame({
        "A_N %": t1["A_N_pct"], "alpha_min": t1["alpha_min"], "printed dA %": t1["dA_amin_pct"],
        "(1 − α_min)(100 − A_N) %": (1 - t1["alpha_min"]) * (100 - t1["A_N_pct"]),
        "dA at α = 0 %": 100 - t1["A_N_pct"],
    })


def added_state_example() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """A three-instance correctness matrix (rows: instances; columns S_1, S_m, S_N with costs
    1, 5, 10) where adding S_m raises the exact oracle's cost while Eq. 9 falls (erratum 17 of
    chapter 9): S_m is right on the instance no other state gets right, so the oracle pays
    R_m there instead of R_1, while A_m = A_N keeps Eq. 3."""
    correct = np.array([[True, True, True], [False, False, True], [False, True, False]])
    return correct, np.array([1.0, 5.0, 10.0]), ("S_1", "S_m", "S_N")


def added_state_frame(correct, costs, names, added: int) -> pd.DataFrame:
    """Exact oracle (cost, accuracy, R_ratio = R_N / R_oracle) and Eq. 9 of the states without
    and with state ``added`` (a column of ``correct``)."""
    keep = [k for k in range(len(costs)) if k != added]
    rows = {}
    for label, cols in (("without", keep), ("with", list(range(len(costs))))):
        oracle = exact_oracle(correct[:, cols], np.asarray(costs)[cols], tuple(names[k] for k in cols))
        rows[f"{label} {names[added]}"] = {
            "exact R_oracle": oracle.cost, "exact A_oracle": oracle.accuracy,
            "exact R_ratio": oracle.space.costs[-1] / oracle.cost,
            "Eq. 9 R_oracle": eq9_conservative(oracle.space).cost}
    return pd.DataFrame(rows).T.rename_axis("states")


def paragraph_similarity(first: str, second: str) -> float:
    """The share of words two paragraphs have in common, in order (difflib's ratio over word
    sequences): the duplicated paragraph of Sec. 3.3 (erratum 18 of chapter 9)."""
    return float(SequenceMatcher(None, first.lower().split(), second.lower().split()).ratio())


# Sec. 3.3 of the paper, as the text extraction reads it: its second paragraph (split by
# Figure 4's caption, without line numbers, a draft) and its third (numbered 394-397) say the same.
SEC33_SECOND_PARAGRAPH = (
    "As it was shown in Figure 2, the empirical calculations of alpha_i for the four state spaces "
    "results in relatively constant values, specially since the models have similar structures and "
    "training. Using the empirical measurements of alpha_i together with Equation 8 one can calculate "
    "a constant-alpha optimistic bound for each model."
)
SEC33_THIRD_PARAGRAPH = (
    "As shown in Figure 2, the empirical calculations of alpha_i across the four state spaces yield "
    "relatively constant values, especially given that the models within each adaptation state space "
    "have similar structures and training. By combining the empirical measurements of alpha_i with "
    "Equation 8, one can calculate an optimistic efficiency and performance bound for each adaptation "
    "state space."
)
SEC33_FIRST_PARAGRAPH = (
    "The alpha = 1 bounds discussed in the preceding section serve as a conservative estimate on the "
    "adaptation potential of various models and datasets. More accurate estimates of the efficiency and "
    "performance achievable by an adaptive agent can be obtained by considering the hidden dependencies "
    "between models (abstracted by alpha_i) within a specific adaptation state space."
)
