"""Practical adaptive agents, measured out of fold, to set against the Oracle Agent's bounds.

The paper bounds what any agent could reach (Definition 2.1, Eq. 5-9). Two kinds of agent that
can actually run, in the families of :mod:`adaptlib.datasets.digits`:

- a **confidence-threshold cascade** (early-exit style): run S_1; stop when its top class
  probability reaches the threshold, otherwise escalate to the next state; the last state
  always answers. Thresholds are one shared number (:func:`shared_cascade`) or one per state,
  fitted on the training folds to trade accuracy against cost at a given price
  (:func:`tuned_cascade`). States without a probability are skipped.
- a **learned router** (:func:`learned_router`): a classifier (a logistic regression, or k
  nearest neighbours) that predicts the oracle's label (Eq. 4: the cheapest state that will
  be right) from features available before the big states run, and routes each instance to
  the cheapest state whose predicted probability of being the label, summed over the cheaper
  states, reaches a level q.

Each agent is a family of policies indexed by one knob (the threshold, the price of cost,
the level q). :func:`cross_validated_curve` measures every knob value on held-out folds: the policy
that decides instance x never saw x (the router never trained on it, the tuned cascade's
thresholds were fitted without it). What each agent pays is its own accounting
(:attr:`Agent.paid`): a cascade pays every state it ran (``"cascade"``, the default) or only the
last (``"routing"``, right for nested states such as early exits whose R_i already includes
the earlier ones); the router pays its chosen state, plus S_1 when its features include S_1's
output.

The last section holds the computations of chapter 10's page, one function per table or
figure input (:func:`chapter_families`, :func:`real_family_agents`, :func:`compare_families`,
:func:`budget_table`, :func:`alpha_models_by_family` and their summaries), so that each of its cells is one call.

Taught in chapter 10.
"""
from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from threadpoolctl import threadpool_limits

from adaptlib.analysis.alpha_models import compare_alpha_models, fit_alpha_models
from adaptlib.analysis.budgets import folds
from adaptlib.analysis.classifiers import knn_probabilities, logistic_probabilities, standardised
from adaptlib.core.bounds import eq8_constant_alpha
from adaptlib.core.frontier import (
    SCALES,
    Curve,
    above_curve,
    area,
    budget_frontier,
    gain_share,
    gain_share_at,
    mixing_baseline,
    operating_envelope,
)
from adaptlib.core.oracle import OracleResult, exact_oracle, first_correct
from adaptlib.core.prices import paid_costs
from adaptlib.core.states import OperatingPoint, StateSpace
from adaptlib.core.validate import integer_at_least

ROUTER_FEATURES: tuple[str, ...] = ("pixels", "state1", "pixels+state1")
ROUTER_CLASSIFIERS: tuple[str, ...] = ("logistic", "knn")
CASCADE_COST_MODELS: tuple[str, ...] = ("cascade", "routing")
SUMMARY_COLUMNS: tuple[str, ...] = ("agent", "max_accuracy", "area", "gain_share", "gain_share_at_oracle_cost",
                                    "points", "above_oracle", "above_frontier", "above_own_frontier")

Decide = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True, eq=False)
class Agent:
    """A family of policies with one knob.

    ``decide(train, apply)`` returns, for every value of ``grid`` (rows) and every instance in
    ``apply`` (columns), the index (cost order) of the state whose answer is returned, using
    only the instances in ``train`` to fit anything. ``paid[i]`` is what the agent pays per
    instance that ends at state i. ``uses_states`` lists the states it may run.
    """

    name: str
    knob: str
    grid: np.ndarray
    decide: Decide
    paid: np.ndarray
    uses_states: np.ndarray
    cost_model: str
    # (train cost, train accuracy, held-out cost, held-out accuracy, n held out) per fold of a
    # budget cross-validation, by (data, folds, split seed): they do not depend on the budget
    # or the margin, so a second budget table reuses them (see budget_cross_validation)
    fold_outcomes: dict = field(default_factory=dict, init=False, repr=False)

    def outcomes(self, choices: np.ndarray, correct: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per knob value: mean cost and accuracy of ``choices`` (K, m) on instances ``rows``."""
        cost = self.paid[choices].mean(axis=-1)
        accuracy = correct[rows[None, :], choices].mean(axis=-1)
        return cost, accuracy


# ------------------------------------------------------------------ cascade


def cascade_states(top_probability: np.ndarray) -> np.ndarray:
    """The states a confidence cascade can use: those with a top probability for every
    instance, and the last state (which always answers and needs none)."""
    top = _probabilities(top_probability)
    usable = np.isfinite(top).all(axis=0)
    usable[-1] = True
    return np.flatnonzero(usable)


def cascade_choice(top_probability: np.ndarray, thresholds: np.ndarray, states: np.ndarray) -> np.ndarray:
    """Where a threshold cascade stops: the first state s of ``states`` (in order) whose top
    probability reaches its threshold, else the last one.

    ``thresholds`` is (K,) (one shared threshold per policy) or (K, len(states) - 1) (one per
    state but the last). Returns (K, n) state indices. Ties (probability == threshold) stop.
    """
    top = _probabilities(top_probability)[:, states[:-1]]
    t = np.asarray(thresholds, dtype=float)
    t = t[:, None, None] if t.ndim == 1 else t[:, None, :]
    confident = top[None, :, :] >= t
    stop = np.concatenate((confident, np.ones(confident.shape[:2] + (1,), dtype=bool)), axis=2)
    return states[np.argmax(stop, axis=2)]


def cascade_paid(costs: Sequence[float], states: np.ndarray, cost_model: str) -> np.ndarray:
    """What a cascade over ``states`` pays when it stops at each state (NaN where unused)."""
    if cost_model not in CASCADE_COST_MODELS:
        raise ValueError(f"cost_model must be one of {', '.join(CASCADE_COST_MODELS)}; got {cost_model!r}")
    r = np.asarray(costs, dtype=float)
    paid = np.full(r.size, np.nan)
    paid[states] = paid_costs(r[states], cost_model)
    return paid


def shared_cascade(top_probability: np.ndarray, costs: Sequence[float], *, cost_model: str = "cascade",
                   n_thresholds: int = 101) -> Agent:
    """The cascade with one threshold for every state; the grid runs over [0, 1] plus one
    value above 1 (threshold 0: always S_1; above 1: always escalate to the last state)."""
    top = _probabilities(top_probability)
    states = cascade_states(top)
    grid = np.append(np.linspace(0.0, 1.0, integer_at_least("n_thresholds", n_thresholds, 2)), np.inf)

    def decide(train: np.ndarray, apply: np.ndarray) -> np.ndarray:
        del train  # nothing to fit
        return cascade_choice(top[apply], grid, states)

    return Agent("cascade (shared threshold)", "threshold", grid, decide,
                 cascade_paid(costs, states, cost_model), states, cost_model)


def fit_state_thresholds(top: np.ndarray, correct: np.ndarray, paid: np.ndarray, prices: np.ndarray) -> np.ndarray:
    """Per-state thresholds that maximise training accuracy - price x cost, by backward induction.

    ``top`` and ``correct`` are (n, m) over the cascade's states in order, ``paid`` (m,) what
    stopping at each costs, ``prices`` (K,) the accuracy one unit of cost is worth. From the
    last state back, each value V_s(x) is what instance x yields when it reaches state s:
    stop (its correctness there) or continue (V_{s+1}(x) minus the price of the extra cost).
    The threshold of state s is the cut of its top probability with the largest total
    advantage of stopping, computed on every training instance (those that reach s depend on
    earlier thresholds, which are set after). Returns (K, m - 1) thresholds.
    """
    n, m = top.shape
    prices = np.asarray(prices, dtype=float)[:, None]
    value = np.broadcast_to(correct[:, -1].astype(float), (prices.size, n))
    thresholds = np.empty((prices.size, m - 1))
    for s in range(m - 2, -1, -1):
        order = np.argsort(-top[:, s], kind="stable")  # most confident first
        ranked = top[order, s]
        go_on = value[:, order] - prices * (paid[s + 1] - paid[s])
        advantage = np.cumsum(correct[order, s][None, :] - go_on, axis=1)  # stop the first k
        gain = np.concatenate((np.zeros((prices.size, 1)), advantage), axis=1)
        cut_ok = np.concatenate(([True], ranked[:-1] > ranked[1:], [True]))  # never split a tie
        k = np.argmax(np.where(cut_ok[None, :], gain, -np.inf), axis=1)
        thresholds[:, s] = np.where(k > 0, ranked[np.maximum(k - 1, 0)], np.inf)
        stop = top[None, :, s] >= thresholds[:, s][:, None]
        value = np.where(stop, correct[None, :, s].astype(float), value - prices * (paid[s + 1] - paid[s]))
    return thresholds


def tuned_cascade(top_probability: np.ndarray, correct: np.ndarray, costs: Sequence[float], *,
                  cost_model: str = "cascade", n_prices: int = 101) -> Agent:
    """The cascade with one threshold per state, fitted on the training folds by
    :func:`fit_state_thresholds`. The knob is the price of cost: 0 runs every state, a price
    above 1 / (the smallest extra cost of a step) stops at S_1; the grid spans them in log steps."""
    top = _probabilities(top_probability)
    matrix = np.asarray(correct, dtype=bool)
    states = cascade_states(top)
    paid = cascade_paid(costs, states, cost_model)
    steps = np.diff(paid[states])
    if (steps < 0).any() or not (steps > 0).any():
        raise ValueError("the tuned cascade needs costs that never fall and rise at least once along its states")
    n_prices = integer_at_least("n_prices", n_prices, 3)
    # A tie (a step of 0, e.g. two models of one architecture under routing cost) costs nothing
    # to cross at any price; the grid spans the prices of the steps that cost something.
    grid = np.concatenate(([0.0], np.geomspace(1e-3 / steps.sum(), 2.0 / steps[steps > 0].min(), n_prices - 1)))

    def decide(train: np.ndarray, apply: np.ndarray) -> np.ndarray:
        thresholds = fit_state_thresholds(top[np.ix_(train, states)], matrix[np.ix_(train, states)],
                                          paid[states], grid)
        return cascade_choice(top[apply], thresholds, states)

    return Agent("cascade (per-state thresholds)", "price of cost", grid, decide, paid, states, cost_model)


# ------------------------------------------------------------------ router


def router_targets(correct: np.ndarray) -> np.ndarray:
    """The router's training labels: the oracle's label (Eq. 4), with S_1 (the oracle's
    cheapest rule) for instances that no state gets right."""
    labels = first_correct(correct)
    return np.where(labels < 0, 0, labels)


def router_features(kind: str, top_probability: np.ndarray, predicted: np.ndarray,
                    pixels: np.ndarray | None = None) -> np.ndarray:
    """Features known before any state beyond S_1 runs.

    ``"pixels"``: the input itself (free to read); ``"state1"``: S_1's top probability and its
    predicted class (one-hot); ``"pixels+state1"``: both. ``predicted`` holds class labels.
    ``"state1"`` alone is a sparse matrix: on ImageNet its one-hot part has 1,000 columns and one
    nonzero per row, and the router fits 60 times faster on it (the same model: see
    :func:`router_probabilities`).
    """
    if kind not in ROUTER_FEATURES:
        raise ValueError(f"router features must be one of {', '.join(ROUTER_FEATURES)}; got {kind!r}")
    parts = []
    if "pixels" in kind:
        if pixels is None:
            raise ValueError(f"router features {kind!r} need the input pixels; give pixels= or use 'state1'")
        parts.append(np.asarray(pixels, dtype=float))
    if "state1" in kind:
        top1 = _probabilities(top_probability)[:, 0]
        if not np.isfinite(top1).all():
            raise ValueError("router features 'state1' need S_1's top probability for every instance")
        first = np.asarray(predicted)[:, 0]
        classes, column = np.unique(first, return_inverse=True)
        one_hot = sparse.csr_matrix((np.ones(first.size), (np.arange(first.size), column)),
                                    shape=(first.size, classes.size))
        if not parts:
            return sparse.hstack([sparse.csr_matrix(top1[:, None]), one_hot], format="csr")
        parts.append(np.column_stack((top1, one_hot.toarray())))
    return np.column_stack(parts)


def router_paid(costs: Sequence[float], features: str) -> np.ndarray:
    """What the router pays per instance sent to state i: R_i, plus R_1 when its features
    include S_1's output and i > 1 (S_1 has already run)."""
    r = np.asarray(costs, dtype=float)
    paid = r.copy()
    if "state1" in features:
        paid[1:] += r[0]
    return paid


def router_probabilities(features: np.ndarray, targets: np.ndarray, n_states: int, train: np.ndarray,
                         apply: np.ndarray, *, classifier: str = "logistic", c: float = 0.1,
                         k: int = 50) -> np.ndarray:
    """Fit the router on ``train`` and return P(label = i | x) for ``apply`` (m, n_states).

    ``"logistic"``: standardised multinomial logistic regression, L2 with inverse strength
    ``c``; ``"knn"``: the label shares among the ``k`` nearest training instances (Euclidean,
    standardised features); both in :mod:`adaptlib.analysis.classifiers`. States that are never
    the label in ``train`` get probability 0. Sparse ``features`` are scaled without centring,
    which keeps them sparse and changes neither model: the logistic intercept is not penalised,
    and distances ignore a shift.
    """
    if classifier not in ROUTER_CLASSIFIERS:
        raise ValueError(f"classifier must be one of {', '.join(ROUTER_CLASSIFIERS)}; got {classifier!r}")
    seen, labels = np.unique(targets[train], return_inverse=True)
    out = np.zeros((apply.size, n_states))
    if seen.size == 1:
        out[:, seen[0]] = 1.0
        return out
    fit_x, apply_x = standardised(features[train], features[apply])
    # One thread: on small data, BLAS threads only fight each other (10x slower on 2 cores).
    with threadpool_limits(limits=1):
        if classifier == "logistic":
            out[:, seen] = logistic_probabilities(fit_x, labels, apply_x, seen.size, c)
        else:
            out[:, seen] = knn_probabilities(fit_x, labels, apply_x, k, seen.size)
    return out


def route_by_level(probabilities: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """The cheapest state i with P(label <= i) >= q, for every level q (rows) and instance.

    q = 0 sends everything to S_1; q near 1 sends an instance up to the last state its router
    gives any weight. Returns (K, m) state indices.
    """
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative[:, -1] = np.inf  # the last state always qualifies
    reached = cumulative[None, :, :] >= np.asarray(levels, dtype=float)[:, None, None] - 1e-12
    return np.argmax(reached, axis=2)


def learned_router(features: np.ndarray, correct: np.ndarray, costs: Sequence[float], *,
                   feature_kind: str, classifier: str = "logistic", c: float = 0.1, k: int = 50,
                   n_levels: int = 101) -> Agent:
    """The learned router (see the module): knob q in [0, 1], the level of :func:`route_by_level`.

    ``feature_kind`` (one of ``ROUTER_FEATURES``) only sets what the router pays
    (:func:`router_paid`); build the matching ``features`` with :func:`router_features`.
    """
    x = features.astype(float) if sparse.issparse(features) else np.asarray(features, dtype=float)
    matrix = np.asarray(correct, dtype=bool)
    if x.ndim != 2 or x.shape[0] != matrix.shape[0]:
        raise ValueError(f"router features must be (n, d) with n = {matrix.shape[0]} rows; got {x.shape}")
    if classifier not in ROUTER_CLASSIFIERS:
        raise ValueError(f"classifier must be one of {', '.join(ROUTER_CLASSIFIERS)}; got {classifier!r}")
    targets = router_targets(matrix)
    n_states = matrix.shape[1]
    grid = np.linspace(0.0, 1.0, integer_at_least("n_levels", n_levels, 2))

    def decide(train: np.ndarray, apply: np.ndarray) -> np.ndarray:
        probabilities = router_probabilities(x, targets, n_states, train, apply,
                                             classifier=classifier, c=c, k=k)
        return route_by_level(probabilities, grid)

    return Agent(f"learned router ({classifier}, {feature_kind})", "level q", grid, decide,
                 router_paid(costs, feature_kind), np.arange(n_states), "routing")


# ------------------------------------------------------------------ evaluation


def out_of_fold_choices(agent: Agent, splits: list[tuple[np.ndarray, np.ndarray]], n: int) -> np.ndarray:
    """Every knob value's choice for every instance, decided by a policy fitted without it."""
    choices = np.empty((agent.grid.size, n), dtype=np.int64)
    for train, test in splits:
        choices[:, test] = agent.decide(train, test)
    return choices


def cross_validated_curve(agent: Agent, correct: np.ndarray, *, n_folds: int = 5, seed: int = 0) -> pd.DataFrame:
    """The agent's operating points, one per knob value, measured out of fold.

    Columns: agent, knob, cost (mean paid per instance), accuracy.
    """
    matrix = np.asarray(correct, dtype=bool)
    n = matrix.shape[0]
    choices = out_of_fold_choices(agent, folds(n, n_folds, seed), n)
    cost, accuracy = agent.outcomes(choices, matrix, np.arange(n))
    return pd.DataFrame({"agent": agent.name, "knob": agent.grid, "cost": cost, "accuracy": accuracy})


def standard_agents(correct: np.ndarray, costs: Sequence[float], top_probability: np.ndarray,
                    predicted: np.ndarray, pixels: np.ndarray | None = None, *,
                    cascade_cost_model: str = "cascade", router_feature_kind: str = "pixels",
                    router_classifier: str = "logistic", router_c: float = 0.1, router_k: int = 50,
                    n_grid: int = 101) -> list[Agent]:
    """The chapter's three agents on one family: the shared-threshold cascade, the per-state
    (tuned) cascade and the learned router, columns in cost order."""
    features = router_features(router_feature_kind, top_probability, predicted, pixels)
    return [
        shared_cascade(top_probability, costs, cost_model=cascade_cost_model, n_thresholds=n_grid),
        tuned_cascade(top_probability, correct, costs, cost_model=cascade_cost_model, n_prices=n_grid),
        learned_router(features, correct, costs, feature_kind=router_feature_kind,
                       classifier=router_classifier, c=router_c, k=router_k, n_levels=n_grid),
    ]


def digits_pixels(n_instances: int) -> np.ndarray:
    """The 64 pixels of scikit-learn's digits, row k = instance k of :mod:`adaptlib.datasets.digits`.

    Read from the file scikit-learn ships (``sklearn/datasets/data/digits.csv.gz``, the label in
    the last column), which ``sklearn.datasets.load_digits`` reads too, without importing
    scikit-learn itself (half a second).
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        raise ImportError("the digits' pixels ship with scikit-learn: pip install scikit-learn")
    table = pd.read_csv(Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz", header=None)
    pixels = table.to_numpy(dtype=float)[:, :-1]
    if pixels.shape[0] != n_instances:
        raise ValueError(f"the digits have {pixels.shape[0]} images but the family has {n_instances} instances")
    return pixels


# ------------------------------------------------------------------ agents against the bounds


@dataclass(frozen=True, eq=False)
class AgentComparison:
    """Agents' out-of-fold curves beside the bounds of one family (chapter 10).

    ``oracle`` is the exact Oracle Agent with the paper's conventions (routing cost, S_1 for
    instances no state gets right); ``frontier`` the budgeted oracle under routing cost, which
    bounds every agent (each pays at least R_i for the state i that answers); ``baseline`` the
    random mix of single states; ``alpha_line`` the Eq. 8 points at alpha = 0 and alpha = 1 on
    ``alpha_line_states``. ``curves`` holds every agent's operating points, ``envelopes`` their
    hulls, ``own_frontiers`` the budgeted oracle under each agent's own accounting and states
    (tighter for a cascade that pays every state it runs). ``summary`` has one row per agent
    (and rows for the frontier and the baseline) with the numbers of :mod:`adaptlib.analysis.budgets`
    over costs [low, high] on ``scale``.
    """

    oracle: OracleResult
    frontier: Curve
    baseline: Curve
    alpha_line: tuple[OperatingPoint, OperatingPoint]
    alpha_line_states: str
    curves: pd.DataFrame
    envelopes: dict[str, Curve]
    own_frontiers: dict[str, Curve]
    low: float
    high: float
    scale: str
    summary: pd.DataFrame

    @property
    def space(self) -> StateSpace:
        return self.oracle.space


def constant_alpha_ends(space: StateSpace) -> tuple[tuple[OperatingPoint, OperatingPoint], str]:
    """Eq. 8's end points (alpha = 0, alpha = 1); on the Pareto states when Eq. 3 fails."""
    label = "all states"
    if not space.assumptions().accuracies_monotone:
        space, label = space.pareto(), "Pareto states"
    return (eq8_constant_alpha(space, 0.0), eq8_constant_alpha(space, 1.0)), label


def compare_agents(correct: np.ndarray, costs: Sequence[float], names: Sequence[str] | None = None,
                   agents: Sequence[Agent] = (), *, n_folds: int = 5, seed: int = 0,
                   scale: str = "log") -> AgentComparison:
    """Measure every agent out of fold and set it against the bounds (columns in cost order).

    The cost range of the summary runs from the cheapest to the costliest state, where the
    non-adaptive baseline lives; ``scale`` (``"log"`` or ``"linear"``) weighs budgets in it.
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}; got {scale!r}")
    matrix = np.asarray(correct, dtype=bool)
    oracle = exact_oracle(matrix, costs, names)
    if np.any(oracle.space.costs != np.asarray(costs, dtype=float)):
        raise ValueError("give the columns in cost order (Eq. 2): the agents index states by column")
    frontier = budget_frontier(matrix, oracle.space.costs)
    baseline = mixing_baseline(oracle.space)
    line, line_states = constant_alpha_ends(oracle.space)
    low, high = float(oracle.space.costs[0]), float(oracle.space.costs[-1])
    if scale == "log" and low <= 0:
        raise ValueError("scale='log' needs the cheapest state's cost > 0; use scale='linear'")
    curves, envelopes, own = [], {}, {}
    rows = [_reference_row("budgeted oracle (frontier)", frontier, frontier, baseline, low, high, scale, oracle),
            _reference_row("non-adaptive baseline", baseline, frontier, baseline, low, high, scale, oracle)]
    for agent in agents:
        curve = cross_validated_curve(agent, matrix, n_folds=n_folds, seed=seed)
        states = agent.uses_states
        own[agent.name] = budget_frontier(matrix[:, states], agent.paid[states])
        envelopes[agent.name] = envelope = operating_envelope(curve.cost, curve.accuracy)
        curves.append(curve)
        rows.append({
            **_reference_row(agent.name, envelope, frontier, baseline, low, high, scale, oracle),
            "points": len(curve),
            "above_oracle": int(np.sum(curve.accuracy > oracle.accuracy + 1e-12)),
            "above_frontier": int(above_curve(curve.cost, curve.accuracy, frontier).sum()),
            "above_own_frontier": int(above_curve(curve.cost, curve.accuracy, own[agent.name]).sum()),
        })
    columns = ["agent", "knob", "cost", "accuracy"]
    return AgentComparison(
        oracle=oracle, frontier=frontier, baseline=baseline, alpha_line=line,
        alpha_line_states=line_states,
        curves=pd.concat(curves, ignore_index=True) if curves else pd.DataFrame(columns=columns),
        envelopes=envelopes, own_frontiers=own, low=low, high=high, scale=scale,
        summary=pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS)),
    )


def _reference_row(name: str, curve: Curve, frontier: Curve, baseline: Curve, low: float, high: float,
                   scale: str, oracle: OracleResult) -> dict:
    return {
        "agent": name,
        "max_accuracy": float(curve.accuracy[-1]),
        "area": area(curve, low, high, scale),
        "gain_share": gain_share(curve, frontier, baseline, low, high, scale),
        "gain_share_at_oracle_cost": gain_share_at(curve, frontier, baseline, oracle.cost),
    }


def _cost_text(cost: float) -> str:
    return f"{cost:,.0f}" if abs(cost) >= 100 or cost == 0 else f"{cost:.3g}"


def _probabilities(top_probability: np.ndarray) -> np.ndarray:
    top = np.asarray(top_probability, dtype=float)
    if top.ndim != 2 or top.shape[1] < 2:
        raise ValueError(f"top probabilities must be (instances x states) with >= 2 states; got {top.shape}")
    finite = top[np.isfinite(top)]
    if ((finite < 0) | (finite > 1)).any():
        raise ValueError("top probabilities must lie in [0, 1] (NaN marks a state without one)")
    return top


def choose_knob(cost: np.ndarray, accuracy: np.ndarray, budget: float) -> int:
    """The knob value to deploy for a mean-cost ``budget``: the most accurate among those whose
    (training) cost meets it, the cheapest of them on a tie; the cheapest overall if none does."""
    feasible = np.flatnonzero(cost <= budget)
    if feasible.size == 0:
        return int(np.argmin(cost))
    best = feasible[accuracy[feasible] == accuracy[feasible].max()]
    return int(best[np.argmin(cost[best])])


def budget_cross_validation(agent: Agent, correct: np.ndarray, budgets: Sequence[float], *,
                            n_folds: int = 5, n_repeats: int = 1, seed: int = 0,
                            margin: float = 0.0) -> pd.DataFrame:
    """Choose the knob on training folds to meet each mean-cost budget, then measure it on the
    held-out fold.

    For every repeat r (split seed ``seed + r``) and outer fold: the training instances get
    out-of-fold choices from an inner K-fold split of the training set alone, the knob is
    picked by :func:`choose_knob` on their cost and accuracy against the target
    ``budget (1 - margin)``, and the policy fitted on the whole training set decides the
    held-out fold. (A knob chosen to spend the budget exactly on training data overshoots it
    on about half of the held-out folds; ``margin`` buys safety with accuracy.) One row per (repeat, fold, budget): knob,
    train_cost, train_accuracy, test_cost, test_accuracy, n_test, over_budget.
    """
    matrix = np.asarray(correct, dtype=bool)
    budgets = np.asarray(budgets, dtype=float)
    if budgets.ndim != 1 or budgets.size == 0 or not np.isfinite(budgets).all() or (budgets <= 0).any():
        raise ValueError(f"budgets must be a non-empty list of positive numbers; got {budgets.tolist()}")
    if not 0.0 <= float(margin) < 1.0:
        raise ValueError(f"margin must lie in [0, 1) (a share of the budget kept in reserve); got {margin!r}")
    rows = []
    for repeat in range(integer_at_least("n_repeats", n_repeats, 1)):
        for fold, (train_cost, train_acc, test_cost, test_acc, n_test) in enumerate(
                _fold_outcomes(agent, matrix, n_folds, seed + repeat)):
            for budget in budgets:
                k = choose_knob(train_cost, train_acc, budget * (1.0 - float(margin)))
                rows.append({
                    "agent": agent.name, "budget": float(budget), "repeat": repeat, "fold": fold,
                    "knob": float(agent.grid[k]), "train_cost": float(train_cost[k]),
                    "train_accuracy": float(train_acc[k]), "test_cost": float(test_cost[k]),
                    "test_accuracy": float(test_acc[k]), "n_test": n_test,
                    "over_budget": bool(test_cost[k] > budget),
                })
    return pd.DataFrame(rows)


def _fold_outcomes(agent: Agent, matrix: np.ndarray, n_folds: int, split_seed: int) -> list[tuple]:
    """Per outer fold of the split ``split_seed``: every knob value's cost and accuracy on the
    training instances (out of fold, from an inner split of them alone) and on the held-out
    fold (the policy fitted on all of the training fold), and the fold's size. Computed once
    per agent, data and split (:attr:`Agent.fold_outcomes`)."""
    key = (hashlib.blake2b(np.packbits(matrix).tobytes(), digest_size=16).hexdigest(), matrix.shape,
           n_folds, split_seed)
    if key not in agent.fold_outcomes:
        outcomes = []
        for train, test in folds(matrix.shape[0], n_folds, split_seed):
            inner_choices = np.empty((agent.grid.size, train.size), dtype=np.int64)
            for fit, held in folds(train.size, n_folds, split_seed):
                inner_choices[:, held] = agent.decide(train[fit], train[held])
            train_cost, train_acc = agent.outcomes(inner_choices, matrix, train)
            test_cost, test_acc = agent.outcomes(agent.decide(train, test), matrix, test)
            outcomes.append((train_cost, train_acc, test_cost, test_acc, int(test.size)))
        agent.fold_outcomes[key] = outcomes
    return agent.fold_outcomes[key]


def budget_summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Per agent and budget: held-out mean cost and accuracy (every instance counted once per
    repeat), the share of held-out folds over budget and the worst fold's cost / budget."""
    runs = runs.assign(cost_sum=runs.test_cost * runs.n_test, acc_sum=runs.test_accuracy * runs.n_test)
    pooled = runs.groupby(["agent", "budget", "repeat"], sort=False)[["cost_sum", "acc_sum", "n_test"]].sum()
    pooled = pooled.assign(cost=pooled.cost_sum / pooled.n_test, accuracy=pooled.acc_sum / pooled.n_test)
    pooled = pooled.reset_index()
    pooled["repeat_over"] = pooled.cost > pooled.budget
    summary = pooled.groupby(["agent", "budget"], sort=False).agg(
        held_out_cost=("cost", "mean"), held_out_accuracy=("accuracy", "mean"),
        repeats_over_budget=("repeat_over", "mean"))
    per_fold = runs.groupby(["agent", "budget"], sort=False).agg(
        folds_over_budget=("over_budget", "mean"), worst_fold_cost=("test_cost", "max"))
    out = summary.join(per_fold).reset_index()
    out["worst_fold_ratio"] = out.worst_fold_cost / out.budget
    return out.drop(columns="worst_fold_cost")


# ------------------------------------------------------------------ the page of chapter 10
# The computations behind the tables of chapter 10 ("Beyond the oracle"), so that each of its
# cells is the one call that computes a result. Paper: Definition 2.1 and Eq. 4-9 (the bounds),
# Sec. 5 (models of alpha_i beyond a constant).


@dataclass(frozen=True, eq=False)
class ChapterFamilies:
    """The state spaces of chapter 10 and the agents run on them.

    ``families[name]`` is (correctness matrix, costs, state names), columns in cost order
    (Eq. 2); ``agents[name]`` the three agents of :func:`standard_agents` (digits families only:
    they need each state's top class probability per instance); ``unit`` the cost unit.
    """

    families: dict[str, tuple[np.ndarray, np.ndarray, Sequence[str]]]
    agents: dict[str, list[Agent]]
    unit: str

    def describe(self) -> str:
        """One line per family: instances, states and the range of costs (below 100, three
        significant digits: GMACs, USD per query)."""
        return "\n".join(
            f"{name}: {matrix.shape[0]} instances, {len(names)} states, costs {_cost_text(costs[0])} "
            f"to {_cost_text(costs[-1])} {self.unit}"
            for name, (matrix, costs, names) in self.families.items())


def chapter_families(user=None, *, cascade_cost_model: str = "cascade", router_feature_kind: str = "pixels",
                     router_classifier: str = "logistic", router_c: float = 0.1, router_k: int = 50,
                     n_grid: int = 101) -> ChapterFamilies:
    """The three digits families with their agents, or the reader's data without agents (chapter 10).

    ``user`` is the reader's data (an object with ``name``, ``correct``, ``space`` and ``unit``,
    as :func:`adaptlib.chapter.inputs.user_inputs` returns) or None for the digits families of
    :mod:`adaptlib.datasets.digits`; the other arguments go to :func:`standard_agents`. A
    correctness matrix holds no top probabilities, so the reader's data get the bounds only.
    """
    if user is not None:
        return ChapterFamilies({user.name: (user.correct, user.space.costs, user.space.names)}, {}, user.unit)
    from adaptlib.datasets.digits import FAMILIES, load_family

    families, agents = {}, {}
    for name in FAMILIES:
        data = load_family(name)
        families[name] = (data.correct, data.costs, data.names)
        agents[name] = standard_agents(
            data.correct, data.costs, data.top_probability, data.predicted, digits_pixels(len(data.truth)),
            cascade_cost_model=cascade_cost_model, router_feature_kind=router_feature_kind,
            router_classifier=router_classifier, router_c=router_c, router_k=router_k, n_grid=n_grid)
    return ChapterFamilies(families, agents, "FLOPs")


def real_family_agents(name: str, *, cascade_cost_model: str = "cascade", router_classifier: str = "logistic",
                       router_c: float = 0.1, router_k: int = 50, n_grid: int = 101) -> ChapterFamilies:
    """A family of real classifiers (``imagenet``) with the agents that need no pixels (chapter 10).

    Its predictions files hold each model's top class probability, which is all the two
    cascades need; the book holds no images, so the learned router reads S_1's output
    (``"state1"``: its top probability and predicted class) and pays S_1 on every instance.
    The states keep the family's cost order, ties included.
    """
    from adaptlib.datasets.digits import OTHER_FAMILIES, check_family, load_family

    check_family(name, OTHER_FAMILIES)
    data = load_family(name)
    agents = standard_agents(data.correct, data.costs, data.top_probability, data.predicted,
                             cascade_cost_model=cascade_cost_model, router_feature_kind="state1",
                             router_classifier=router_classifier, router_c=router_c, router_k=router_k,
                             n_grid=n_grid)
    return ChapterFamilies({name: (data.correct, data.costs, data.names)}, {name: agents}, data.unit)


def compare_families(setup: ChapterFamilies, *, n_folds: int = 5, seed: int = 0,
                     scale: str = "log") -> dict[str, AgentComparison]:
    """:func:`compare_agents` on every family of ``setup``: its agents against the Oracle
    Agent's bounds (Definition 2.1, Eq. 4-5 and 8), the budgeted frontier and the baseline."""
    return {name: compare_agents(matrix, costs, names, setup.agents.get(name, ()), n_folds=n_folds,
                                 seed=seed, scale=scale)
            for name, (matrix, costs, names) in setup.families.items()}


def curve_ranges(curves: pd.DataFrame) -> pd.DataFrame:
    """Per agent of :attr:`AgentComparison.curves`: its number of operating points, the range
    of their mean cost and their best out-of-fold accuracy (chapter 10)."""
    return curves.groupby("agent", sort=False).agg(
        points=("cost", "size"), min_cost=("cost", "min"), max_cost=("cost", "max"),
        max_accuracy=("accuracy", "max"))


def bounds_respected(comparisons: dict[str, AgentComparison]) -> pd.DataFrame:
    """Per family: the agents' operating points, how many lie above a bound (above the exact
    oracle's accuracy, Eq. 5; above the routing frontier; above the agent's own frontier; a
    point counts once per bound it crosses) and whether the frontier passes through the exact
    oracle point (chapter 10)."""
    rows = []
    for name, comp in comparisons.items():
        agents = comp.summary.dropna(subset=["points"])
        above = agents[["above_oracle", "above_frontier", "above_own_frontier"]].to_numpy()
        rows.append({"family": name, "points": len(comp.curves), "above_a_bound": int(above.sum()),
                     "frontier_through_oracle": bool(np.isclose(comp.frontier.at(comp.oracle.cost),
                                                                comp.oracle.accuracy))})
    return pd.DataFrame(rows).set_index("family")


def agent_summary(comparisons: dict[str, AgentComparison]) -> pd.DataFrame:
    """Every family's :attr:`AgentComparison.summary` in one frame indexed by (family, agent):
    the normalised area and the share of the oracle's gain of chapter 10's summary equation."""
    frames = [comp.summary.assign(family=name) for name, comp in comparisons.items()]
    return pd.concat(frames, ignore_index=True).set_index(["family", "agent"])


BUDGET_COLUMNS: tuple[str, ...] = ("agent", "multiple", "budget", "held_out_cost", "held_out_accuracy",
                                   "repeats_over_budget", "folds_over_budget", "worst_fold_ratio",
                                   "frontier", "baseline")


def budget_table(agents: Sequence[Agent], correct: np.ndarray, multiples: Sequence[float],
                 comparison: AgentComparison, *, n_folds: int = 5, n_repeats: int = 1, seed: int = 0,
                 margin: float = 0.0) -> pd.DataFrame:
    """Thresholds for a budget, chapter 10: :func:`budget_cross_validation` of every agent at
    budgets ``multiples`` x the exact oracle's cost (Eq. 5), summarised by :func:`budget_summary`,
    beside the budgeted frontier and the non-adaptive baseline of ``comparison`` at the same
    budgets (the baseline 0 below the cheapest state). One row per agent and budget; no rows
    when there are no agents."""
    if not agents:
        return pd.DataFrame(columns=list(BUDGET_COLUMNS))
    oracle_cost = comparison.oracle.cost
    budgets = [float(m * oracle_cost) for m in multiples]
    runs = pd.concat([budget_cross_validation(agent, correct, budgets, n_folds=n_folds, n_repeats=n_repeats,
                                              seed=seed, margin=margin) for agent in agents],
                     ignore_index=True)
    table = budget_summary(runs)
    table.insert(1, "multiple", table.budget / oracle_cost)
    table["frontier"] = comparison.frontier.at(table.budget.to_numpy())
    table["baseline"] = np.nan_to_num(comparison.baseline.at(table.budget.to_numpy()), nan=0.0)
    return table


def margin_effect(table: pd.DataFrame, with_margin: pd.DataFrame) -> pd.DataFrame:
    """Two :func:`budget_table` runs side by side (chapter 10, second exercise): held-out
    accuracy and share of folds over budget without and with a margin, and the accuracy lost."""
    shown = ["agent", "budget", "held_out_accuracy", "folds_over_budget"]
    both = table[shown].merge(with_margin[shown], on=["agent", "budget"], suffixes=("", "_margin"))
    both["accuracy_lost"] = both.held_out_accuracy - both.held_out_accuracy_margin
    return both


def alpha_models_by_family(comparisons: dict[str, AgentComparison], *, weighting: str = "errors"):
    """The models of alpha_i (Sec. 5 of the paper; constant or linear, bound by Eq. 7) fitted on
    every family: ``(fits, table)`` with ``fits[family]`` from
    :func:`adaptlib.analysis.alpha_models.fit_alpha_models` and ``table`` the rows of
    :func:`adaptlib.analysis.alpha_models.compare_alpha_models` with a ``family`` column."""
    fits, tables = {}, []
    for name, comp in comparisons.items():
        fits[name] = fit_alpha_models(comp.oracle, weighting=weighting)
        tables.append(compare_alpha_models(comp.oracle, weighting=weighting).assign(family=name))
    return fits, pd.concat(tables, ignore_index=True)


def alpha_model_errors(alpha_table: pd.DataFrame) -> pd.DataFrame:
    """Per model of alpha_i (the exact vector left out): the errors of its Eq. 7 bound, as
    ``abs_cost`` (|cost error|, %) and ``abs_acc`` (|accuracy error|, points), and its rmse in
    alpha_i, each averaged over the families (chapter 10)."""
    errors = alpha_table[alpha_table.model != "exact"].assign(
        abs_cost=lambda t: t.cost_error_pct.abs(), abs_acc=lambda t: t.accuracy_error_pp.abs())
    return errors.groupby("model", sort=False)[["abs_cost", "abs_acc", "alpha_rmse"]].mean()


def alpha_model_verdicts(alpha_table: pd.DataFrame) -> dict:
    """What chapter 10 says of the models of alpha_i: on how many families a line beats both
    constants on cost (``lin_wins`` of ``n_families``), the model with the smallest |cost error|
    per family (``winners``: family, model, cost_error_pct) and how many fitted vectors imply
    P(e_i) that rise with i (``inconsistent``)."""
    errors = alpha_table[alpha_table.model != "exact"].assign(abs_cost=lambda t: t.cost_error_pct.abs())

    def best(prefix: str) -> pd.Series:
        return errors.loc[errors.model.str.startswith(prefix)].groupby("family", sort=False).abs_cost.min()

    linear, constant = best("linear"), best("constant")
    winners = errors.loc[errors.groupby("family", sort=False).abs_cost.idxmin()]
    return {"lin_wins": int((linear < constant).sum()), "n_families": len(linear),
            "winners": winners[["family", "model", "cost_error_pct"]].reset_index(drop=True),
            "inconsistent": int(errors.consistent.eq(False).sum())}
