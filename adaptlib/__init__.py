"""adaptlib: the exact Oracle Agent, the bounds of "Adaptive Inference: Theoretical Limits and
Opportunities for Efficient AI", optimal state selection, and the book's helpers.

The package is laid out in layers, each importing only those below it:

- ``adaptlib.core``: the paper's mathematics over numpy (re-exported here);
- ``adaptlib.datasets``: every file read (public tables, per-instance families, a user's matrix);
- ``adaptlib.analysis``: what each section of the paper computes on the core;
- ``adaptlib.plotting``: the figures, drawing only;
- ``adaptlib.chapter``: what a chapter template calls (parameter checks, inputs, glue);
- ``adaptlib.book``: the book's machinery (runner, staleness, site, checks);
- ``adaptlib.cli`` and ``adaptlib.report``: the ``adaptlib`` command.
"""
from adaptlib.core.bootstrap import BootstrapReplicates, bootstrap_oracle, bootstrap_replicates
from adaptlib.core.bounds import (
    Eq10Terms,
    Gains,
    SmallestStateCheck,
    adaptation_costs,
    adapted_oracle_cost,
    break_even_beta0,
    break_even_beta1,
    eq5_oracle,
    eq6_p_e,
    eq7_oracle,
    eq8_constant_alpha,
    eq9_conservative,
    eq10_terms,
    eq11_continuous,
    eq15_two_state,
    eq16_smallest_state,
    gains,
)
from adaptlib.core.oracle import (
    OracleResult,
    correctness_from_predictions,
    exact_oracle,
    first_correct,
    oracle_from_predictions,
)
from adaptlib.core.selection import (
    Selection,
    brute_force_selection,
    greedy_selection,
    optimal_selection,
    optimal_selections,
    subset_bound,
)
from adaptlib.core.states import AssumptionReport, OperatingPoint, StateSpace

__version__ = "0.1.0"

_READERS = ("load_user_inputs", "read_correctness", "read_costs", "read_state_space")


def __getattr__(name: str):
    """The file readers of ``adaptlib.datasets.user``, imported on first use (they need pandas)."""
    if name in _READERS:
        from adaptlib.datasets import user

        return getattr(user, name)
    raise AttributeError(f"module 'adaptlib' has no attribute {name!r}")
