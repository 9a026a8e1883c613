"""The oracle's counts on a Dask cluster: one partial count per partition of a Parquet dataset.

Each partition is checked and reduced to the oracle's counts where it is read (Eq. 4's
histogram, the unsolved instances, each state's correct instances); the counts, a few integers
per partition, are merged exactly on the client (:mod:`adaptlib.core.counts`). Dask is an
optional extra (``pip install 'adaptlib[dask]'``), imported only when this engine runs.

Taught in chapter 02 (the oracle); used by ``adaptlib oracle --engine dask [--scheduler ADDR]``.
"""
from __future__ import annotations

import os
from os import PathLike

import numpy as np
import pandas as pd

from adaptlib.core.counts import OracleCounts, count, merge
from adaptlib.core.states import StateSpace
from adaptlib.datasets.chunks import PARQUET_SUFFIXES, chunk_matrix, resolve_files, state_columns


def dask_counts(
    source: str | PathLike, space: StateSpace, costs_name: str, *,
    states=None, id_column: str | None = None, scheduler: str | None = None,
) -> tuple[OracleCounts, StateSpace]:
    """The counts of a Parquet dataset (a file, a folder, a glob, or a URL the workers can read)
    and the states they are over, in cost order. ``scheduler`` is the address of a running
    scheduler; without it Dask's default runs them (an active ``distributed.Client``, else threads).
    """
    dd = _import_dask_dataframe()
    dataset = _dataset(source)
    try:
        frame = dd.read_parquet(dataset)
    except (OSError, ValueError) as err:  # pyarrow's ArrowIOError, ArrowInvalid
        raise ValueError(
            f"{source}: cannot read the Parquet dataset ({' '.join(str(err).split())}); give a Parquet file, "
            "a folder or a glob of them"
        ) from None
    wanted, order, used = state_columns(str(source), [str(c) for c in frame.columns], space, costs_name,
                                        states, id_column)
    columns = _count_columns(len(used))
    partial = frame[wanted].map_partitions(
        _partition_counts, wanted=wanted, order=order.tolist(), where=str(source),
        meta=pd.DataFrame({c: pd.Series(dtype=np.int64) for c in columns}),
    )
    rows = _compute(partial, scheduler).to_numpy(np.int64)
    n_states = len(used)
    total = merge(
        OracleCounts(row[:n_states], int(row[n_states]), row[n_states + 1:-1], int(row[-1])) for row in rows
    ) if len(rows) else OracleCounts.zero(n_states)
    return total, used


def _partition_counts(part: pd.DataFrame, *, wanted, order, where, partition_info=None) -> pd.DataFrame:
    """One partition's counts as a one-row frame (histogram, n_none, n_correct, n)."""
    number = partition_info["number"] if partition_info else 0
    rows = np.arange(1, len(part) + 1)
    matrix = chunk_matrix([part[c] for c in wanted], order, f"{where}, partition {number} of the dataset", wanted, rows)
    counts = count(matrix)
    row = np.concatenate([counts.histogram, [counts.n_none], counts.n_correct, [counts.n]]).astype(np.int64)
    return pd.DataFrame([row], columns=_count_columns(counts.n_states))


def _count_columns(n_states: int) -> list[str]:
    return [f"first_correct_{i}" for i in range(n_states)] + ["none_correct"] + \
        [f"correct_{i}" for i in range(n_states)] + ["instances"]


def _dataset(source: str | PathLike) -> str | list[str]:
    """A URL as given (the workers read it); local Parquet files as a sorted list of paths."""
    text = os.fspath(source)
    if "://" in text:
        return text
    files = resolve_files(text)
    not_parquet = [f for f in files if f.suffix.lower() not in PARQUET_SUFFIXES]
    if not_parquet:
        raise ValueError(
            f"{not_parquet[0]}: the dask engine reads Parquet files (*.parquet, *.pq); convert it or use "
            "--engine chunked"
        )
    return [str(f) for f in files]


def _compute(partial, scheduler: str | None) -> pd.DataFrame:
    if scheduler is None:
        return partial.compute()
    import distributed

    try:
        client = distributed.Client(scheduler, set_as_default=False)
    except (OSError, ValueError, TypeError) as err:  # unreachable (a timeout is an OSError), malformed
        raise ValueError(
            f"cannot connect to the Dask scheduler at {scheduler} ({' '.join(str(err).split())}); check "
            "--scheduler (e.g. tcp://host:8786) and that the scheduler runs"
        ) from None
    with client:
        return client.compute(partial).result()


def _import_dask_dataframe():
    """``dask.dataframe``; an ImportError named ``dask`` (the extra to install) when it cannot load."""
    try:
        import dask.dataframe as dd
    except ImportError as err:  # not installed, or installed without its dataframe requirements
        absent = isinstance(err, ModuleNotFoundError) and (err.name or "").split(".")[0] == "dask"
        raise (ModuleNotFoundError if absent else ImportError)(
            f"the dask engine cannot import dask.dataframe ({' '.join(str(err).split())})", name="dask"
        ) from None
    return dd
