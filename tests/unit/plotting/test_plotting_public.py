"""Tests of the figures of chapters 4-5: adaptlib.plotting.public (Fig. 3) and
adaptlib.plotting.empirical (Fig. 4: the reachable region, the bounds against the exact oracle)."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy.optimize import linprog

from adaptlib import StateSpace, eq7_oracle, eq8_constant_alpha, eq9_conservative, exact_oracle
from adaptlib.analysis import empirical_bounds as EB
from adaptlib.analysis import public_bounds as T
from adaptlib.datasets import public
from adaptlib.plotting import empirical as E
from adaptlib.plotting.public import context_keys, plot_public_bounds

# Two instances, states costing 1 and 3: instance 0 is right only in the large state, instance 1
# in both. Oracle: instance 0 -> cost 3, instance 1 -> cost 1; mean cost 2, accuracy 1.
SMALL = np.array([[False, True], [True, True]])
SMALL_COSTS = np.array([1.0, 3.0])


def random_family(seed: int, n: int = 60, n_states: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Correlated correctness: instance difficulty against rising state skill; costs rising."""
    rng = np.random.default_rng(seed)
    difficulty = rng.random(n)[:, None]
    skill = np.sort(rng.uniform(0.3, 0.95, n_states))
    correct = difficulty + 0.35 * rng.standard_normal((n, n_states)) < skill
    costs = np.cumsum(rng.uniform(1.0, 10.0, n_states))
    return correct, costs


def best_accuracy_lp(correct: np.ndarray, costs: np.ndarray, budget: float) -> float:
    """Max accuracy at mean cost <= budget over all randomised routings, as a linear program."""
    n, m = correct.shape
    objective = -correct.astype(float).ravel() / n
    budget_row = np.tile(costs, n)[None, :] / n
    one_state_each = np.kron(np.eye(n), np.ones((1, m)))
    solved = linprog(objective, A_ub=budget_row, b_ub=[budget], A_eq=one_state_each, b_eq=np.ones(n),
                     bounds=(0, 1), method="highs")
    assert solved.status == 0
    return -solved.fun


# ------------------------------------------------------------------ reachable region

def test_region_of_two_instances_by_hand() -> None:
    region = EB.reachable_region(SMALL, SMALL_COSTS)
    assert region.best_accuracy(1.0) == pytest.approx(0.5)   # everything to the small state
    assert region.best_accuracy(2.0) == pytest.approx(1.0)   # the oracle
    assert region.best_accuracy(1.5) == pytest.approx(0.75)  # half of instance 0 upgraded
    assert region.best_accuracy(3.0) == pytest.approx(1.0)
    assert np.isnan(region.best_accuracy(0.5))
    assert region.contains([1.0, 3.0, 2.0], [0.5, 1.0, 1.0]).all()
    assert not region.contains([1.5], [1.0])[0]


@pytest.mark.parametrize("seed", range(6))
def test_region_top_left_corner_is_the_exact_oracle(seed) -> None:
    correct, costs = random_family(seed)
    region = EB.reachable_region(correct, costs)
    oracle = exact_oracle(correct, costs)
    assert region.best_accuracy(oracle.cost) == pytest.approx(oracle.accuracy)
    assert region.vertices[:, 1].max() == pytest.approx(oracle.accuracy)
    if oracle.cost > costs[0] + 1e-9:
        assert region.best_accuracy(oracle.cost - 1e-6) < oracle.accuracy
    assert region.contains(oracle.space.costs, oracle.space.accuracies).all()  # every static state


@pytest.mark.parametrize("seed", range(4))
def test_region_upper_boundary_matches_a_linear_program(seed) -> None:
    correct, costs = random_family(seed, n=12, n_states=3)
    region = EB.reachable_region(correct, costs)
    for budget in np.linspace(costs[0], costs[-1], 7):
        assert region.best_accuracy(budget) == pytest.approx(best_accuracy_lp(correct, costs, budget), abs=1e-7)


def test_region_ignores_the_column_order() -> None:
    correct, costs = random_family(3)
    order = np.array([2, 0, 3, 1])
    a = EB.reachable_region(correct, costs).vertices
    b = EB.reachable_region(correct[:, order], costs[order]).vertices
    np.testing.assert_allclose(a, b)


@pytest.mark.parametrize("seed", range(8))
def test_alpha_one_point_is_always_reachable(seed) -> None:
    correct, costs = random_family(seed, n=80, n_states=5)
    oracle = exact_oracle(correct, costs)
    kept = oracle.space.pareto()
    columns = [oracle.space.names.index(s) for s in kept.names]
    sub = correct[:, np.argsort(costs, kind="stable")][:, columns]
    point = eq9_conservative(kept)
    assert EB.reachable_region(sub, kept.costs).contains([point.cost], [point.accuracy], tol=1e-9)[0]


# ------------------------------------------------------------------ bounds of one family

def test_constant_alpha_line_is_eq8() -> None:
    space = StateSpace.from_arrays(["s", "m", "l"], [1.0, 2.0, 4.0], [0.5, 0.7, 0.9])
    line = EB.constant_alpha_line(space, 5)
    for alpha, cost, accuracy in line.to_numpy():
        point = eq8_constant_alpha(space, alpha)
        assert (cost, accuracy) == pytest.approx((point.cost, point.accuracy))
    segment = EB.constant_alpha_segment(space, 0.2, 0.6, 3)
    assert segment["cost"].iloc[1] == pytest.approx(eq8_constant_alpha(space, 0.4).cost)
    with pytest.raises(ValueError, match="n_points"):
        EB.constant_alpha_line(space, 1)


def test_empirical_bounds_of_a_family() -> None:
    correct, costs = random_family(1, n=200, n_states=5)
    result = EB.empirical_bounds(correct, costs, name="toy", n_boot=200, seed=3)
    oracle = result.oracle
    assert result.alpha_min == pytest.approx(np.nanmin(oracle.alpha[1:]))
    assert result.alpha_min_low <= result.alpha_min_high
    ci = result.intervals
    assert ci.loc["cost", "low"] <= oracle.cost <= ci.loc["cost", "high"]
    # Eq. 8 at alpha_N gives the oracle's accuracy; Eq. 7 with the measured alphas its cost.
    assert result.at_alpha(result.alpha_n).accuracy == pytest.approx(oracle.accuracy)
    exact = eq7_oracle(oracle.space.costs, oracle.space.accuracies, oracle.alpha)
    assert exact.cost == pytest.approx(oracle.cost)


def test_constant_alpha_is_optimistic_when_alpha_falls_with_the_state() -> None:
    """Eq. 8 at alpha_N minus the exact cost = -sum_{i=3..N} (alpha_{i-1} - alpha_N)(R_i - R_{i-1})(1 - A_{i-1})."""
    correct, costs = random_family(5, n=300, n_states=5)
    result = EB.empirical_bounds(correct, costs, name="toy", n_boot=20)
    front = result.front_oracle
    r, a, al = result.space.costs, result.space.accuracies, front.alpha
    gap = result.at_alpha(float(al[-1])).cost - front.cost
    predicted = -np.sum((al[1:-1] - al[-1]) * (r[2:] - r[1:-1]) * (1 - a[1:-1]))
    assert gap == pytest.approx(predicted)
    summary = EB.bounds_summary([result]).set_index("point")
    # Against the exact oracle on every state (the region's top-left corner):
    gap = result.at_alpha(result.alpha_n).cost - result.oracle.cost
    assert summary.loc["alpha_N (Eq. 8)", "verdict"] == ("optimistic" if gap < -1e-12 else "reachable")


def test_dominated_states_are_dropped_or_refused() -> None:
    rng = np.random.default_rng(0)
    good = rng.random((300, 1)) < 0.9
    correct = np.column_stack([rng.random(300) < 0.6, rng.random(300) < 0.5, good[:, 0]])
    costs = [1.0, 2.0, 5.0]  # the middle state is less accurate than the cheap one
    result = EB.empirical_bounds(correct, costs, ["a", "b", "c"], n_boot=20)
    assert result.dropped == ("b",)
    assert result.space.names == ("a", "c")
    # The exact oracle never drops a state; only the closed forms use the Pareto front.
    assert result.oracle.point == exact_oracle(correct, costs).point
    assert result.oracle.space.names == ("a", "b", "c")
    assert result.front_oracle.point == exact_oracle(correct[:, [0, 2]], [1.0, 5.0]).point
    assert result.at_alpha(result.alpha_n).accuracy == pytest.approx(result.oracle.accuracy)
    ci = result.intervals
    assert ci.loc["cost", "low"] <= result.oracle.cost <= ci.loc["cost", "high"]
    region = result.region
    assert region.best_accuracy(result.oracle.cost) == pytest.approx(result.oracle.accuracy)
    with pytest.raises(ValueError, match="Eq. 3"):
        EB.empirical_bounds(correct, costs, ["a", "b", "c"], n_boot=20, drop_dominated=False)


def test_bounds_summary_verdicts() -> None:
    correct, costs = random_family(2, n=200, n_states=5)
    result = EB.empirical_bounds(correct, costs, name="toy", n_boot=20)
    summary = EB.bounds_summary([result]).set_index("point")
    assert list(summary.index) == ["exact oracle", "alpha = 1 (Eq. 9)", "alpha_min (Eq. 8)", "alpha_N (Eq. 8)"]
    assert summary.loc["exact oracle", "cost_vs_exact"] == 0.0
    assert summary.loc["alpha = 1 (Eq. 9)", "verdict"] == "reachable"
    assert summary.loc["alpha_N (Eq. 8)", "accuracy_vs_exact"] == pytest.approx(0.0, abs=1e-9)
    assert summary.loc["alpha_min (Eq. 8)", "accuracy_vs_exact"] >= -1e-9  # alpha_min <= alpha_N


def test_convex_hull_and_guaranteed_region() -> None:
    square = np.array([[0, 0], [1, 0], [1, 1], [0, 1], [0.5, 0.5], [0.2, 0.9]])
    hull = EB.convex_hull(square)
    assert len(hull) == 4 and {tuple(p) for p in hull} == {(0, 0), (1, 0), (1, 1), (0, 1)}
    signed_area = 0.5 * np.sum(hull[:, 0] * np.roll(hull[:, 1], -1) - np.roll(hull[:, 0], -1) * hull[:, 1])
    assert signed_area == pytest.approx(1.0)  # counter-clockwise
    space = public.load_public_family("vit")
    region = EB.guaranteed_region(space)
    point = eq9_conservative(space)
    assert [point.cost, point.accuracy] in region.tolist()


def test_densify_keeps_the_vertices() -> None:
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]])
    dense = E.densify(square, per_edge=4)
    assert dense.shape == (12, 2)
    np.testing.assert_allclose(dense[::4], square)
    open_chain = E.densify(square, per_edge=4, closed=False)
    np.testing.assert_allclose(open_chain[[0, -1]], square[[0, -1]])


# ------------------------------------------------------------------ the figures

def test_fig3_panels() -> None:
    reproduced, spaces = T.reproduce_table1(), T.table1_spaces()
    assert context_keys("ImageNet") == ("efficientnet", "vit", "imagenet")
    for context, unit in (("ImageNet", "GMACs"), ("HellaSwag", "GFLOPs")):
        fig = plot_public_bounds(context, reproduced, spaces, public.paper_table1())
        ax = fig.axes[0]
        assert isinstance(fig, Figure) and ax.get_xscale() == "log"
        assert unit in ax.get_xlabel() and ax.get_title() == ""
        assert fig.get_figwidth() <= 6.5
        labels = ax.get_legend().get_texts()
        assert any("SOTA envelope" in t.get_text() for t in labels)
    with pytest.raises(ValueError, match="context"):
        plot_public_bounds("CIFAR", reproduced, spaces)
    with pytest.raises(ValueError, match="rows"):
        plot_public_bounds("ImageNet", reproduced.drop(index="vit"), spaces)


def _panels(fig: Figure) -> list:
    """The data panels of a figure (axes shown with their axis; a legend cell has none)."""
    return [ax for ax in fig.axes if ax.get_visible() and ax.axison]


def test_fig4_figures() -> None:
    correct, costs = random_family(4, n=100, n_states=4)
    results = [EB.empirical_bounds(correct, costs, name=f"toy {k}", n_boot=20) for k in range(3)]
    fig = E.plot_empirical_bounds(results)
    panels = _panels(fig)
    assert len(panels) == 3 and all(ax.get_xscale() == "log" for ax in panels)
    assert "FLOPs" in panels[0].get_xlabel()
    assert fig.get_figwidth() <= 6.5
    # Three panels in a 2 x 2 grid: the fourth cell holds the legend, and no panel is empty.
    (host,) = [ax for ax in fig.axes if not ax.axison]
    assert host.get_legend() is not None and not fig.legends
    assert len(fig.axes) == 4
    # Two panels fill their row: the legend goes below them.
    fig = E.plot_empirical_bounds(results[:2])
    assert len(_panels(fig)) == 2 and len(fig.axes) == 2 and len(fig.legends) == 1
    with pytest.raises(ValueError, match="empty"):
        E.plot_empirical_bounds([])
    spaces = {k: public.load_public_family(k) for k in public.FAMILIES}
    fig = E.plot_constant_alpha_lines(spaces, {k: public.paper_alpha_min(k) for k in spaces},
                                      {k: public.cost_unit(k) for k in spaces}, public.paper_table1())
    assert len(_panels(fig)) == 4 and len(fig.axes) == 4 and len(fig.legends) == 1
    assert fig.get_figwidth() <= 6.5
    three = {k: spaces[k] for k in list(spaces)[:3]}
    fig = E.plot_constant_alpha_lines(three, {k: public.paper_alpha_min(k) for k in three},
                                      {k: public.cost_unit(k) for k in three})
    assert len(_panels(fig)) == 3 and len(fig.axes) == 4 and not fig.legends
    with pytest.raises(ValueError, match="alpha_min and units"):
        E.plot_constant_alpha_lines(spaces, {}, {})


def test_the_proofs_sum_is_eq9() -> None:
    """R_1 + (R_N - R_1) A_N - sum_{i<N} (R_{i+1} - R_i) A_i, the sum of the proof that the
    alpha = 1 point is reachable, is Eq. 9."""
    rng = np.random.default_rng(11)
    for _ in range(5):
        n = int(rng.integers(2, 9))
        space = StateSpace.from_arrays([f"s{i}" for i in range(n)], np.cumsum(rng.uniform(0.1, 5, n)),
                                       np.sort(rng.uniform(0.1, 1.0, n)))
        c, a = space.costs, space.accuracies
        summed = c[0] + (c[-1] - c[0]) * a[-1] - np.sum(np.diff(c) * a[:-1])
        assert summed == pytest.approx(eq9_conservative(space).cost)


def test_summary_view_and_intervals_table_only_lay_out() -> None:
    correct, costs = random_family(5, n=80, n_states=4)
    results = [EB.empirical_bounds(correct, costs, name=f"toy {k}", n_boot=20, unit="MFLOPs") for k in range(2)]
    summary = EB.bounds_summary(results)
    view = EB.summary_view(summary)
    assert list(view.index[:4]) == [("toy 0", "exact oracle"), ("toy 0", "α = 1 (Eq. 9)"),
                                    ("toy 0", "α_min (Eq. 8)"), ("toy 0", "α_N (Eq. 8)")]
    np.testing.assert_allclose(view["cost_vs_exact"], 100 * summary["cost_vs_exact"])
    np.testing.assert_allclose(view["cost"], summary["cost"])
    table = EB.intervals_table(results)
    assert list(table.columns) == ["estimate", "low", "high"] and len(table) == 6
    first = results[0]
    assert table.loc[("toy 0", "R_oracle (MFLOPs)"), "estimate"] == pytest.approx(first.oracle.cost)
    assert table.loc[("toy 0", "A_oracle (%)"), "high"] == pytest.approx(
        100 * first.intervals.loc["accuracy", "high"])
    row = table.loc[("toy 0", f"α_min (state {first.alpha_min_state})")]
    assert (row["low"], row["estimate"], row["high"]) == pytest.approx(
        (first.alpha_min_low, first.alpha_min, first.alpha_min_high))
