"""The checks every core function shares, written once: integers and monotone state spaces.

Taught in every chapter, through the functions that use it.
"""
from __future__ import annotations

import numbers

import numpy as np

from adaptlib.core.states import StateSpace


def is_integer(value) -> bool:
    """A Python or numpy integer, not a bool (``True`` is an int to Python, never a count here)."""
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


def monotone_arrays(space: StateSpace, context: str, *, min_states: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(costs, accuracies) of a space that obeys Eq. 2-3, else a ValueError naming ``context``."""
    if not isinstance(space, StateSpace):
        raise ValueError(f"{context} takes a StateSpace; build one with StateSpace.from_arrays()")
    space.require_monotone(context)
    if len(space) < min_states:
        raise ValueError(f"{context} needs at least {min_states} states; the space has {len(space)}")
    return space.costs, space.accuracies


def integer_at_least(name: str, value, low: int) -> int:
    """``value`` as an int when it is an integer >= ``low``, else a ValueError naming ``name``."""
    if not is_integer(value) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")
    return int(value)
