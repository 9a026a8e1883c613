"""What the Oracle Agent pays for an instance: the one price rule of the book (chapter 02).

Stopping at state i costs R_i under ``routing`` (the paper: only the chosen state runs) or
R_1 + ... + R_i under ``cascade`` (every state up to i has run). An instance that no state gets
right costs the cheapest state's price (``cheapest``, the paper's Eq. 4), the largest's
(``largest``) or nothing (``zero``). Eq. 5 and 7 are this rule averaged over instances.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

NoneCorrect = Literal["cheapest", "largest", "zero"]
CostModel = Literal["routing", "cascade"]
NONE_CORRECT_RULES: tuple[str, ...] = ("cheapest", "largest", "zero")
COST_MODELS: tuple[str, ...] = ("routing", "cascade")


def paid_costs(costs: Sequence[float], cost_model: str = "routing") -> np.ndarray:
    """What stopping at each state costs, for costs sorted as in Eq. 2."""
    r = np.asarray(costs, dtype=float)
    if r.ndim != 1 or r.size == 0 or not np.isfinite(r).all() or (r < 0).any():
        raise ValueError(f"costs must be a 1-D vector of finite numbers >= 0; got {costs!r}")
    if np.any(np.diff(r) < 0):
        raise ValueError("costs must be sorted in increasing order (Eq. 2); sort the states first")
    if cost_model == "routing":
        return r.copy()
    if cost_model == "cascade":
        return np.cumsum(r)
    raise ValueError(f"cost_model must be one of {', '.join(COST_MODELS)}; got {cost_model!r}")


def paid_matrix(costs: np.ndarray, cost_model: str = "routing") -> np.ndarray:
    """:func:`paid_costs` per instance: ``costs`` is (n, N), instance x's price of each state in
    the cost order of Eq. 2 (an LLM's price of a query depends on its length; a row need not be
    sorted)."""
    c = np.asarray(costs, dtype=float)
    if c.ndim != 2 or not np.isfinite(c).all() or (c < 0).any():
        raise ValueError(f"per-instance costs must be a 2-D array of finite numbers >= 0; got shape {c.shape}")
    if cost_model == "routing":
        return c.copy()
    if cost_model == "cascade":
        return np.cumsum(c, axis=1)
    raise ValueError(f"cost_model must be one of {', '.join(COST_MODELS)}; got {cost_model!r}")


def unsolved_cost(paid: np.ndarray, none_correct: str = "cheapest") -> float | np.ndarray:
    """What an instance that no state gets right costs, given ``paid = paid_costs(...)``; for
    ``paid_matrix(...)`` (n, N), one price per instance."""
    if none_correct not in NONE_CORRECT_RULES:
        raise ValueError(f"none_correct must be one of {', '.join(NONE_CORRECT_RULES)}; got {none_correct!r}")
    paid = np.asarray(paid, dtype=float)
    price = {"cheapest": paid[..., 0], "largest": paid[..., -1], "zero": np.zeros(paid.shape[:-1])}[none_correct]
    return float(price) if price.ndim == 0 else price


def unsolved_shift(paid: np.ndarray, none_correct: str, unsolved_share: float) -> float:
    """How far the rule ``none_correct`` moves Eq. 5's cost, which prices the unsolved instances
    (a share ``unsolved_share`` = P(e_N) of them) at the first price: (u - c_1) P(e_N)."""
    return (unsolved_cost(paid, none_correct) - float(paid[0])) * unsolved_share
