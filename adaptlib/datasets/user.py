"""Reading a user's own correctness matrix and state costs, with errors that say what to fix.

Formats (those of the ``adaptlib oracle`` command):
- correctness: CSV or Parquet, one column per state named in the header, one row per
  instance, values 0/1 or true/false; other columns (an instance id, a prompt, a router's
  decisions) are named or left out by :func:`load_wide`;
- costs: CSV with columns ``state,cost`` (other columns, such as ``accuracy``, are allowed), or
  per-instance costs: columns of the correctness file named by a pattern such as
  ``{state}|total_cost`` (RouterBench's), or a cost matrix file with one column per state.

A CSV file is sniffed before it is read: binary data (NUL bytes, not UTF-8) and JSON are
refused without reading the whole file, and a Python pickle is never loaded (loading one can
run any code).

Taught in chapters 02-03, 05 and 08-10 (their correct_path and costs_path).
"""
from __future__ import annotations

import codecs
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
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
    "cost matrix": "a CSV or Parquet file with one column of per-instance costs per state and one row per instance",
    "long log": "a CSV or Parquet file with one row per instance and state: columns instance,state,correct[,cost]",
}
_PICKLE_SUFFIXES = (".pkl", ".pickle", ".pk")
_TOO_MANY_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")  # pandas' ParserError
_TEXT_HINT = "a CSV (UTF-8, comma-separated) or Parquet file"


def read_correctness(path: str | PathLike) -> tuple[np.ndarray, list[str]]:
    """Read a correctness matrix; returns (bool array n x N, state names in column order)."""
    path = Path(path)
    frame = _read_table(path, "correctness matrix")
    names = [str(c) for c in frame.columns]
    _check_states_and_rows(path, names, frame)
    return _bool_matrix(path, frame), names


def _check_states_and_rows(path: Path, states: list[str], frame: pd.DataFrame) -> None:
    """A correctness matrix needs two state columns and one row at least."""
    if len(states) < 2:
        raise ValueError(
            f"{path}: only one state column ({', '.join(states) or 'none'}); the oracle needs at "
            "least two states, one column each"
        )
    if len(frame) == 0:
        raise ValueError(f"{path}: the header names states but there are no rows; add one row per instance")


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
    without accuracies (the oracle measures them). :func:`load_wide` reads more layouts.
    """
    log = load_wide(correct_path, costs_path)
    return log.matrix, log.space


@dataclass(frozen=True, eq=False)
class UserLog:
    """A user's per-instance log, in the cost order of Eq. 2.

    ``matrix[x, i]``: state i is right on instance x; ``space``: the states with their costs
    (the mean over instances when costs are per instance; the order follows them);
    ``instance_costs``: (n, N) per-instance costs, or None when each state has one cost;
    ``ids``: the instance ids (row numbers from 1 when the file names none), under the column
    name ``id_name``; ``routers``: for each router column, the state chosen on each instance
    (a column index of ``matrix``).
    """

    matrix: np.ndarray
    space: StateSpace
    instance_costs: np.ndarray | None = None
    ids: np.ndarray | None = None
    id_name: str = "row"
    routers: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def instance_ids(self) -> np.ndarray:
        return np.arange(1, self.matrix.shape[0] + 1) if self.ids is None else self.ids


def load_wide(
    correct_path: str | PathLike,
    costs_path: str | PathLike | None = None,
    *,
    id_column: str | None = None,
    states: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    cost_pattern: str | None = None,
    cost_matrix: str | PathLike | None = None,
    routers: Sequence[str] = (),
) -> UserLog:
    """A wide correctness file (one 0/1 column per state) with its costs, as a :class:`UserLog`.

    Columns that are not states: ``id_column`` (instance ids), ``ignore`` (left out), ``routers``
    (a user's routing decisions: the state chosen per instance). The states are ``states``, or
    with ``cost_pattern`` the columns S for which the pattern names a column (RouterBench:
    ``{state}|total_cost``), or else every other column. Costs come from exactly one of
    ``costs_path`` (``state,cost``), ``cost_pattern`` or ``cost_matrix`` (a file with one column
    of per-instance costs per state, rows matched by ``id_column`` when given, else in order).
    """
    path = Path(correct_path)
    frame = _read_table(path, "correctness matrix")
    columns = list(frame.columns)
    chosen = _wide_states(path, columns, id_column, states, ignore, cost_pattern, routers)
    _check_states_and_rows(path, chosen, frame)
    sources = [name for name, given in (("--costs", costs_path), ("--cost-pattern", cost_pattern),
                                        ("--cost-matrix", cost_matrix)) if given is not None]
    if len(sources) != 1:
        raise ValueError(
            ("give the costs once: " + " and ".join(sources) + " both name them") if sources else
            "no costs given: use --costs FILE (columns state,cost), --cost-pattern '{state}|total_cost' "
            "(per-instance cost columns) or --cost-matrix FILE"
        )
    costs = read_costs(costs_path) if costs_path is not None else None
    truth = _truth_codes(frame if chosen == columns else frame[chosen])
    bad = truth < 0
    if bad.any():
        row, col = np.unravel_index(np.argmax(bad), bad.shape)
        name = chosen[col]
        if costs is not None and name not in costs.index and states is None:
            raise ValueError(
                f"{path}: column {name!r} is not a 0/1 state column ({_describe_cell(frame[name].iat[row])} in row "
                f"{row + 1}) and has no cost in {costs_path}; leave it out with --ignore {name} (or name it with "
                "--id-column if it identifies instances, or list the states with --states)"
            )
        raise ValueError(
            f"{path}, column {name!r}, row {row + 1}: {_describe_cell(frame[name].iat[row])}; "
            "every cell must be 0/1 or true/false"
        )
    matrix = truth == 1
    ids = _instance_ids(path, frame[id_column], id_column) if id_column is not None else None
    if costs is not None:
        no_cost = [s for s in chosen if s not in costs.index]
        if no_cost:
            raise ValueError(
                f"state {no_cost[0]!r} is a column of {correct_path} but has no row in {costs_path}; "
                f"add a row '{no_cost[0]},<cost>' to {costs_path} (or leave the column out with --ignore {no_cost[0]})"
            )
        no_column = [s for s in costs.index if s not in columns]
        if no_column:
            raise ValueError(
                f"state {no_column[0]!r} has a cost in {costs_path} but no column in {correct_path}; "
                f"add the column or remove the row from {costs_path}"
            )
        per_instance = None
        state_costs = costs.loc[chosen].to_numpy(float)
    else:
        if cost_pattern is not None:
            per_instance = _pattern_costs(path, frame, chosen, cost_pattern)
        else:
            per_instance = _matrix_costs(Path(cost_matrix), chosen, ids, id_column, len(frame))
        state_costs = per_instance.mean(axis=0)
        if not (per_instance > 0).any():
            raise ValueError(f"{cost_matrix or path}: every per-instance cost is 0; give the real costs")
        if (per_instance == per_instance[:1]).all():  # one cost per state after all
            per_instance = None
    decided = {name: _router_choices(path, frame[name], name, chosen) for name in routers}
    return _in_cost_order(matrix, chosen, state_costs, per_instance, ids, id_column or "row", decided)


def _wide_states(path, columns, id_column, states, ignore, cost_pattern, routers) -> list[str]:
    """The state columns of a wide file, in file order, after checking every named column."""
    named = [("--id-column", c) for c in ([id_column] if id_column is not None else [])]
    named += [("--ignore", c) for c in ignore] + [("--router", c) for c in routers]
    named += [("--states", c) for c in states or ()]
    for option, column in named:
        if column not in columns:
            raise ValueError(f"{path}: no column {column!r} (named by {option}); columns: {_listing(columns)}")
    if states is not None:
        repeated = sorted({s for s in states if list(states).count(s) > 1})
        if repeated:
            raise ValueError(f"state(s) named twice in --states: {', '.join(repeated)}; name each state once")
        clash = [s for s in states if s == id_column or s in routers]
        if clash:
            raise ValueError(f"{clash[0]!r} is named by --states and as the id or a router column; it cannot be both")
        return [c for c in columns if c in set(states)]
    left_out = set(ignore) | set(routers) | ({id_column} if id_column is not None else set())
    candidates = [c for c in columns if c not in left_out]
    if cost_pattern is None:
        return candidates
    _check_pattern(cost_pattern)
    matched = [c for c in candidates if cost_pattern.format(state=c) in columns]
    if not matched:
        raise ValueError(
            f"{path}: the cost pattern {cost_pattern!r} matches no column: no state S has a column named "
            f"{cost_pattern.format(state='S')!r} (columns: {_listing(columns)}); give the pattern of the cost columns"
        )
    return matched


def _check_pattern(pattern: str) -> None:
    try:
        ok = pattern.count("{state}") == 1 and pattern.format(state="S") != "S"
    except (KeyError, IndexError, ValueError):
        ok = False
    if not ok:
        raise ValueError(
            f"--cost-pattern {pattern!r} must hold {{state}} once, with text around it, and no other braces "
            "(e.g. '{state}|total_cost')"
        )


def _pattern_costs(path: Path, frame: pd.DataFrame, chosen: list[str], pattern: str) -> np.ndarray:
    """Per-instance costs from the columns the pattern names, (n, N) in ``chosen`` order."""
    out = np.empty((len(frame), len(chosen)))
    for j, state in enumerate(chosen):
        column = pattern.format(state=state)
        if column not in frame:
            raise ValueError(f"{path}: state {state!r} has no cost column {column!r} (from --cost-pattern {pattern!r})")
        out[:, j] = _cost_cells(path, column, frame[column])
    return out


def _matrix_costs(path: Path, chosen: list[str], ids, id_column: str | None, n_rows: int) -> np.ndarray:
    """Per-instance costs from a cost matrix file, rows matched by id (or taken in order)."""
    frame = _read_table(path, "cost matrix")
    missing = [s for s in chosen if s not in frame]
    if missing:
        raise ValueError(f"{path}: no cost column for state {missing[0]!r}; columns: {_listing(frame.columns)}")
    out = np.column_stack([_cost_cells(path, s, frame[s]) for s in chosen])
    if ids is None:
        if len(frame) != n_rows:
            raise ValueError(
                f"{path}: {len(frame):,} rows of costs for {n_rows:,} instances; give one row per instance, in "
                "the order of the correctness file (or match them by id with --id-column)"
            )
        return out
    if id_column not in frame:
        raise ValueError(f"{path}: no column {id_column!r} (--id-column) to match its rows with the instances")
    cost_ids = _instance_ids(path, frame[id_column], id_column)
    position = pd.Index(cost_ids).get_indexer(ids)
    if (position < 0).any():
        raise ValueError(f"{path}: no row for instance {ids[np.argmax(position < 0)]!r} (column {id_column!r})")
    return out[position]


def _cost_cells(path: Path, column: str, values: pd.Series) -> np.ndarray:
    numbers = pd.to_numeric(values.astype(str).str.strip().replace("", np.nan), errors="coerce").to_numpy(float)
    bad = ~np.isfinite(numbers) | (numbers < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{path}, column {column!r}, row {row + 1}: cost {str(values.iloc[row]).strip()!r}; every cost must "
            "be a finite number >= 0"
        )
    return numbers


def _instance_ids(path: Path, values: pd.Series, column: str) -> np.ndarray:
    ids = values.astype(str).str.strip().to_numpy(object)
    empty = np.flatnonzero((ids == "") | values.isna().to_numpy())
    if empty.size:
        raise ValueError(f"{path}, column {column!r}, row {empty[0] + 1}: the instance id is empty; give every row an id")
    repeated = pd.Index(ids).duplicated()
    if repeated.any():
        row = int(np.argmax(repeated))
        first = int(np.flatnonzero(ids == ids[row])[0])
        raise ValueError(
            f"{path}, column {column!r}: instance id {ids[row]!r} in rows {first + 1} and {row + 1}; ids must be unique"
        )
    return ids


def _router_choices(path: Path, values: pd.Series, column: str, chosen: list[str]) -> np.ndarray:
    """A router column as positions in ``chosen``; a value that names no state is refused."""
    names = values.astype(str).str.strip().to_numpy(object)
    position = pd.Index(chosen).get_indexer(names)
    if (position < 0).any():
        row = int(np.argmax(position < 0))
        raise ValueError(
            f"{path}, column {column!r} (--router), row {row + 1}: {names[row]!r} is not a state (states: "
            f"{_listing(chosen)}); the router column must name the state chosen for each instance"
        )
    return position


def _in_cost_order(matrix, names, state_costs, per_instance, ids, id_name, routers) -> UserLog:
    """Sort the states by cost (Eq. 2) and reorder every per-state array with them."""
    space = StateSpace.from_arrays(names, state_costs)
    column = {s: i for i, s in enumerate(names)}
    order = np.array([column[s] for s in space.names])
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    if np.any(order != np.arange(order.size)):
        matrix = np.ascontiguousarray(matrix[:, order])
        per_instance = None if per_instance is None else np.ascontiguousarray(per_instance[:, order])
    return UserLog(matrix, space, per_instance, ids, id_name, {k: rank[v] for k, v in routers.items()})


def _listing(names, limit: int = 12) -> str:
    names = [str(n) for n in names]
    return ", ".join(names[:limit]) + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def _read_table(path: Path, what: str) -> pd.DataFrame:
    """The file's rows as strings (CSV) or as stored (Parquet), columns named by its header."""
    if not path.exists():
        raise ValueError(f"{path}: no such file; give the path of the {what} file")
    if path.is_dir():
        raise ValueError(f"{path}: is a folder; give the path of the {what} file")
    _refuse_pickle(path)
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
        raise csv_read_error(path, what, err) from None
    except ImportError:  # pandas reads Parquet through pyarrow, an optional dependency
        raise ValueError(
            f"{path}: reading a Parquet file needs pyarrow, which is not installed (or too old); "
            "install the parquet extra: pip install 'adaptlib[parquet]' (or give a CSV file instead)"
        ) from None
    except OSError as err:
        raise _unreadable(path, what, f"{type(err).__name__}: {str(err).splitlines()[0]}", _TEXT_HINT) from None
    header = [h.strip() for h in header]
    check_header(path, header, what)
    frame.columns = header
    return frame


def check_header(path: Path, header: list[str], what: str) -> None:
    """Refuse a header with a name too long to be one, a repeated name or an empty one."""
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


def _refuse_pickle(path: Path) -> None:
    """A pickle (by its suffix, or the PROTO opcode that starts protocols 2-5) is never loaded."""
    with path.open("rb") as handle:
        head = handle.read(2)
    if path.suffix.lower() in _PICKLE_SUFFIXES or (len(head) == 2 and head[0] == 0x80 and 2 <= head[1] <= 5):
        raise ValueError(
            f"{path}: is a Python pickle, which adaptlib does not load (unpickling can run any code); convert it "
            f"where you trust it, e.g. pandas.read_pickle('{path.name}').to_parquet('{path.stem}.parquet'), "
            "and give that file"
        )


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


def csv_read_error(path: Path, what: str, err: ValueError) -> ValueError:
    """pandas' error on reading a CSV (a ParserError, a UnicodeDecodeError, ...) as one line: a row
    with more fields than the header is named by its line and the likely stray comma."""
    too_many = _TOO_MANY_FIELDS.search(str(err))
    if too_many:
        expected, line, seen = too_many.groups()
        return ValueError(
            f"{path}, line {line}: {seen} fields, but the header has {expected} columns; give one "
            "value per column on every line (look for a stray comma)"
        )
    return _unreadable(path, what, " ".join(str(err).split()))


def _unreadable(path: Path, what: str, detail: str, hint: str = "a CSV or Parquet file") -> ValueError:
    return ValueError(f"{path}: cannot read the {what} file ({detail}); give {hint}")


def _truth_codes(frame: pd.DataFrame) -> np.ndarray:
    """The cells as int8 codes: 1 true, 0 false, -1 anything else."""
    truth = np.empty(frame.shape, dtype=np.int8)
    for j, (_, column) in enumerate(frame.items()):
        try:
            codes, uniques = pd.factorize(column)  # a handful of distinct values; NaN/NA get code -1
        except TypeError:  # unhashable cells, such as a Parquet column of lists
            truth[:, j] = -1
            continue
        truth[:, j] = np.array([_cell_truth(u) for u in uniques] + [-1], dtype=np.int8)[codes]
    return truth


def _bool_matrix(path: Path, frame: pd.DataFrame) -> np.ndarray:
    """The cells as a C-ordered bool array; the first bad cell, in file order, is refused."""
    truth = _truth_codes(frame)
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
