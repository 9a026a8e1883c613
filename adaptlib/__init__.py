"""adaptlib: the exact Oracle Agent, the bounds of "Adaptive Inference: Theoretical Limits and
Opportunities for Efficient AI", optimal state selection, and the book's helpers."""
from .bootstrap import BootstrapReplicates, bootstrap_oracle, bootstrap_replicates
from .bounds import (
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
from .inputs import load_user_inputs, read_correctness, read_costs
from .oracle import (
    OracleResult,
    correctness_from_predictions,
    exact_oracle,
    first_correct,
    oracle_from_predictions,
)
from .selection import (
    Selection,
    brute_force_selection,
    greedy_selection,
    optimal_selection,
    optimal_selections,
    subset_bound,
)
from .states import AssumptionReport, OperatingPoint, StateSpace

__version__ = "0.1.0"
