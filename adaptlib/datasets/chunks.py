"""A correctness log read chunk by chunk: its files, its columns matched with the costs, its cells
checked as :mod:`adaptlib.datasets.user` checks a whole file.

A source is a CSV or Parquet file, a folder of Parquet files or a glob of files. Each chunk comes
as one column of cells per state; :func:`chunk_matrix` turns them into booleans in cost order
(Eq. 2), refusing the first bad cell with its file, column and row. Both engines of
:mod:`adaptlib.datasets.streaming` read through this module.

Taught in chapter 02 (the oracle's input); used by ``adaptlib oracle --engine chunked|dask``.
"""
from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from adaptlib.core.states import StateSpace
from adaptlib.datasets.user import (
    _cell_truth,
    _describe_cell,
    _refuse_non_csv,
    _refuse_pickle,
    _unreadable,
    check_header,
    csv_read_error,
)

PARQUET_SUFFIXES = (".parquet", ".pq")
_WHAT = "correctness matrix"


def resolve_files(source: str | PathLike) -> list[Path]:
    """The files of a source: itself, the Parquet files of a folder (recursive, sorted; names
    starting with ``_`` or ``.`` are metadata and skipped), or the files a glob matches (sorted)."""
    text = os.fspath(source)
    if glob.has_magic(text):
        files = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        if not files:
            raise ValueError(f"{text}: the pattern matches no file; give a file, a folder or a pattern that matches")
        return files
    path = Path(text)
    if not path.exists():
        raise ValueError(f"{path}: no such file or folder; give the path of the {_WHAT}")
    if not path.is_dir():
        return [path]
    files = sorted(
        p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PARQUET_SUFFIXES
        and not any(part.startswith(("_", ".")) for part in p.relative_to(path).parts)
    )
    if not files:
        raise ValueError(f"{path}: the folder holds no Parquet file (*.parquet, *.pq); give a file or a folder of them")
    return files


def state_columns(
    where: str, columns: Sequence[str], space: StateSpace, costs_name: str,
    states: Sequence[str] | None, id_column: str | None,
) -> tuple[list[str], np.ndarray, StateSpace]:
    """Match a file's columns with the costs: (state columns in file order, the position in that
    list of each state in cost order, the states read, in cost order)."""
    columns = list(columns)
    if id_column is not None and id_column not in columns:
        raise ValueError(f"{where}: no column {id_column!r} for the instance ids; columns: {', '.join(columns)}")
    if states is None:
        wanted = [c for c in columns if c != id_column]
        no_cost = [c for c in wanted if c not in space.names]
        if no_cost:
            raise ValueError(
                f"state {no_cost[0]!r} is a column of {where} but has no row in {costs_name}; add a row "
                f"'{no_cost[0]},<cost>' to {costs_name}, or name the state columns with --states "
                "(an instance id with --id-column)"
            )
        no_column = [s for s in space.names if s not in wanted]
        if no_column:
            raise ValueError(
                f"state {no_column[0]!r} has a cost in {costs_name} but no column in {where}; add the column "
                f"or remove the row from {costs_name}"
            )
    else:
        wanted = [str(s) for s in states]
        repeated = sorted({s for s in wanted if wanted.count(s) > 1})
        if repeated:
            raise ValueError(f"state(s) named twice in --states: {', '.join(repeated)}; name each state once")
        for s in wanted:
            if s not in space.names:
                raise ValueError(f"state {s!r} of --states has no row in {costs_name}; add a row '{s},<cost>'")
            if s not in columns or s == id_column:
                raise ValueError(f"state {s!r} of --states has no column in {where}; columns: {', '.join(columns)}")
        wanted = [c for c in columns if c in wanted]  # file order
    if len(wanted) < 2:
        raise ValueError(
            f"{where}: only one state column ({', '.join(wanted) or 'none'}); the oracle needs at least two "
            "states, one column each"
        )
    position = {s: i for i, s in enumerate(space.names)}
    used = space.subset([position[s] for s in wanted])
    order = np.array([wanted.index(s) for s in used.names])
    return wanted, order, used


def chunk_matrix(cells: Sequence, order: Sequence[int], where: str, names: Sequence[str], rows: np.ndarray) -> np.ndarray:
    """A chunk's cells (one column each: arrow arrays or pandas Series) as a boolean matrix whose
    column k is ``cells[order[k]]``: the states in cost order (Eq. 2).

    The first bad cell in file order is refused, named with ``where`` (the file), its column
    (``names`` of the cells) and its row (``rows``: the row number of each line of the chunk).
    """
    matrix = np.empty((len(rows), len(order)), dtype=bool, order="F")  # one state a column, contiguous
    first_bad = []  # (line of the chunk, cell column) of each column's first bad cell
    for k, j in enumerate(order):
        truth = _column_truth(cells[j])
        if truth.dtype != bool:
            bad = np.flatnonzero(truth < 0)
            if bad.size:
                first_bad.append((int(bad[0]), j))
            truth = truth == 1
        matrix[:, k] = truth
    if first_bad:
        line, j = min(first_bad)
        cell = cells[j]
        value = cell.iat[line] if isinstance(cell, pd.Series) else cell[line].as_py()
        raise ValueError(
            f"{where}, column {names[j]!r}, row {rows[line]}: {_describe_cell(value)}; "
            "every cell must be 0/1 or true/false"
        )
    return matrix


def _column_truth(column) -> np.ndarray:
    """A column's cells as booleans (a boolean column with no gap) or int8 codes 1/0, -1 if bad."""
    if getattr(column, "type", None) is not None and str(column.type) == "bool" and column.null_count == 0 and len(column):
        # Arrow booleans: nothing to check; their bits (least significant first) unpacked at once
        bits = np.frombuffer(column.buffers()[1], dtype=np.uint8)
        return np.unpackbits(bits, count=column.offset + len(column), bitorder="little")[column.offset:].view(bool)
    values = column if isinstance(column, pd.Series) else column.to_pandas()
    if values.dtype == bool:
        return values.to_numpy()
    try:
        codes, uniques = pd.factorize(values)  # a handful of distinct values; NaN/NA get code -1
    except TypeError:  # unhashable cells, such as a Parquet column of lists
        return np.full(len(values), -1, dtype=np.int8)
    return np.array([_cell_truth(u) for u in uniques] + [-1], dtype=np.int8)[codes]


def read_chunks(path: Path, wanted: list[str], id_column: str | None, chunk_rows: int) -> Iterator[tuple]:
    """(row numbers from 1, the state cells in ``wanted`` order, the ids or None) per chunk."""
    if path.suffix.lower() in PARQUET_SUFFIXES:
        import pyarrow.parquet as pq

        read = wanted + ([id_column] if id_column is not None else [])
        done = 0
        try:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows, columns=read):
                rows = np.arange(done + 1, done + batch.num_rows + 1)
                done += batch.num_rows
                ids = None if id_column is None else batch.column(id_column)
                yield rows, [batch.column(c) for c in wanted], ids
        except (OSError, ValueError) as err:  # pyarrow's ArrowIOError, ArrowInvalid
            raise _unreadable(path, _WHAT, " ".join(str(err).split())) from None
        return
    header = read_header(path)
    position = [header.index(c) for c in wanted]
    # Python strings (object), not pandas' string dtype: three times faster to parse and to factorize
    reader = pd.read_csv(path, header=None, dtype=object, keep_default_na=False, encoding="utf-8-sig",
                         chunksize=chunk_rows)
    try:
        for frame in reader:
            if frame.index[0] == 0:  # the header is line 0, so the index numbers the rows from 1
                frame = frame.iloc[1:]
            ids = None if id_column is None else frame.iloc[:, header.index(id_column)].to_numpy()
            yield frame.index.to_numpy(), [frame.iloc[:, p] for p in position], ids
    except ValueError as err:  # pandas' ParserError, UnicodeDecodeError
        raise _csv_error(path, err) from None


def read_header(path: Path) -> list[str]:
    """A file's column names, checked as :mod:`adaptlib.datasets.user` checks them."""
    if not path.is_file():
        raise ValueError(f"{path}: no such file; give the path of the {_WHAT} file")
    _refuse_pickle(path)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        import pyarrow.parquet as pq

        try:
            schema = pq.read_schema(path)
        except (OSError, ValueError) as err:  # pyarrow's ArrowIOError, ArrowInvalid
            raise _unreadable(path, _WHAT, " ".join(str(err).split())) from None
        index = (schema.pandas_metadata or {}).get("index_columns", [])  # a pandas index stored as a column
        header = [str(c) for c in schema.names if c not in index]
    else:
        _refuse_non_csv(path, _WHAT)
        try:
            first = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig", nrows=1)
        except pd.errors.EmptyDataError:
            raise _unreadable(path, _WHAT, "the file is empty") from None
        except ValueError as err:
            raise _csv_error(path, err) from None
        header = [str(h).strip() for h in first.iloc[0].tolist()]
    check_header(path, header, _WHAT)
    return header


def _csv_error(path: Path, err: ValueError) -> ValueError:
    return csv_read_error(path, _WHAT, err)
