"""Memory and time of the chunked oracle on logs past memory (not a test: run it by hand).

    python benchmarks/bench_streaming.py [--rows 100000000] [--states 16] [--files 100]
                                         [--csv-rows 10000000] [--chunk-rows 262144]

Writes, in a temporary folder deleted at the end, a random rows x states boolean Parquet dataset
(``--files`` files, each written and freed in turn, so the generator stays small) and a
``--csv-rows`` x states CSV of 0/1. Each measurement runs in a fresh subprocess that reports its
own peak resident memory (VmHWM) and wall time:

- ``stream_oracle`` (chunked engine) over the Parquet folder, against the baseline: one
  ``any(axis=1)`` per chunk over the same chunks held in memory (loaded first, then timed), and
  against reading the record batches alone (Parquet decoding, which no reader avoids);
- ``stream_oracle`` on the CSV, and the in-memory path (``load_user_inputs`` + ``exact_oracle``),
  as peak memory against the file's size;
- a process that only imports adaptlib, numpy, pandas and pyarrow: the floor under every figure.
The stream's count of instances no state gets right is checked against the baseline's.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROWS_PER_WRITE = 1_000_000  # rows generated at a time, for the Parquet files and the CSV alike


def accuracies(states: int) -> np.ndarray:
    return np.linspace(0.35, 0.9, states)


def random_block(rng: np.random.Generator, rows: int, states: int) -> np.ndarray:
    """Independent errors, accuracy rising with the state; one column at a time (no float matrix)."""
    block = np.empty((rows, states), dtype=bool)
    for j, accuracy in enumerate(accuracies(states)):
        block[:, j] = rng.random(rows, dtype=np.float32) < accuracy
    return block


def state_names(states: int) -> list[str]:
    return [f"s{j + 1:02d}" for j in range(states)]


def write_parquet_dataset(folder: Path, rows: int, states: int, files: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    names = state_names(states)
    bounds = np.linspace(0, rows, files + 1).astype(np.int64)
    for i in range(files):
        path = folder / f"part-{i:04d}.parquet"
        with pq.ParquetWriter(path, pa.schema([(n, pa.bool_()) for n in names])) as writer:
            for start in range(bounds[i], bounds[i + 1], ROWS_PER_WRITE):
                block = random_block(rng, min(ROWS_PER_WRITE, bounds[i + 1] - start), states)
                writer.write_table(pa.table({n: block[:, j] for j, n in enumerate(names)}))


def write_csv(path: Path, rows: int, states: int) -> None:
    """0/1 cells, comma-separated, built as bytes: '0,1,...,1\\n' per row."""
    rng = np.random.default_rng(1)
    with path.open("wb") as handle:
        handle.write((",".join(state_names(states)) + "\n").encode())
        for start in range(0, rows, ROWS_PER_WRITE):
            block = random_block(rng, min(ROWS_PER_WRITE, rows - start), states)
            text = np.full((block.shape[0], 2 * states), ord(","), dtype=np.uint8)
            text[:, 0::2] = block + ord("0")
            text[:, -1] = ord("\n")
            handle.write(text.tobytes())


def write_costs(path: Path, states: int) -> None:
    costs = np.geomspace(1.0, 1000.0, states)
    path.write_text("state,cost\n" + "".join(f"{n},{c}\n" for n, c in zip(state_names(states), costs)))


def peak_rss_bytes() -> int:
    """This process's peak resident memory (VmHWM, Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status (the benchmark needs Linux)")


def child(task: str, source: str, costs: str, chunk_rows: int) -> dict:
    """One measurement, in this (fresh) process."""
    import pandas  # noqa: F401  (every task pays the same imports: the floor measures them)
    import pyarrow.parquet as pq

    from adaptlib import exact_oracle, load_user_inputs
    from adaptlib.datasets.streaming import stream_oracle

    out = {}
    if task == "stream":
        start = time.perf_counter()
        result = stream_oracle(source, costs, chunk_rows=chunk_rows)
        out = {"seconds": time.perf_counter() - start, "n": result.n_instances, "n_none": result.n_none}
    elif task == "memory":
        start = time.perf_counter()
        matrix, space = load_user_inputs(source, costs)
        result = exact_oracle(matrix, space.costs, space.names)
        out = {"seconds": time.perf_counter() - start, "n": result.n_instances, "n_none": result.n_none}
    elif task == "read":
        start = time.perf_counter()
        n = sum(batch.num_rows for path in sorted(Path(source).glob("*.parquet"))
                for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows))
        out = {"seconds": time.perf_counter() - start, "n": n}
    elif task == "any":
        chunks = []  # the same record batches as the stream reads, held in memory as bool arrays
        for path in sorted(Path(source).glob("*.parquet")):
            for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows):
                chunk = np.empty((batch.num_rows, batch.num_columns), dtype=bool)
                for j, column in enumerate(batch.columns):
                    chunk[:, j] = column.to_numpy(zero_copy_only=False)
                chunks.append(chunk)
        start = time.perf_counter()
        solved = [chunk.any(axis=1) for chunk in chunks]
        seconds = time.perf_counter() - start
        out = {"seconds": seconds, "n": sum(len(s) for s in solved),
               "n_none": int(sum(np.count_nonzero(~s) for s in solved)), "bytes": sum(c.nbytes for c in chunks)}
    out["peak_rss"] = peak_rss_bytes()
    return out


def measure(task: str, source: Path, costs: Path, chunk_rows: int) -> dict:
    command = [sys.executable, __file__, "--child", task, str(source), str(costs), str(chunk_rows)]
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000_000, help="rows of the Parquet dataset")
    parser.add_argument("--states", type=int, default=16)
    parser.add_argument("--files", type=int, default=100, help="Parquet files the rows are spread over")
    parser.add_argument("--csv-rows", type=int, default=10_000_000, help="rows of the CSV (0: no CSV)")
    parser.add_argument("--chunk-rows", type=int, default=None, help="rows per chunk (default: the library's)")
    parser.add_argument("--child", nargs=4, metavar=("TASK", "SOURCE", "COSTS", "CHUNK_ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        task, source, costs, chunk_rows = args.child
        print(json.dumps(child(task, source, costs, int(chunk_rows))))
        return
    from adaptlib.datasets.streaming import DEFAULT_CHUNK_ROWS

    chunk_rows = args.chunk_rows or DEFAULT_CHUNK_ROWS
    MB = 1e6
    lines = []
    with tempfile.TemporaryDirectory(prefix="bench_streaming_") as tmp:
        tmp = Path(tmp)
        costs = tmp / "costs.csv"
        write_costs(costs, args.states)
        floor = measure("floor", tmp, costs, chunk_rows)["peak_rss"]
        lines.append(("imports only (the floor)", "", f"{floor / MB:,.0f} MB", ""))

        folder = tmp / "parquet"
        folder.mkdir()
        start = time.perf_counter()
        write_parquet_dataset(folder, args.rows, args.states, args.files)
        written = time.perf_counter() - start
        on_disk = sum(p.stat().st_size for p in folder.iterdir())
        any_pass = measure("any", folder, costs, chunk_rows)
        read = measure("read", folder, costs, chunk_rows)
        stream = measure("stream", folder, costs, chunk_rows)
        assert (stream["n"], stream["n_none"]) == (any_pass["n"], any_pass["n_none"]), (stream, any_pass)
        size = f"{args.rows:,} x {args.states}"
        lines += [
            (f"Parquet dataset {size}, {args.files} files (written in {written:.0f} s)", "",
             f"{on_disk / MB:,.0f} MB", "on disk"),
            ("  baseline: any(axis=1) per chunk, chunks in memory", f"{any_pass['seconds']:.2f} s",
             f"{any_pass['peak_rss'] / MB:,.0f} MB", f"the chunks hold {any_pass['bytes'] / MB:,.0f} MB"),
            ("  pyarrow's record batches read, nothing done", f"{read['seconds']:.2f} s", f"{read['peak_rss'] / MB:,.0f} MB",
             "the decoding floor of any Parquet reader"),
            (f"  stream_oracle, chunked, {chunk_rows:,} rows a chunk", f"{stream['seconds']:.2f} s",
             f"{stream['peak_rss'] / MB:,.0f} MB",
             f"{stream['seconds'] / any_pass['seconds']:.1f}x the time, "
             f"{stream['peak_rss'] / any_pass['peak_rss']:.3f}x the memory of the baseline"),
        ]
        for path in folder.iterdir():
            path.unlink()

        if args.csv_rows:
            csv = tmp / "log.csv"
            write_csv(csv, args.csv_rows, args.states)
            file_size = csv.stat().st_size
            csv_size = f"CSV {args.csv_rows:,} x {args.states}"
            lines.append((csv_size, "", f"{file_size / MB:,.0f} MB", "on disk"))
            for task, label in (("stream", "stream_oracle, chunked"), ("memory", "in memory (load + exact_oracle)")):
                got = measure(task, csv, costs, chunk_rows)
                assert got["n"] == args.csv_rows, got
                lines.append((f"  {label}", f"{got['seconds']:.2f} s", f"{got['peak_rss'] / MB:,.0f} MB",
                              f"peak {got['peak_rss'] / file_size:.2f}x the file"))

    width = max(len(line[0]) for line in lines)
    print(f"{'measure':<{width}}  {'time':>9}  {'peak RSS':>9}  note")
    for name, seconds, rss, note in lines:
        print(f"{name:<{width}}  {seconds:>9}  {rss:>9}  {note}")


if __name__ == "__main__":
    main()
