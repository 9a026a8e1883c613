"""Reading a user's own correctness matrix and state costs, with errors that say what to fix.

Formats (those of the ``adaptlib oracle`` command):
- correctness: CSV or Parquet, one column per state named in the header, one row per
  instance, values 0/1 or true/false;
- costs: CSV with columns ``state,cost`` (other columns, such as ``accuracy``, are allowed).
"""
from __future__ import annotations

import csv
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from .states import StateSpace

_TRUE = {"1", "true", "1.0"}
_FALSE = {"0", "false", "0.0"}


def read_correctness(path: str | PathLike) -> tuple[np.ndarray, list[str]]:
    """Read a correctness matrix; returns (bool array n x N, state names in column order)."""
    path = Path(path)
    frame = _read_table(path, "correctness matrix")
    names = [str(c) for c in frame.columns]
    if len(names) < 2:
        raise ValueError(
            f"{path}: only one state column ({', '.join(names) or 'none'}); the oracle needs at "
            "least two states, one column each"
        )
    if len(frame) == 0:
        raise ValueError(f"{path}: the header names states but there are no rows; add one row per instance")
    columns = [_bool_column(path, name, frame[name]) for name in frame.columns]
    return np.ascontiguousarray(np.column_stack(columns)), names


def read_state_table(path: str | PathLike, *, need_accuracy: bool = False) -> pd.DataFrame:
    """Read a ``state,cost[,accuracy]`` CSV, checking every cell that matters."""
    path = Path(path)
    frame = _read_table(path, "costs")
    missing = [c for c in ("state", "cost") + (("accuracy",) if need_accuracy else ()) if c not in frame]
    if missing:
        raise ValueError(
            f"{path}: no column {', '.join(repr(m) for m in missing)}; expected columns state,cost"
            f"[,accuracy] (found: {', '.join(map(str, frame.columns))})"
        )
    if len(frame) == 0:
        raise ValueError(f"{path}: no rows; add one row per state with its cost")
    states = frame["state"]
    for row, value in enumerate(states, start=1):
        if pd.isna(value) or str(value).strip() == "":
            raise ValueError(f"{path}, row {row}: the state name is empty; every row needs a state name")
    states = states.astype(str).str.strip()
    repeated = states[states.duplicated()].unique().tolist()
    if repeated:
        raise ValueError(f"{path}: state(s) listed twice: {', '.join(repeated)}; keep one row per state")
    out = pd.DataFrame({"state": states})
    for column in ["cost"] + (["accuracy"] if "accuracy" in frame else []):
        out[column] = _number_column(path, column, frame[column], states)
    bad = out.index[out["cost"] < 0]
    if len(bad):
        row = bad[0]
        raise ValueError(
            f"{path}, row {row + 1} (state {out.state[row]!r}): cost {out.cost[row]:g} is negative; "
            "costs must be >= 0"
        )
    if "accuracy" in out:
        bad = out.index[(out["accuracy"] < 0) | (out["accuracy"] > 1)]
        if len(bad):
            row = bad[0]
            raise ValueError(
                f"{path}, row {row + 1} (state {out.state[row]!r}): accuracy {out.accuracy[row]:g} "
                "is outside [0, 1]; give accuracies as fractions (divide percentages by 100)"
            )
    return out


def read_costs(path: str | PathLike) -> pd.Series:
    """Read a ``state,cost`` CSV into a Series indexed by state name."""
    table = read_state_table(path)
    return pd.Series(table["cost"].to_numpy(float), index=pd.Index(table["state"], name="state"), name="cost")


def load_user_inputs(
    correct_path: str | PathLike, costs_path: str | PathLike
) -> tuple[np.ndarray, StateSpace]:
    """Read both files and match them by state name.

    Returns the matrix with its columns in cost order and the (cost-sorted) state space
    without accuracies (the oracle measures them).
    """
    matrix, names = read_correctness(correct_path)
    costs = read_costs(costs_path)
    no_cost = [s for s in names if s not in costs.index]
    if no_cost:
        raise ValueError(
            f"state {no_cost[0]!r} is a column of {correct_path} but has no row in {costs_path}; "
            f"add a row '{no_cost[0]},<cost>' to {costs_path} (or drop the column)"
        )
    no_column = [s for s in costs.index if s not in names]
    if no_column:
        raise ValueError(
            f"state {no_column[0]!r} has a cost in {costs_path} but no column in {correct_path}; "
            f"add the column or remove the row from {costs_path}"
        )
    space = StateSpace.from_arrays(names, costs.loc[names].to_numpy(float))
    order = [names.index(s) for s in space.names]
    if order != list(range(len(names))):
        matrix = np.ascontiguousarray(matrix[:, order])
    return matrix, space


def _read_table(path: Path, what: str) -> pd.DataFrame:
    if not path.exists():
        raise ValueError(f"{path}: no such file; give the path of the {what} file")
    if path.is_dir():
        raise ValueError(f"{path}: is a folder; give the path of the {what} file")
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
            header = [str(c) for c in frame.columns]
        else:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                header = next(csv.reader(handle), None)
            if not header:
                raise ValueError("the file is empty")
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except ValueError as err:  # one line: pandas' parser messages can end in a newline
        detail = " ".join(str(err).split())
        raise ValueError(f"{path}: cannot read the {what} file ({detail}); give a CSV or Parquet file") from None
    except (OSError, UnicodeDecodeError, ImportError, pd.errors.ParserError) as err:
        raise ValueError(
            f"{path}: cannot read the {what} file ({type(err).__name__}: {str(err).splitlines()[0]}); "
            "give a CSV (UTF-8, comma-separated) or Parquet file"
        ) from None
    header = [h.strip() for h in header]
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise ValueError(f"{path}: column name(s) repeated in the header: {', '.join(repeated)}; names must be unique")
    empty = [i + 1 for i, h in enumerate(header) if h == ""]
    if empty:
        raise ValueError(f"{path}: column {empty[0]} has no name in the header; name every column")
    frame.columns = header
    return frame


def _bool_column(path: Path, name: str, values: pd.Series) -> np.ndarray:
    if values.dtype == bool:
        return values.to_numpy()
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.to_numpy(dtype=float)
        bad = ~np.isin(numbers, (0.0, 1.0))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            shown = "an empty cell (NaN)" if np.isnan(numbers[row]) else f"value {numbers[row]:g}"
            raise ValueError(
                f"{path}, column {name!r}, row {row + 1}: {shown}; every cell must be 0/1 or true/false"
            )
        return numbers == 1.0
    text = values.astype(str).str.strip().str.lower()
    is_true, is_false = text.isin(_TRUE).to_numpy(), text.isin(_FALSE).to_numpy()
    bad = ~(is_true | is_false)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raw = values.iloc[row]
        shown = "an empty cell" if str(raw).strip() in ("", "nan", "None") else f"value {raw!r}"
        raise ValueError(
            f"{path}, column {name!r}, row {row + 1}: {shown}; every cell must be 0/1 or true/false"
        )
    return is_true


def _number_column(path: Path, column: str, values: pd.Series, states: pd.Series) -> np.ndarray:
    numbers = pd.to_numeric(values.astype(str).str.strip().replace("", np.nan), errors="coerce").to_numpy(float)
    bad = ~np.isfinite(numbers)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raw = str(values.iloc[row]).strip()
        shown = "is empty" if raw in ("", "nan") else f"is {raw!r}, not a number"
        raise ValueError(
            f"{path}, row {row + 1} (state {states.iloc[row]!r}): {column} {shown}; give a finite number"
        )
    return numbers
