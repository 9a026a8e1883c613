"""Adaptation state spaces: named states with costs R_i and accuracies A_i (Sec. 2.1, Eq. 1-3).

Taught in chapter 01.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class OperatingPoint:
    """Mean resource cost and accuracy of an agent: one point on the accuracy-cost plane."""

    cost: float
    accuracy: float


@dataclass(frozen=True)
class AssumptionReport:
    """Whether a state space meets the paper's ordering assumptions (Eq. 2 and Eq. 3).

    ``costs_sorted`` is True when costs are strictly increasing (ties are reported, since a tie
    leaves the order of two states to chance); ``accuracies_monotone`` is True when accuracies
    never decrease with cost (Eq. 3). ``violations`` lists each failure in words.
    """

    costs_sorted: bool
    accuracies_monotone: bool
    violations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.costs_sorted and self.accuracies_monotone


@dataclass(frozen=True, eq=False)
class StateSpace:
    """States S_1..S_N sorted by cost (Eq. 1-2), with accuracies A_i as fractions when known.

    Build with :meth:`from_arrays` (or read a table with :func:`adaptlib.datasets.user.read_state_space`), which validates and sorts; the fields are
    then trusted by every formula in adaptlib.
    """

    names: tuple[str, ...]
    costs: np.ndarray
    accuracies: np.ndarray | None = None

    @classmethod
    def from_arrays(
        cls,
        names: Sequence[str],
        costs: Sequence[float],
        accuracies: Sequence[float] | None = None,
    ) -> "StateSpace":
        """Validate and sort states by cost (stable, so ties keep the given order)."""
        names = tuple(str(n) for n in names)
        costs = _as_vector("costs", costs, len(names))
        if len(names) == 0:
            raise ValueError("a state space needs at least one state; got none")
        duplicated = sorted(n for n, count in Counter(names).items() if count > 1)
        if duplicated:
            raise ValueError(f"state names must be unique; repeated: {', '.join(duplicated)}")
        _check_finite("costs", names, costs)
        negative = [n for n, c in zip(names, costs) if c < 0]
        if negative:
            raise ValueError(f"costs must be >= 0; negative for state(s): {', '.join(negative)}")
        acc = None
        if accuracies is not None:
            acc = _as_vector("accuracies", accuracies, len(names))
            _check_finite("accuracies", names, acc)
            outside = [n for n, a in zip(names, acc) if not 0.0 <= a <= 1.0]
            if outside:
                raise ValueError(
                    "accuracies must be fractions in [0, 1] (divide percentages by 100); "
                    f"outside for state(s): {', '.join(outside)}"
                )
        order = np.argsort(costs, kind="stable")
        return cls(
            names=tuple(names[i] for i in order),
            costs=_frozen(costs[order]),
            accuracies=None if acc is None else _frozen(acc[order]),
        )

    def __len__(self) -> int:
        return len(self.names)

    def __repr__(self) -> str:
        return f"StateSpace({len(self)} states: {', '.join(self.names)})"

    @property
    def has_accuracies(self) -> bool:
        return self.accuracies is not None

    def require_accuracies(self, context: str) -> np.ndarray:
        if self.accuracies is None:
            raise ValueError(
                f"{context} needs state accuracies; give an `accuracy` column or "
                "compute them with exact_oracle() from a correctness matrix"
            )
        return self.accuracies

    def assumptions(self) -> AssumptionReport:
        """Check Eq. 2 (strictly increasing cost) and Eq. 3 (non-decreasing accuracy)."""
        violations = []
        ties = np.flatnonzero(np.diff(self.costs) == 0)
        for i in ties:
            violations.append(
                f"Eq. 2: states {self.names[i]} and {self.names[i + 1]} cost the same "
                f"({self.costs[i]:g})"
            )
        monotone = True
        if self.accuracies is not None:
            drops = np.flatnonzero(np.diff(self.accuracies) < 0)
            monotone = drops.size == 0
            for i in drops:
                violations.append(
                    f"Eq. 3: {self.names[i + 1]} (cost {self.costs[i + 1]:g}, accuracy "
                    f"{self.accuracies[i + 1]:.4f}) is less accurate than the cheaper "
                    f"{self.names[i]} ({self.accuracies[i]:.4f})"
                )
        return AssumptionReport(ties.size == 0, monotone, violations)

    def require_monotone(self, context: str) -> None:
        """Refuse a space that breaks Eq. 3: the closed forms assume it."""
        acc = self.require_accuracies(context)
        report = self.assumptions()
        if not report.accuracies_monotone:
            first = next(v for v in report.violations if v.startswith("Eq. 3"))
            raise ValueError(
                f"{context} assumes accuracy never decreases with cost (Eq. 3), but {first}; "
                "drop dominated states with space.pareto() first, or use exact_oracle(), "
                "which needs no such assumption"
            )
        del acc

    def pareto(self) -> "StateSpace":
        """Drop dominated states: keep a state only if it is strictly more accurate than
        every cheaper-or-equal-cost state kept before it (Eq. 2-3 then hold strictly)."""
        acc = self.require_accuracies("the Pareto filter")
        keep = []
        best = -np.inf
        # Among equal costs, the most accurate state is considered first.
        order = np.lexsort((-acc, self.costs))
        last_cost = None
        for i in order:
            if acc[i] > best and self.costs[i] != last_cost:
                keep.append(i)
                best = acc[i]
                last_cost = self.costs[i]
        return self.subset(sorted(keep))

    def subset(self, indices: Sequence[int]) -> "StateSpace":
        """The states at ``indices`` (positions in this space), kept in cost order."""
        idx = np.asarray(sorted(set(int(i) for i in indices)), dtype=int)
        if idx.size == 0 or idx[0] < 0 or idx[-1] >= len(self):
            raise ValueError(f"subset indices must lie in 0..{len(self) - 1}; got {list(indices)}")
        return StateSpace(
            names=tuple(self.names[i] for i in idx),
            costs=_frozen(self.costs[idx]),
            accuracies=None if self.accuracies is None else _frozen(self.accuracies[idx]),
        )

    def with_accuracies(self, accuracies: Sequence[float]) -> "StateSpace":
        return StateSpace.from_arrays(self.names, self.costs, accuracies)

    def with_costs(self, costs: Sequence[float]) -> "StateSpace":
        return StateSpace.from_arrays(self.names, costs, self.accuracies)

    def to_frame(self) -> "pd.DataFrame":
        """The states as a table (pandas is imported here only: core needs numpy alone)."""
        import pandas as pd

        frame = pd.DataFrame({"state": list(self.names), "cost": self.costs})
        if self.accuracies is not None:
            frame["accuracy"] = self.accuracies
        return frame


def _as_vector(name: str, values: Sequence[float], expected: int) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers; got {values!r}") from None
    if arr.ndim != 1 or arr.shape[0] != expected:
        raise ValueError(
            f"{name} must hold one value per state ({expected}); got shape {arr.shape}"
        )
    return arr


def _check_finite(name: str, names: tuple[str, ...], values: np.ndarray) -> None:
    bad = [n for n, v in zip(names, values) if not np.isfinite(v)]
    if bad:
        raise ValueError(f"{name} must be finite numbers; missing or NaN for: {', '.join(bad)}")


def _frozen(arr: np.ndarray) -> np.ndarray:
    arr = np.array(arr, dtype=float)
    arr.flags.writeable = False
    return arr


def eq3_breaks(space: StateSpace) -> np.ndarray:
    """Positions of states less accurate than the next cheaper state (each one breaks Eq. 3)."""
    acc = space.require_accuracies("marking Eq. 3 violations")
    return np.flatnonzero(np.diff(acc) < 0) + 1


def pareto_dropped(space: StateSpace) -> np.ndarray:
    """Positions of the states that :meth:`StateSpace.pareto` drops (dominated states)."""
    kept = set(space.pareto().names)
    return np.array([i for i, name in enumerate(space.names) if name not in kept], dtype=int)
