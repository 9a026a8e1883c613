"""Choosing k of N states to minimise the alpha = 1 bound (Sec. 4.1.1, Appendix A.3).

For a chosen subset s_1 < ... < s_k (in cost order, s_1 = S_1 and s_k = S_N), Eq. 9 reads
R_oracle = R_1 + sum_j w(s_{j-1}, s_j) with w(a, b) = (R_b - R_1)(A_b - A_a): a sum over
neighbouring pairs. The best subset of every size is therefore a shortest path with exactly
k nodes through the states sorted by cost, found by dynamic programming in O(k N^2).

Taught in chapter 06.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from adaptlib.core.bounds import eq9_conservative
from adaptlib.core.states import OperatingPoint, StateSpace
from adaptlib.core.validate import is_integer

_BLOCK = 512  # columns of a step computed at once (bounds the temporary to N x 512 floats)


@dataclass(frozen=True)
class Selection:
    """A chosen subset of states (positions in cost order) and its alpha = 1 bound (Eq. 9)."""

    indices: tuple[int, ...]
    names: tuple[str, ...]
    point: OperatingPoint

    @property
    def k(self) -> int:
        return len(self.indices)


def subset_bound(space: StateSpace, indices) -> OperatingPoint:
    """Eq. 9 on the states at ``indices``."""
    return eq9_conservative(space.subset(indices))


def greedy_selection(space: StateSpace, k: int) -> Selection:
    """Algorithm 1 (A.3): start from {S_1, S_N}; add the unused state s with the largest
    dR(s) = [R(s_+) - R(s)] [A(s) - A(s_-)] until exactly ``k`` states are chosen.

    dR(s) is what adding s takes off the alpha = 1 bound, s_- and s_+ its chosen neighbours.
    (The printed loop, "for size = 2 to N_o", would add one state too many.) Ties go to the
    cheaper state.
    """
    r, a = _checked(space, k, "greedy_selection")
    chosen = [0, len(space) - 1] if len(space) > 1 else [0]
    while len(chosen) < k:
        ordered = np.array(sorted(chosen))
        unused = np.setdiff1d(np.arange(len(space)), ordered)
        pos = np.searchsorted(ordered, unused)
        below, above = ordered[pos - 1], ordered[pos]
        gain = (r[above] - r[unused]) * (a[unused] - a[below])
        chosen.append(int(unused[np.argmax(gain)]))
    return _selection(space, chosen)


def optimal_selections(space: StateSpace, k_max: int) -> dict[int, Selection]:
    """The exact minimum of Eq. 9 for every size k = 2..k_max over subsets that keep S_1 and S_N."""
    r, a = _checked(space, k_max, "optimal_selections")
    n = len(space)
    if n == 1:
        return {}
    # best[m][b]: least sum of w over a path 0 -> b with m + 1 nodes; parent[m][b] its previous node.
    # The pair weights w[a, b] = (R_b - R_1)(A_b - A_a) of Eq. 9 (a < b; inf elsewhere) are computed
    # once, stored with b as the row so that each step's minimum over a runs along memory.
    x = r - r[0]
    weight = x[:, None] * (a[:, None] - a[None, :])  # weight[b, a]: row b holds the edges into b
    weight[np.triu_indices(n)] = np.inf
    best = np.full(n, np.inf)
    best[0] = 0.0
    parents = []
    results = {}
    buffer = np.empty((min(_BLOCK, n), n))
    for m in range(1, k_max):
        new = np.full(n, np.inf)
        parent = np.zeros(n, dtype=np.int64)
        low = m - 1  # the first node a path of m nodes can end at
        for start in range(m, n, _BLOCK):
            stop = min(start + _BLOCK, n)
            total = np.add(weight[start:stop, low:], best[None, low:], out=buffer[: stop - start, : n - low])
            pick = np.argmin(total, axis=1)
            parent[start:stop] = pick + low
            new[start:stop] = total[np.arange(stop - start), pick]
        best = new
        parents.append(parent)
        if np.isfinite(best[n - 1]):
            path = [n - 1]
            for p in reversed(parents):
                path.append(int(p[path[-1]]))
            results[m + 1] = _selection(space, path)
    return results


def optimal_selection(space: StateSpace, k: int) -> Selection:
    """The exact optimum of the alpha = 1 bound with exactly ``k`` states (see the module)."""
    return optimal_selections(space, k)[k]


def brute_force_selection(space: StateSpace, k: int) -> Selection:
    """Every subset of size ``k`` that keeps S_1 and S_N, tried in turn (for tests and small N)."""
    r, _ = _checked(space, k, "brute_force_selection")
    n = len(space)
    if n - 2 > 22:
        raise ValueError(f"brute force over {n} states is too slow; use optimal_selection()")
    best = None
    for middle in combinations(range(1, n - 1), k - 2):
        indices = (0, *middle, n - 1)
        cost = subset_bound(space, indices).cost
        if best is None or cost < best[0]:
            best = (cost, indices)
    return _selection(space, best[1])


def _checked(space: StateSpace, k: int, context: str) -> tuple[np.ndarray, np.ndarray]:
    space.require_monotone(context)
    if not is_integer(k):
        raise ValueError(f"k (the number of states to keep) must be an integer; got {k!r}")
    if not 2 <= k <= len(space):
        raise ValueError(
            f"k (the number of states to keep) must lie in 2..{len(space)} for this space; got {k}"
        )
    return space.costs, space.accuracies


def _selection(space: StateSpace, indices) -> Selection:
    idx = tuple(sorted(int(i) for i in indices))
    return Selection(idx, tuple(space.names[i] for i in idx), subset_bound(space, idx))
