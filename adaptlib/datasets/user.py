"""Reading a user's own correctness matrix and state costs, with errors that say what to fix.

Formats (those of the ``adaptlib oracle`` command):
- correctness: CSV or Parquet, one column per state named in the header, one row per
  instance, values 0/1 or true/false;
- costs: CSV with columns ``state,cost`` (other columns, such as ``accuracy``, are allowed).

A CSV file is sniffed before it is read: binary data (NUL bytes, not UTF-8) and JSON are
refused without reading the whole file.

Taught in chapters 02-03, 05 and 08-10 (their correct_path and costs_path).
"""
from __future__ import annotations

import codecs
import os
import re
from collections import Counter
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from adaptlib.core.states import StateSpace

_CELL = {"1": 1, "true": 1, "1.0": 1, "0": 0, "false": 0, "0.0": 0}  # 1 true, 0 false
_SAMPLE_BYTES = 1 << 16  # what is sniffed at each end of a CSV file
_MAX_NAME_LENGTH = 1_000
_JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
_JSON_START = re.compile(r'\s*(\{|\[\s*[\[{"])')  # an object, or a list of lists, records or strings
_LAYOUT = {
    "correctness matrix": "a CSV or Parquet file with one column per state (the header names the "
    "states) and one row of 0/1 per instance",
    "costs": "a CSV file with columns state,cost and one row per state",
}
_TOO_MANY_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")  # pandas' ParserError
_TEXT_HINT = "a CSV (UTF-8, comma-separated) or Parquet file"


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
    return _bool_matrix(path, frame), names


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
    if not (out["cost"] > 0).any():
        raise ValueError(
            f"{path}: every cost is 0; give each state's real cost (e.g. GFLOPs or ms per instance): "
            "a free state may cost 0, but costs must be positive for the others"
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
    columns = {s: i for i, s in enumerate(names)}
    no_column = [s for s in costs.index if s not in columns]
    if no_column:
        raise ValueError(
            f"state {no_column[0]!r} has a cost in {costs_path} but no column in {correct_path}; "
            f"add the column or remove the row from {costs_path}"
        )
    space = StateSpace.from_arrays(names, costs.loc[names].to_numpy(float))
    order = [columns[s] for s in space.names]
    if order != list(range(len(names))):
        matrix = np.ascontiguousarray(matrix[:, order])
    return matrix, space


def _read_table(path: Path, what: str) -> pd.DataFrame:
    """The file's rows as strings (CSV) or as stored (Parquet), columns named by its header."""
    if not path.exists():
        raise ValueError(f"{path}: no such file; give the path of the {what} file")
    if path.is_dir():
        raise ValueError(f"{path}: is a folder; give the path of the {what} file")
    is_parquet = path.suffix.lower() in (".parquet", ".pq")
    if not is_parquet:
        _refuse_non_csv(path, what)
    try:
        if is_parquet:
            frame = pd.read_parquet(path)
            header = [str(c) for c in frame.columns]
        else:
            # header=None: the header is a row like the others, so a row longer than the header
            # is an error (with header=0, pandas silently takes a first column as the index).
            frame = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            header = frame.iloc[0].tolist()
            frame = frame.iloc[1:].reset_index(drop=True)
    except pd.errors.EmptyDataError:
        raise _unreadable(path, what, "the file is empty") from None
    except ValueError as err:  # pandas' ParserError, UnicodeDecodeError, ...
        too_many = _TOO_MANY_FIELDS.search(str(err))
        if too_many:
            expected, line, seen = too_many.groups()
            raise ValueError(
                f"{path}, line {line}: {seen} fields, but the header has {expected} columns; give one "
                "value per column on every line (look for a stray comma)"
            ) from None
        raise _unreadable(path, what, " ".join(str(err).split())) from None  # one line
    except ImportError:  # pandas reads Parquet through pyarrow, an optional dependency
        raise ValueError(
            f"{path}: reading a Parquet file needs pyarrow, which is not installed (or too old); "
            "install the parquet extra: pip install 'adaptlib[parquet]' (or give a CSV file instead)"
        ) from None
    except OSError as err:
        raise _unreadable(path, what, f"{type(err).__name__}: {str(err).splitlines()[0]}", _TEXT_HINT) from None
    header = [h.strip() for h in header]
    too_long = next((i for i, h in enumerate(header) if len(h) > _MAX_NAME_LENGTH), None)
    if too_long is not None:
        raise ValueError(
            f"{path}: column {too_long + 1} of the header is {len(header[too_long]):,} characters long, over the "
            f"{_MAX_NAME_LENGTH:,} allowed for a name; the {what} must be {_LAYOUT[what]}, comma-separated"
        )
    repeated = sorted(h for h, count in Counter(header).items() if count > 1)
    if repeated:
        raise ValueError(f"{path}: column name(s) repeated in the header: {', '.join(repeated)}; names must be unique")
    empty = [i + 1 for i, h in enumerate(header) if h == ""]
    if empty:
        raise ValueError(f"{path}: column {empty[0]} has no name in the header; name every column")
    frame.columns = header
    return frame


def _refuse_non_csv(path: Path, what: str) -> None:
    """Refuse binary data and JSON from the first and last bytes, before reading the whole file."""
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
        tail = b""
        if path.stat().st_size > 2 * _SAMPLE_BYTES:  # a file made long by truncate ends in NULs
            handle.seek(-_SAMPLE_BYTES, os.SEEK_END)
            tail = handle.read()
    if b"\0" in head or b"\0" in tail:
        raise _unreadable(path, what, "it contains NUL bytes: binary data or UTF-16 text, not a CSV", _TEXT_HINT)
    try:  # an incremental decoder accepts a character cut by the end of the sample
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head)
    except UnicodeDecodeError as err:
        detail = f"not UTF-8 text: byte {head[err.start]:#04x} at offset {err.start:,}"
        raise _unreadable(path, what, detail, _TEXT_HINT) from None
    if path.suffix.lower() in _JSON_SUFFIXES or _JSON_START.match(text):
        raise ValueError(f"{path}: looks like JSON; the {what} must be {_LAYOUT[what]}")


def _unreadable(path: Path, what: str, detail: str, hint: str = "a CSV or Parquet file") -> ValueError:
    return ValueError(f"{path}: cannot read the {what} file ({detail}); give {hint}")


def _bool_matrix(path: Path, frame: pd.DataFrame) -> np.ndarray:
    """The cells as a C-ordered bool array; the first bad cell, in file order, is refused."""
    truth = np.empty(frame.shape, dtype=np.int8)  # 1 true, 0 false, -1 anything else
    for j, (_, column) in enumerate(frame.items()):
        try:
            codes, uniques = pd.factorize(column)  # a handful of distinct values; NaN/NA get code -1
        except TypeError:  # unhashable cells, such as a Parquet column of lists
            truth[:, j] = -1
            continue
        truth[:, j] = np.array([_cell_truth(u) for u in uniques] + [-1], dtype=np.int8)[codes]
    bad = truth < 0
    if bad.any():
        row, col = np.unravel_index(np.argmax(bad), bad.shape)
        raise ValueError(
            f"{path}, column {frame.columns[col]!r}, row {row + 1}: {_describe_cell(frame.iat[row, col])}; "
            "every cell must be 0/1 or true/false"
        )
    return truth == 1


def _cell_truth(value) -> int:
    if isinstance(value, str):
        return _CELL.get(value.strip().lower(), -1)
    if isinstance(value, (bool, int, float, np.bool_, np.number)) and value in (0, 1):
        return int(value)
    return -1


def _describe_cell(value) -> str:
    if isinstance(value, str):
        if value.strip() in ("", "nan", "None"):
            return "an empty cell"
        return f"value {value if len(value) <= 40 else value[:37] + '...'!r}"
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return "an empty cell (NaN)"
    return f"value {value:g}" if isinstance(value, (int, float, np.number)) else f"value {value!r}"


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


def read_state_space(path: str | PathLike) -> StateSpace:
    """A state table (CSV ``state,cost`` and optionally ``accuracy``, as fractions) as a StateSpace.

    A file whose costs are all 0 is refused; :meth:`StateSpace.from_arrays` accepts them (the
    oracle's P(e_i) and alpha_i do not depend on the costs). Taught in chapter 01.
    """
    table = read_state_table(path)
    accuracy = table["accuracy"].to_numpy(float) if "accuracy" in table else None
    return StateSpace.from_arrays(table["state"].tolist(), table["cost"].to_numpy(float), accuracy)
