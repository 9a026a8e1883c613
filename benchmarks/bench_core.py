"""Speed and memory of adaptlib's core on large inputs (not a test: run it by hand).

    python benchmarks/bench_core.py [--rows 10000000] [--states 16] [--repeat 3]

Measures:
- the exact oracle on a rows x states boolean matrix, as a ratio to one plain numpy pass over
  the same matrix (``matrix.any(axis=1)``), best of ``--repeat`` runs each;
- the oracle's peak memory (tracemalloc, which numpy reports its allocations to), against the
  size of the boolean matrix and of a float64 copy of it;
- the exact optimal selection (every k up to 20) and Algorithm 1 (greedy) on 1,500 states;
- the bootstrap (1,000 replicates) on 1,797 x 8 (the size of scikit-learn's digits) and on
  1,000,000 x 16 matrices.
All inputs are random with fixed seeds; accuracy rises with the state's cost.
"""
from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from adaptlib import StateSpace, bootstrap_oracle, exact_oracle, greedy_selection, optimal_selections


def best_of(repeat: int, call: Callable[[], object]) -> float:
    """The fastest of ``repeat`` wall-clock timings of ``call()``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def random_matrix(rows: int, states: int, seed: int) -> np.ndarray:
    """Independent errors, accuracy rising from 0.35 to 0.9 with the state; one column at a
    time so that no float copy of the whole matrix is ever made here either."""
    rng = np.random.default_rng(seed)
    matrix = np.empty((rows, states), dtype=bool)
    for j, accuracy in enumerate(np.linspace(0.35, 0.9, states)):
        matrix[:, j] = rng.random(rows, dtype=np.float32) < accuracy
    return matrix


def random_monotone_space(states: int, seed: int) -> StateSpace:
    rng = np.random.default_rng(seed)
    costs = np.sort(rng.choice(np.arange(1, 100 * states), states, replace=False)).astype(float)
    accuracies = np.sort(rng.uniform(0.3, 0.95, states))
    return StateSpace.from_arrays([f"S{i + 1}" for i in range(states)], costs, accuracies)


def peak_bytes(call: Callable[[], object]) -> int:
    """Peak traced memory during ``call()``; what existed before does not count."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--states", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows, states, repeat = args.rows, args.states, args.repeat
    MB = 1e6
    lines = []

    matrix = random_matrix(rows, states, seed=0)
    costs = np.geomspace(1.0, 1000.0, states)
    t_any = best_of(repeat, lambda: matrix.any(axis=1))
    t_oracle = best_of(repeat, lambda: exact_oracle(matrix, costs))
    peak = peak_bytes(lambda: exact_oracle(matrix, costs))
    labels = rows * np.dtype(np.intp).itemsize  # the per-instance labels it returns
    lines += [
        (f"matrix.any(axis=1), {rows:,} x {states}", f"{t_any:.3f} s", ""),
        (f"exact_oracle, {rows:,} x {states}", f"{t_oracle:.3f} s", f"{t_oracle / t_any:.2f}x any"),
        ("  peak memory of exact_oracle", f"{peak / MB:.0f} MB",
         f"bool matrix {matrix.nbytes / MB:.0f} MB, float copy {8 * matrix.size / MB:,.0f} MB, "
         f"labels returned {labels / MB:.0f} MB"),
    ]
    matrix = None  # frees the matrix before the selection benchmarks

    space = random_monotone_space(1500, seed=1)
    k_max = 20
    t_opt = best_of(repeat, lambda: optimal_selections(space, k_max))
    t_greedy = best_of(repeat, lambda: [greedy_selection(space, k) for k in range(2, k_max + 1)])
    optimal = optimal_selections(space, k_max)
    worse = sum(
        greedy_selection(space, k).point.cost > optimal[k].point.cost * (1 + 1e-12) for k in optimal
    )
    lines += [
        (f"optimal_selections, 1,500 states, k = 2..{k_max}", f"{t_opt:.3f} s", "target < 0.15 s (benchmarks/bench_selection.py: 5,000 states)"),
        (f"greedy_selection, 1,500 states, each k = 2..{k_max}", f"{t_greedy:.3f} s",
         f"greedy worse than optimal for {worse} of {len(optimal)} k"),
    ]

    for n, m in ((1_797, 8), (1_000_000, 16)):
        small = random_matrix(n, m, seed=2)
        t_boot = best_of(repeat, lambda: bootstrap_oracle(small, np.geomspace(1, 100, m), n_boot=1000))
        patterns = len(np.unique(np.packbits(small, axis=1, bitorder="little"), axis=0))
        lines.append((f"bootstrap_oracle, 1,000 replicates, {n:,} x {m}", f"{t_boot:.3f} s",
                      f"{patterns:,} distinct rows"))

    width = max(len(line[0]) for line in lines)
    print(f"{'measure':<{width}}  {'time':>10}  note")
    for name, value, note in lines:
        print(f"{name:<{width}}  {value:>10}  {note}")


if __name__ == "__main__":
    main()
