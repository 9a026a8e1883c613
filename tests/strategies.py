"""Shared hypothesis strategies and naive reference implementations for adaptlib's tests.

The reference functions loop over instances on purpose: they restate Definition 2.1 and the
paper's equations as plainly as possible, so that the vectorised library is checked against
something written differently.
"""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from adaptlib import StateSpace

# Deterministic in CI: the same examples on every run, no example database, no time limit.
PROPERTY = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

costs_elements = st.floats(min_value=0.01, max_value=1000.0, allow_nan=False, allow_infinity=False)


@st.composite
def matrices_and_costs(draw, min_states=2, max_states=6, max_rows=25, distinct_costs=False):
    """A boolean (instances x states) matrix and one positive cost per column, in any order."""
    n_states = draw(st.integers(min_states, max_states))
    n_rows = draw(st.integers(1, max_rows))
    matrix = draw(arrays(bool, (n_rows, n_states)))
    costs = draw(
        st.lists(costs_elements, min_size=n_states, max_size=n_states, unique=distinct_costs)
    )
    return matrix, np.array(costs)


@st.composite
def nested_matrices(draw, max_states=6, max_rows=25):
    """Errors nested in cost order: state i is right on an instance iff its difficulty is
    below the state's level, levels non-decreasing in cost. So whenever a state is wrong,
    every cheaper state is wrong too. Columns come shuffled, with their costs."""
    n_states = draw(st.integers(2, max_states))
    n_rows = draw(st.integers(1, max_rows))
    levels = np.sort(draw(arrays(np.int64, n_states, elements=st.integers(0, n_states + 1))))
    difficulty = draw(arrays(np.int64, n_rows, elements=st.integers(0, n_states + 1)))
    costs = np.sort(
        draw(st.lists(costs_elements, min_size=n_states, max_size=n_states, unique=True))
    )
    matrix = difficulty[:, None] < levels[None, :]
    order = draw(st.permutations(range(n_states)))
    return matrix[:, order], costs[list(order)]


@st.composite
def monotone_spaces(draw, min_states=2, max_states=8, positive=True):
    """A state space that meets Eq. 2-3: costs increasing, accuracies non-decreasing."""
    n_states = draw(st.integers(min_states, max_states))
    low = 0.01 if positive else 0.0
    costs = draw(
        st.lists(
            st.floats(low, 1000.0, allow_nan=False), min_size=n_states, max_size=n_states, unique=True
        )
    )
    accuracies = draw(
        st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=n_states, max_size=n_states)
    )
    names = [f"S{i + 1}" for i in range(n_states)]
    return StateSpace.from_arrays(names, sorted(costs), sorted(accuracies))


def naive_oracle(
    correct: np.ndarray, costs: np.ndarray, none_correct: str = "cheapest", cost_model: str = "routing"
) -> tuple[float, float]:
    """Definition 2.1 instance by instance: (mean cost, accuracy) of the Oracle Agent.

    Routing pays the cheapest correct state (Eq. 4, a plain min over the correct columns, in
    whatever order they come). Cascade tries the states from cheapest up and pays each one it
    runs until one is right. An instance no state gets right pays R_1 ("cheapest"), the
    largest state ("largest": R_N when routing, every state when cascading) or nothing.
    """
    costs = np.asarray(costs, float)
    order = sorted(range(len(costs)), key=lambda j: costs[j])  # stable, like the library
    total, solved = 0.0, 0
    for row in np.asarray(correct, bool):
        right = [j for j in range(len(costs)) if row[j]]
        if right:
            solved += 1
            if cost_model == "routing":
                total += min(costs[j] for j in right)
            else:
                for j in order:
                    total += costs[j]
                    if row[j]:
                        break
        elif none_correct == "cheapest":
            total += costs[order[0]]
        elif none_correct == "largest":
            total += costs[order[-1]] if cost_model == "routing" else sum(costs)
    n = len(correct)
    return total / n, solved / n


def naive_conservative(costs: np.ndarray, accuracies: np.ndarray) -> float:
    """Eq. 9 written term by term."""
    total = costs[0]
    for i in range(1, len(costs)):
        total += (costs[i] - costs[0]) * (accuracies[i] - accuracies[i - 1])
    return float(total)
