"""The exact oracle on logs larger than memory: read in chunks, or in partitions on a Dask cluster.

A correctness matrix (CSV, Parquet file, or a Parquet dataset: a folder or a glob of files) is
read ``chunk_rows`` rows at a time; each chunk is checked cell by cell as
:mod:`adaptlib.datasets.user` checks a whole file (:mod:`adaptlib.datasets.chunks`), put in cost
order (Eq. 2) and reduced to the oracle's counts (:mod:`adaptlib.core.counts`), which add
exactly. Memory stays that of one chunk whatever the length of the log, and the result equals
``exact_oracle`` on the whole matrix.
The Dask engine (:mod:`adaptlib.datasets.dask_engine`) computes the same counts per partition.

Taught in chapter 02 (the oracle); used by ``adaptlib oracle --engine chunked|dask``.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import contextmanager
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from adaptlib.core.counts import OracleCounts, count, count_with_labels, oracle_from_counts
from adaptlib.core.oracle import OracleResult, _check_choice
from adaptlib.core.prices import COST_MODELS, NONE_CORRECT_RULES, CostModel, NoneCorrect
from adaptlib.core.states import StateSpace
from adaptlib.datasets.chunks import (
    PARQUET_SUFFIXES,
    chunk_matrix,
    read_chunks,
    read_header,
    resolve_files,
    state_columns,
)
from adaptlib.datasets.user import read_costs

ENGINES = ("chunked", "dask")
DEFAULT_CHUNK_ROWS = 1 << 18  # 262,144 rows: a few MB of booleans per chunk, a few tens as CSV text


def stream_oracle(
    source: str | PathLike,
    space: StateSpace | str | PathLike,
    *,
    states: Sequence[str] | None = None,
    id_column: str | None = None,
    engine: str = "chunked",
    scheduler: str | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    none_correct: NoneCorrect = "cheapest",
    cost_model: CostModel = "routing",
    labels_path: str | PathLike | None = None,
) -> OracleResult:
    """The exact Oracle Agent (Definition 2.1, Eq. 4-6) of a log read in chunks; labels None.

    Parameters
    ----------
    source : a CSV or Parquet file, a folder of Parquet files, or a glob of files (one column per
        state, one row per instance, cells 0/1 or true/false). The Dask engine also takes a URL
        its workers can read (``s3://bucket/log/*.parquet``).
    space : the states' costs: a StateSpace or the path of a ``state,cost`` CSV. The costs decide
        the state order (Eq. 2), not the column order.
    states : the state columns to read (others are left unread); default every column but
        ``id_column``, each of which must then have a cost.
    id_column : a column naming each instance; it is not a state, and it keys the labels file.
    engine : ``"chunked"`` (this process, one chunk at a time) or ``"dask"`` (Parquet only).
    scheduler : the Dask scheduler's address (``tcp://host:8786``); without it, an active
        ``distributed.Client`` if there is one, else Dask's threaded scheduler.
    chunk_rows : rows per chunk (CSV) or per record batch (Parquet) of the chunked engine.
    none_correct, cost_model : as in :func:`adaptlib.core.oracle.exact_oracle`.
    labels_path : write each instance's oracle state (Eq. 4; ``none`` when no state is right), chunk
        by chunk, to this CSV (or Parquet, by its suffix): columns ``id_column`` (or ``row``, from
        1) and ``state``. Chunked engine only.
    """
    _check_choice("engine", engine, ENGINES)
    _check_choice("none_correct", none_correct, NONE_CORRECT_RULES)
    _check_choice("cost_model", cost_model, COST_MODELS)
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, (int, np.integer)) or chunk_rows < 1:
        raise ValueError(f"chunk_rows must be a whole number of rows >= 1; got {chunk_rows!r}")
    if scheduler is not None and engine != "dask":
        raise ValueError(f"a scheduler ({scheduler}) is for the dask engine; add --engine dask or drop --scheduler")
    space, costs_name = _state_space(space)
    if engine == "dask":
        if labels_path is not None:
            raise ValueError("the dask engine writes no labels file; use --engine chunked with --labels")
        from adaptlib.datasets.dask_engine import dask_counts

        counts, used = dask_counts(source, space, costs_name, states=states, id_column=id_column, scheduler=scheduler)
    else:
        counts, used = _chunked_counts(
            resolve_files(source), space, costs_name, states=states, id_column=id_column,
            chunk_rows=int(chunk_rows), labels_path=labels_path,
        )
    return oracle_from_counts(counts, used, none_correct=none_correct, cost_model=cost_model)


def _chunked_counts(
    files: list[Path], space: StateSpace, costs_name: str, *, states, id_column, chunk_rows, labels_path,
) -> tuple[OracleCounts, StateSpace]:
    first = files[0]
    wanted, order, used = state_columns(str(first), read_header(first), space, costs_name, states, id_column)
    total = OracleCounts.zero(len(used))
    with _labels_writer(labels_path, used, id_column, files) as write_labels:
        offset = 0  # rows before this file, for the row numbers of a labels file without ids
        for path in files:
            if path is not first:  # every file holds the states (in any column order), and no other
                state_columns(str(path), read_header(path), space, costs_name, states, id_column)
            rows = 0
            for rows_of_chunk, cells, ids in read_chunks(path, wanted, id_column, chunk_rows):
                matrix = chunk_matrix(cells, order, str(path), wanted, rows_of_chunk)
                if write_labels is None:
                    total = total + count(matrix)
                else:
                    counts, labels = count_with_labels(matrix)
                    total = total + counts
                    write_labels(offset + rows_of_chunk if ids is None else ids, labels)
                rows = int(rows_of_chunk[-1]) if len(rows_of_chunk) else rows
            offset += rows
        if total.n == 0:
            raise ValueError(f"{first}: the header names states but there are no rows; add one row per instance")
    return total, used


def _state_space(space: StateSpace | str | PathLike) -> tuple[StateSpace, str]:
    if isinstance(space, StateSpace):
        return space, "the costs"
    costs = read_costs(space)
    return StateSpace.from_arrays(costs.index.tolist(), costs.to_numpy(float)), os.fspath(space)


@contextmanager
def _labels_writer(labels_path, space: StateSpace, id_column: str | None, inputs: list[Path]):
    """A function ``write(ids, labels)`` appending one chunk's labels, or None without a path.

    The file is written under a temporary name and renamed once every chunk is in: a log
    refused half-way leaves no half-written labels file.
    """
    if labels_path is None:
        yield None
        return
    path = Path(labels_path)
    if path.resolve() in {p.resolve() for p in inputs}:
        raise ValueError(f"{path}: the labels file would overwrite the input; give another --labels path")
    if not path.parent.is_dir():
        raise ValueError(f"{path}: the folder {path.parent} does not exist; create it or give another --labels path")
    names = np.array(list(space.names) + ["none"], dtype=object)  # label -1, none right, is the last name
    key = id_column if id_column is not None else "row"
    partial = path.with_name(path.name + ".partial")
    try:
        if path.suffix.lower() in PARQUET_SUFFIXES:
            import pyarrow as pa
            import pyarrow.parquet as pq

            schema = None
            writer = None

            def write(ids, labels):
                nonlocal schema, writer
                table = pa.table({key: ids, "state": pa.array(names[labels], pa.string())})
                if writer is None:
                    schema = table.schema
                    writer = pq.ParquetWriter(partial, schema)
                writer.write_table(table.cast(schema))

            try:
                yield write
            finally:
                if writer is not None:
                    writer.close()
            if writer is None:  # no rows: an empty table with the columns
                pq.write_table(pa.table({key: pa.array([], pa.int64()), "state": pa.array([], pa.string())}), partial)
        else:
            with partial.open("w", encoding="utf-8", newline="") as handle:
                pd.DataFrame(columns=[key, "state"]).to_csv(handle, index=False)  # the header, quoted if need be

                def write(ids, labels):
                    pd.DataFrame({key: np.asarray(ids), "state": names[labels]}).to_csv(handle, header=False, index=False)

                yield write
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
