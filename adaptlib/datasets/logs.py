"""A long log (one row per instance and state) as a :class:`adaptlib.datasets.user.UserLog`.

Layout: CSV or Parquet with columns ``instance`` (another name with ``id_column``), ``state``,
``correct`` (0/1 or true/false) and optionally ``cost`` (that state's cost on that instance),
one row per (instance, state) pair, every state present for every instance. Without a ``cost``
column the costs come from a ``state,cost`` file. Router columns, if any, name the state a
router chose for the instance, the same on every row of the instance.

Taught in chapter 02 (the oracle on a user's own log); used by ``adaptlib oracle --long``.
"""
from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from adaptlib.datasets.user import (
    UserLog,
    _cost_cells,
    _describe_cell,
    _in_cost_order,
    _listing,
    _read_table,
    _router_choices,
    _truth_codes,
    read_costs,
)


def load_long(
    path: str | PathLike,
    costs_path: str | PathLike | None = None,
    *,
    id_column: str = "instance",
    states: Sequence[str] | None = None,
    routers: Sequence[str] = (),
) -> UserLog:
    """Read a long log; ``states`` keeps only those states (all by default)."""
    path = Path(path)
    frame = _read_table(path, "long log")
    needed = [id_column, "state", "correct", *routers]
    missing = [c for c in needed if c not in frame]
    if missing:
        raise ValueError(
            f"{path}: no column {missing[0]!r}; a long log has columns {id_column},state,correct[,cost] "
            f"(the instance column is named by --id-column; found: {_listing(frame.columns)})"
        )
    if len(frame) == 0:
        raise ValueError(f"{path}: the header names the columns but there are no rows; add one row per instance and state")
    has_cost = "cost" in frame
    if has_cost == (costs_path is not None):
        raise ValueError(
            f"{path}: give the costs once: the log's cost column and --costs both name them" if has_cost else
            f"{path}: no cost column; add one (the cost of each row's state on its instance) or give --costs FILE"
        )
    names = frame["state"].astype(str).str.strip()
    if states is not None:
        unknown = [s for s in states if s not in set(names)]
        if unknown:
            raise ValueError(f"{path}: state {unknown[0]!r} of --states has no row (states: {_listing(names.unique())})")
        frame = frame[names.isin(states).to_numpy()].reset_index(drop=True)
        names = names[names.isin(states)].reset_index(drop=True)
    ids = frame[id_column].astype(str).str.strip()
    empty = np.flatnonzero((ids == "").to_numpy() | (names == "").to_numpy())
    if empty.size:
        raise ValueError(f"{path}, row {empty[0] + 1}: the instance or the state is empty; every row needs both")
    instance, instance_ids = pd.factorize(ids)
    state, state_names = pd.factorize(names)
    n, n_states = len(instance_ids), len(state_names)
    if n_states < 2:
        raise ValueError(f"{path}: only one state ({', '.join(state_names)}); the oracle needs at least two")
    key = instance * n_states + state
    seen = pd.Index(key).duplicated()
    if seen.any():
        row = int(np.argmax(seen))
        raise ValueError(
            f"{path}, row {row + 1}: instance {ids[row]!r} and state {names[row]!r} already have a row; keep one "
            "row per instance and state"
        )
    if len(key) != n * n_states:
        present = np.zeros((n, n_states), dtype=bool)
        present[instance, state] = True
        x, i = np.argwhere(~present)[0]
        raise ValueError(
            f"{path}: instance {instance_ids[x]!r} has no row for state {state_names[i]!r}; every instance needs "
            "one row per state"
        )
    truth = _truth_codes(frame[["correct"]])[:, 0]
    if (truth < 0).any():
        row = int(np.argmax(truth < 0))
        raise ValueError(
            f"{path}, column 'correct', row {row + 1}: {_describe_cell(frame['correct'].iat[row])}; every cell "
            "must be 0/1 or true/false"
        )
    matrix = np.zeros((n, n_states), dtype=bool)
    matrix[instance, state] = truth == 1
    per_instance = None
    if has_cost:
        per_instance = np.empty((n, n_states))
        per_instance[instance, state] = _cost_cells(path, "cost", frame["cost"])
        state_costs = per_instance.mean(axis=0)
        if (per_instance == per_instance[:1]).all():
            per_instance = None
    else:
        costs = read_costs(costs_path)
        no_cost = [s for s in state_names if s not in costs.index]
        if no_cost:
            raise ValueError(f"state {no_cost[0]!r} of {path} has no row in {costs_path}; add a row '{no_cost[0]},<cost>'")
        state_costs = costs.loc[list(state_names)].to_numpy(float)
    decided = {name: _instance_router(path, frame[name], name, instance, list(state_names)) for name in routers}
    return _in_cost_order(matrix, list(state_names), state_costs, per_instance, instance_ids.to_numpy(object),
                          id_column, decided)


def _instance_router(path: Path, values: pd.Series, column: str, instance: np.ndarray,
                     names: list[str]) -> np.ndarray:
    """A router column of a long log: one choice per instance, the same on all its rows."""
    choice = _router_choices(path, values, column, names)
    _, first_rows = np.unique(instance, return_index=True)  # codes 0..n-1: each instance's first row
    first = choice[first_rows]
    differs = first[instance] != choice
    if differs.any():
        row = int(np.argmax(differs))
        raise ValueError(
            f"{path}, column {column!r} (--router), row {row + 1}: the router's choice differs between rows of the "
            "same instance; give one choice per instance"
        )
    return first
