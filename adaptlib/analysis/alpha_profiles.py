"""How alpha_i varies across a state space (Sec. 2.2.2, Fig. 2).

alpha_i = P(states 1..i-1 all wrong | state i wrong) (Eq. 6) ties the exact oracle of Eq. 7 to
the constant-alpha approximation of Eq. 8. The paper reads Fig. 2 as "alpha_i is roughly
constant for models of similar architecture". This module measures an alpha profile with
seeded bootstrap intervals and summarises, per family, how flat it is:

- :func:`alpha_profile`: alpha_i per state with percentile intervals from
  :func:`adaptlib.bootstrap_oracle`;
- :func:`alpha_replicates`: the bootstrap replicates of alpha_i themselves (the same draws as
  :func:`adaptlib.bootstrap_oracle` with the same seed), for statistics of the whole profile;
- :func:`fit_slope`: least-squares slope of alpha_i against the state index i, row by row;
- :func:`flatness`: range, coefficient of variation, slope with its interval, and a verdict;
- :func:`independent_alpha`: what alpha_i would be if the states erred independently;
- :func:`constant_alpha`: the vector alpha_i = alpha (i > 1) that turns Eq. 7 into Eq. 8;
- :func:`pareto_oracle`: the exact oracle on the Pareto-efficient states, where Eq. 8-9 apply;
- :func:`ordering_profiles`: the profiles of one family under the orderings its ties and its
  breaks of Eq. 3 leave open, and :func:`tie_effects`, what a tie does to the exact oracle
  (ImageNet, chapter 03);
(Fig. 1 and the labels of Eq. 4 are in :mod:`adaptlib.analysis.oracle_agent`.)

Taught in chapter 03.
"""
from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from adaptlib.core.bootstrap import bootstrap_oracle, bootstrap_replicates
from adaptlib.core.bounds import eq7_oracle
from adaptlib.core.oracle import OracleResult, exact_oracle
from adaptlib.core.states import OperatingPoint, StateSpace

VERDICTS: tuple[str, ...] = (
    "flat",
    "decreasing",
    "increasing",
    "scattered",
    "inconclusive",
    "too few states",
)


@dataclass(frozen=True)
class Flatness:
    """How constant the measured alpha_i (i > 1) of one state space are.

    ``n_alpha`` counts the alpha_i that are defined (a state that makes no error has none);
    ``mean``, ``range`` (max - min) and ``cv`` (population standard deviation / mean) describe
    the point estimates. ``slope`` is the least-squares slope of alpha_i against the state index
    i, ``slope_low``/``slope_high`` its bootstrap percentile interval; ``drift`` and its interval
    are the slope times the index span (the change the fitted line predicts from the first
    measured alpha to the last). ``off_band`` counts the states whose alpha interval lies
    entirely outside ``mean +- tolerance``. ``verdict`` follows the rule of :func:`flatness`.
    """

    n_alpha: int
    mean: float
    range: float
    cv: float
    slope: float
    slope_low: float
    slope_high: float
    drift: float
    drift_low: float
    drift_high: float
    off_band: int
    tolerance: float
    verdict: str

    def as_dict(self) -> dict:
        return asdict(self)


def alpha_profile(
    correct: np.ndarray,
    costs: Sequence[float],
    names: Sequence[str] | None = None,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    **oracle_options,
) -> pd.DataFrame:
    """alpha_i of Eq. 6 for every state i > 1, with seeded bootstrap percentile intervals.

    Columns: ``state``, ``index`` (i, 1-based in cost order), ``cost`` (R_i), ``accuracy``
    (A_i), ``alpha`` (the estimate on all instances), ``low``, ``high`` (the interval of
    :func:`adaptlib.bootstrap_oracle`). One row per state from the second on; alpha is NaN for
    a state that makes no error (the condition of alpha_i never happens).
    """
    result = exact_oracle(correct, costs, names, **oracle_options)
    intervals = bootstrap_oracle(
        correct, costs, names, n_boot=n_boot, seed=seed, level=level, **oracle_options
    )
    space = result.space
    rows = [f"alpha[{s}]" for s in space.names[1:]]
    return pd.DataFrame(
        {
            "state": list(space.names[1:]),
            "index": np.arange(2, len(space) + 1),
            "cost": space.costs[1:],
            "accuracy": space.accuracies[1:],
            "alpha": intervals.loc[rows, "estimate"].to_numpy(float),
            "low": intervals.loc[rows, "low"].to_numpy(float),
            "high": intervals.loc[rows, "high"].to_numpy(float),
        }
    )


def alpha_replicates(
    correct: np.ndarray,
    costs: Sequence[float],
    names: Sequence[str] | None = None,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    **oracle_options,
) -> np.ndarray:
    """Bootstrap replicates of alpha_i: an array (n_boot, N), column 0 NaN (alpha_1 is undefined).

    The draws are those of :func:`adaptlib.bootstrap_oracle` with the same ``seed``: instances
    are resampled with replacement, which amounts to one multinomial draw of the counts of each
    distinct row of right and wrong states. Percentiles of a column therefore reproduce that
    function's intervals, and statistics of a whole profile (such as its slope) get intervals
    from the same replicates.
    """
    return bootstrap_replicates(correct, costs, names, n_boot=n_boot, seed=seed, **oracle_options).alpha


def fit_slope(index: Sequence[float], alpha: np.ndarray) -> np.ndarray | float:
    """Least-squares slope of alpha against ``index``, ignoring NaN entries.

    ``alpha`` is one profile (m,) or a stack of profiles (B, m); the slope of each row is
    returned (a float for one profile). A row with fewer than two defined values has slope NaN.
    """
    x = np.asarray(index, dtype=float)
    y = np.asarray(alpha, dtype=float)
    single = y.ndim == 1
    y = np.atleast_2d(y)
    if x.ndim != 1 or y.shape[1] != x.size:
        raise ValueError(
            f"index and alpha must have one entry per state; got {x.size} indices "
            f"and alpha of shape {np.shape(alpha)}"
        )
    defined = np.isfinite(y)
    count = defined.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        x_mean = (defined * x).sum(axis=1) / count
        y_mean = np.where(defined, y, 0.0).sum(axis=1) / count
        dx = np.where(defined, x - x_mean[:, None], 0.0)
        dy = np.where(defined, y - y_mean[:, None], 0.0)
        slope = (dx * dy).sum(axis=1) / (dx * dx).sum(axis=1)
    slope = np.where(count >= 2, slope, np.nan)
    return float(slope[0]) if single else slope


def flatness(
    correct: np.ndarray,
    costs: Sequence[float],
    names: Sequence[str] | None = None,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    tolerance: float = 0.1,
    **oracle_options,
) -> Flatness:
    """Summarise how flat alpha_i is across the states of one space (the claim of Fig. 2).

    The verdict rule, applied in this order, with the drift = slope x (last index - first
    index) of the measured alpha_i and its bootstrap interval at ``level``:

    1. ``"too few states"``: fewer than two alpha_i are defined, so no slope can be fitted.
    2. ``"decreasing"`` / ``"increasing"``: the drift interval excludes 0 and the estimated
       drift exceeds ``tolerance`` in size: a trend that is both clear and large.
    3. ``"scattered"``: no such trend, but some state's alpha interval lies entirely outside
       mean +- ``tolerance``: at least one alpha_i clearly departs from the family's level.
    4. ``"flat"``: the whole drift interval lies within +- ``tolerance`` (any trend the data
       allow is small) and no state is off the band.
    5. ``"inconclusive"``: none of these; the intervals are too wide to tell.

    ``tolerance`` (default 0.1, on alpha's [0, 1] scale) is how much change across the family
    one accepts as "roughly constant" for Eq. 8; it is chosen before looking at the data.
    """
    tolerance = _tolerance(tolerance)
    if not 0.5 <= float(level) < 1.0:
        raise ValueError(f"level must lie in [0.5, 1); got {level!r}")
    profile = alpha_profile(
        correct, costs, names, n_boot=n_boot, seed=seed, level=level, **oracle_options
    )
    replicates = alpha_replicates(
        correct, costs, names, n_boot=n_boot, seed=seed, **oracle_options
    )[:, 1:]
    return summarise_profile(profile, replicates, level=level, tolerance=tolerance)


def summarise_profile(
    profile: pd.DataFrame, replicates: np.ndarray, *, level: float = 0.95, tolerance: float = 0.1
) -> Flatness:
    """The :class:`Flatness` of a profile from :func:`alpha_profile` and its replicates (B, m).

    Split out of :func:`flatness` so that a profile and its replicates computed once serve
    both the figure and the summary; the verdict rule is documented there.
    """
    tolerance = _tolerance(tolerance)
    estimates = profile["alpha"].to_numpy(float)
    index = profile["index"].to_numpy(float)
    replicates = np.asarray(replicates, dtype=float)
    if replicates.ndim != 2 or replicates.shape[1] != estimates.size:
        raise ValueError(
            f"replicates must have one column per alpha_i ({estimates.size}); "
            f"got shape {replicates.shape}"
        )
    defined = np.isfinite(estimates)
    m = int(defined.sum())
    nan = float("nan")
    if m < 2:
        mean = float(estimates[defined].mean()) if m else nan
        unfitted = dict.fromkeys(
            ("cv", "slope", "slope_low", "slope_high", "drift", "drift_low", "drift_high"), nan
        )
        return Flatness(
            n_alpha=m,
            mean=mean,
            range=0.0 if m else nan,
            off_band=0,
            tolerance=tolerance,
            verdict="too few states",
            **unfitted,
        )
    values = estimates[defined]
    mean = float(values.mean())
    spread = float(values.max() - values.min())
    cv = float(values.std() / mean) if mean > 0 else nan
    # Fit every replicate on the states measured in the data, so that the span is fixed.
    slope = fit_slope(index[defined], values)
    slopes = fit_slope(index[defined], replicates[:, defined])
    tail = (1.0 - float(level)) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        slope_low, slope_high = (float(q) for q in np.nanquantile(slopes, [tail, 1.0 - tail]))
    span = float(index[defined][-1] - index[defined][0])
    drift, drift_low, drift_high = slope * span, slope_low * span, slope_high * span
    low = profile["low"].to_numpy(float)[defined]
    high = profile["high"].to_numpy(float)[defined]
    off_band = int(np.count_nonzero((low > mean + tolerance) | (high < mean - tolerance)))
    verdict = _verdict(drift, drift_low, drift_high, off_band, tolerance)
    return Flatness(
        m,
        mean,
        spread,
        cv,
        slope,
        slope_low,
        slope_high,
        drift,
        drift_low,
        drift_high,
        off_band,
        tolerance,
        verdict,
    )


def flatness_table(
    families: Mapping[str, tuple[np.ndarray, Sequence[float], Sequence[str] | None]],
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    tolerance: float = 0.1,
    **oracle_options,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Profiles and flatness summaries of several families at once.

    ``families`` maps a family name to ``(correct, costs, names)``. Returns the long frame of
    all profiles (the columns of :func:`alpha_profile` plus ``family``) and a frame of
    :class:`Flatness` fields indexed by family. Every family uses the same ``seed``.
    """
    if not families:
        raise ValueError(
            "families is empty; give at least one family (name -> (correct, costs, names))"
        )
    profiles, summaries = [], {}
    for family, (correct, costs, names) in families.items():
        profile = alpha_profile(
            correct, costs, names, n_boot=n_boot, seed=seed, level=level, **oracle_options
        )
        replicates = alpha_replicates(
            correct, costs, names, n_boot=n_boot, seed=seed, **oracle_options
        )
        summaries[family] = summarise_profile(
            profile, replicates[:, 1:], level=level, tolerance=tolerance
        ).as_dict()
        profiles.append(profile.assign(family=family))
    summary = pd.DataFrame.from_dict(summaries, orient="index")
    summary.index.name = "family"
    long = pd.concat(profiles, ignore_index=True)
    return long[["family"] + [c for c in long.columns if c != "family"]], summary


def independent_alpha(accuracies: Sequence[float]) -> np.ndarray:
    """alpha_i if the states' errors were independent: prod_{j<i} (1 - A_j) (Sec. 2.2.2).

    Under independence the condition "state i is wrong" tells nothing about states 1..i-1, so
    alpha_i = P(states 1..i-1 all wrong) = prod_{j<i} (1 - A_j), which falls quickly with i:
    the paper's argument for why measured alpha_i, which stay high, reveal dependent errors.
    Returns an array of length N with alpha_1 = NaN; ``accuracies`` in cost order.
    """
    acc = np.asarray(accuracies, dtype=float)
    if (
        acc.ndim != 1
        or acc.size == 0
        or not np.isfinite(acc).all()
        or (acc < 0).any()
        or (acc > 1).any()
    ):
        raise ValueError(
            f"accuracies must be a 1-D array of fractions in [0, 1]; got {accuracies!r}"
        )
    out = np.full(acc.size, np.nan)
    out[1:] = np.cumprod(1.0 - acc)[:-1]
    return out


def constant_alpha(n_states: int, value: float) -> np.ndarray:
    """The alpha vector of Eq. 8: alpha_i = ``value`` for every state i > 1 (chapter 03).

    Eq. 8 of the paper sets every alpha_i of Eq. 7 to one constant; passing this vector to
    :func:`adaptlib.eq7_oracle` must give :func:`adaptlib.eq8_constant_alpha`. alpha_1 is
    undefined (NaN), as in the measured profiles: no state is cheaper than the first.
    """
    n = int(n_states)
    if n < 1 or n != n_states:
        raise ValueError(f"n_states must be a whole number of states, at least 1; got {n_states!r}")
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"alpha must be a probability in [0, 1]; got {value!r}")
    return np.r_[np.nan, np.full(n - 1, float(value))]


def pareto_oracle(
    correct: np.ndarray, costs: Sequence[float], names: Sequence[str], **oracle_options
):
    """The exact oracle restricted to the Pareto-efficient states of a family (chapter 03).

    The closed forms Eq. 8-9 assume Eq. 3 (accuracy never falls with cost); a family that
    breaks it enters them through the states :meth:`adaptlib.StateSpace.pareto` keeps (chapter
    01). This runs :func:`adaptlib.exact_oracle` on the columns of ``correct`` of those states,
    so that the exact oracle and Eq. 8-9 are compared on the same states.
    """
    full = exact_oracle(correct, costs, names, **oracle_options)
    kept = full.space.pareto()
    columns = [list(names).index(state) for state in kept.names]
    return exact_oracle(np.asarray(correct)[:, columns], kept.costs, kept.names, **oracle_options)


ORDERINGS: tuple[str, ...] = ("cost order", "ties reversed", "Pareto front")


def ordering_profiles(
    correct: np.ndarray,
    costs: Sequence[float],
    names: Sequence[str],
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    tolerance: float = 0.1,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """alpha_i of one family under each ordering its assumptions leave open (chapter 03).

    alpha_i (Eq. 6) conditions on the states cheaper than state i, so it depends on the order
    of states that cost the same (a break of Eq. 2) and on which states are kept. The
    ``ORDERINGS``, each a state space of :func:`flatness_table`:

    - ``"cost order"``: every state, ties as :class:`adaptlib.StateSpace` orders them (the
      more accurate first);
    - ``"ties reversed"``: every state, each group of equal cost in the reverse order (only
      when the family has a tie);
    - ``"Pareto front"``: the states :meth:`adaptlib.StateSpace.pareto` keeps, those Eq. 8-9
      use (only when it drops a state, i.e. when Eq. 3 fails).

    Returns :func:`flatness_table`'s ``(profiles, summary)``, family = the ordering, and in
    ``profiles`` a column ``position``: the state's 1-based place among every state in cost
    order, so that one state keeps one place across orderings (the x of the chapter's figure).
    """
    matrix = np.asarray(correct)
    names = [str(n) for n in names]
    space = exact_oracle(matrix, costs, names).space
    column = {name: names.index(name) for name in space.names}
    order = list(space.names)
    orderings = {"cost order": order}
    if reversed_ties(space) != order:
        orderings["ties reversed"] = reversed_ties(space)
    front = list(space.pareto().names)
    if len(front) < len(order):
        orderings["Pareto front"] = front
    cost_of = dict(zip(space.names, space.costs))
    families = {
        label: (matrix[:, [column[n] for n in states]], [cost_of[n] for n in states], states)
        for label, states in orderings.items()
    }
    profiles, summary = flatness_table(families, n_boot=n_boot, seed=seed, level=level, tolerance=tolerance)
    position = {name: k + 1 for k, name in enumerate(order)}
    return profiles.assign(position=profiles["state"].map(position)), summary


def reversed_ties(space: StateSpace) -> list[str]:
    """The state names in cost order with each group of equal cost reversed (Eq. 2 broken by a tie)."""
    by_cost = itertools.groupby(zip(space.names, space.costs), key=lambda state: state[1])
    return [name for _, group in by_cost for name, _ in reversed(list(group))]


@dataclass(frozen=True, eq=False)
class TieEffects:
    """What a tie in cost and a break of Eq. 3 do to the exact oracle (chapter 03, ImageNet).

    ``oracle`` uses every state in cost order (ties: the more accurate first), ``reversed_oracle``
    every state with the ties reversed; ``eq7`` is Eq. 7 with ``oracle``'s measured alpha_i;
    ``errors[i]`` counts the instances state i (cost order) gets wrong.
    """

    oracle: OracleResult
    reversed_oracle: OracleResult
    eq7: OperatingPoint
    errors: np.ndarray


def tie_effects(correct: np.ndarray, costs: Sequence[float], names: Sequence[str]) -> TieEffects:
    """The exact oracle of one family in both orders of its ties, and Eq. 7 on its measured alpha_i.

    Eq. 4-7 need the states in cost order (Eq. 2) but not accuracy rising with cost (Eq. 3):
    with every state kept, Eq. 7 must give the exact oracle, and reversing a tie may move the
    tied states' alpha_i but not the oracle's cost or accuracy.
    """
    matrix = np.asarray(correct)
    names = [str(n) for n in names]
    oracle = exact_oracle(matrix, costs, names)
    order = reversed_ties(oracle.space)
    columns = [names.index(n) for n in order]
    cost_of = dict(zip(oracle.space.names, oracle.space.costs))
    swapped = exact_oracle(matrix[:, columns], [cost_of[n] for n in order], order)
    eq7 = eq7_oracle(oracle.space.costs, oracle.space.accuracies, oracle.alpha)
    in_order = [names.index(n) for n in oracle.space.names]
    return TieEffects(oracle, swapped, eq7, (~matrix[:, in_order].astype(bool)).sum(axis=0))


def _verdict(drift: float, low: float, high: float, off_band: int, tolerance: float) -> str:
    if (low > 0 or high < 0) and abs(drift) > tolerance:
        return "decreasing" if drift < 0 else "increasing"
    if off_band:
        return "scattered"
    if -tolerance <= low and high <= tolerance:
        return "flat"
    return "inconclusive"


def _tolerance(value: float) -> float:
    try:
        tol = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"tolerance must be a number in (0, 1]; got {value!r}") from None
    if not 0.0 < tol <= 1.0:
        raise ValueError(f"tolerance must lie in (0, 1]; got {value!r}")
    return tol
