"""Exact optimal selection (Sec. 4.1.1, every k up to 20) against a baseline timed in the same run.

    python benchmarks/bench_selection.py [--repeat 3]

The baseline is one numpy pass of the same size as the dynamic programme's work: k - 1 times an
N x N float add and column minimum (``(best[:, None] + weight).min(axis=0)`` on a prepared N x N
matrix), the floor that any O(k N^2) recursion pays. Printed: seconds for 1,500 and 5,000 states
and the ratio to that floor (targets: 1,500 states under 0.15 s, 5,000 under 2 s).
"""
from __future__ import annotations

import argparse

import numpy as np
from bench_core import best_of  # run as a script: benchmarks/ is on the path

from adaptlib import StateSpace, optimal_selections

K_MAX = 20


def space(n: int, seed: int = 0) -> StateSpace:
    rng = np.random.default_rng(seed)
    costs = np.cumsum(rng.uniform(0.5, 1.5, n))
    accuracies = np.sort(rng.uniform(0.3, 0.95, n))
    return StateSpace.from_arrays([f"s{i}" for i in range(n)], costs, accuracies)


def floor(n: int) -> None:
    weight = np.random.default_rng(1).random((n, n))
    best = np.zeros(n)
    for _ in range(K_MAX - 1):
        best = (best[:, None] + weight).min(axis=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for n, target in ((1500, 0.15), (5000, 2.0)):
        s = space(n)
        seconds = best_of(args.repeat, lambda: optimal_selections(s, K_MAX))
        base = best_of(args.repeat, lambda: floor(n))
        print(f"optimal_selections, {n:,} states, k <= {K_MAX}: {seconds:.3f} s "
              f"(target {target} s), {seconds / base:.2f}x the O(k N^2) floor ({base:.3f} s)")


if __name__ == "__main__":
    main()
