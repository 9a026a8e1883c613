"""Tests of adaptlib.analysis.state_selection: state selection (Sec. 4.1, A.3), continuous adaptation (Eq. 11,
Table 2) and adaptation costs (Sec. 4.2, A.4, Eq. 15-16). Every claim chapters 6-8 print is
asserted here on small inputs."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import PROPERTY, matrices_and_costs, monotone_spaces

from adaptlib import (
    StateSpace,
    brute_force_selection,
    eq9_conservative,
    eq11_continuous,
    eq15_two_state,
    exact_oracle,
    gains,
    greedy_selection,
    subset_bound,
)
from adaptlib.analysis import adaptation_costs, continuous_adaptation, design_spaces, state_selection
from adaptlib.core.bounds import break_even_beta0, break_even_beta1
from adaptlib.datasets import public

# Greedy loses at k = 4, whatever it does with its tie. From {a, e}, dR(b) = (9 - 2)(0.6 - 0.1)
# = 3.5, dR(c) = (9 - 3)(0.8 - 0.1) = 4.2, dR(d) = (9 - 4)(0.9 - 0.1) = 4.0: it adds c. Then
# dR(b) = (3 - 2)(0.5) = 0.5 = dR(d) = (9 - 4)(0.1): a tie, and either choice gives 2.7:
# {a, b, c, e}: 1 + 1(0.5) + 2(0.2) + 8(0.1) = 2.7; {a, c, d, e}: 1 + 2(0.7) + 3(0.1) + 0 = 2.7.
# The optimum {a, b, d, e} skips c: 1 + 1(0.5) + 3(0.3) + 8(0) = 2.4.
TRAP = StateSpace.from_arrays(list("abcde"), [1, 2, 3, 4, 9], [0.1, 0.6, 0.8, 0.9, 0.9])


def close(a: float, b: float) -> bool:
    return a == pytest.approx(b, rel=1e-9, abs=1e-12)


# ------------------------------------------------------------------------ selection (ch. 6)
def test_selection_curve_on_the_trap():
    curve = state_selection.selection_curve(TRAP).set_index(["k", "algorithm"])
    assert close(curve.loc[(4, "greedy"), "cost"], 2.7)
    assert close(curve.loc[(4, "exact"), "cost"], 2.4)
    assert curve.loc[(4, "exact"), "indices"] == (0, 1, 3, 4)
    assert close(curve.loc[(4, "exact"), "r_ratio"], 9 / 2.4)
    # k = N keeps everything: the share of the full gain is 1 for both algorithms.
    assert close(curve.loc[(5, "greedy"), "share"], 1.0) and close(curve.loc[(5, "exact"), "share"], 1.0)
    # dr_share: (R_N - cost) / (R_N - full) with full = Eq. 9 on all five states.
    full = eq9_conservative(TRAP).cost
    assert close(curve.loc[(3, "exact"), "dr_share"], (9 - curve.loc[(3, "exact"), "cost"]) / (9 - full))


@PROPERTY
@given(monotone_spaces(min_states=3, max_states=8))
def test_exact_never_below_greedy_and_equal_to_brute_force(space):
    curve = state_selection.selection_curve(space)
    wide = curve.pivot(index="k", columns="algorithm", values="r_ratio")
    assert (wide["exact"] >= wide["greedy"] * (1 - 1e-9)).all()
    check = state_selection.brute_force_check(space)
    assert len(check) == len(space) - 1  # every size is feasible for N <= 8
    assert check["exact_is_brute"].all() and check["exact_le_greedy"].all()


@PROPERTY
@given(monotone_spaces(min_states=3, max_states=8))
def test_greedy_is_optimal_with_one_free_state(space):
    curve = state_selection.selection_curve(space, 3).pivot(index="k", columns="algorithm", values="cost")
    assert close(curve.loc[3, "greedy"], curve.loc[3, "exact"])


@PROPERTY
@given(monotone_spaces(min_states=2, max_states=8))
def test_log_interpolation_never_costs_more_than_linear(space):
    assert eq11_continuous(space, "log").cost <= eq11_continuous(space, "linear").cost + 1e-9


@PROPERTY
@given(monotone_spaces(min_states=2, max_states=7), st.data())
def test_brute_force_bound_agrees_with_the_core(space, data):
    k = data.draw(st.integers(2, len(space)))
    cost, indices = state_selection.brute_force_bound(space, k)
    reference = brute_force_selection(space, k)
    assert close(cost, reference.point.cost)
    assert close(subset_bound(space, indices).cost, cost)


def test_brute_force_bound_refuses_too_many_subsets():
    space = StateSpace.from_arrays([f"s{i}" for i in range(30)], np.arange(1, 31), np.linspace(0.1, 0.9, 30))
    with pytest.raises(ValueError, match="budget"):
        state_selection.brute_force_bound(space, 10, budget=1000)
    check = state_selection.brute_force_check(space, k_max=6, budget=1000)
    assert list(check["k"]) == [2, 3, 4]  # C(28, 2) = 378 <= 1000 < C(28, 3) = 3276


def test_greedy_shortfalls_lists_only_losses():
    table = state_selection.greedy_shortfalls({"trap": TRAP})
    assert list(table["k"]) == [4]
    row = table.iloc[0]
    assert close(row["extra_cost_pct"], 100 * (2.7 / 2.4 - 1))
    assert close(row["ratio_lost_pct"], 100 * (1 - 2.4 / 2.7))
    assert (row["greedy_only"], row["exact_only"]) == ("c", "d")
    monotone_ok = StateSpace.from_arrays(list("abc"), [1, 2, 3], [0.2, 0.5, 0.6])
    assert state_selection.greedy_shortfalls({"three": monotone_ok}).empty  # k = 3 is always optimal


def test_states_needed():
    curve = state_selection.selection_curve(TRAP)
    full_ratio = 9 / eq9_conservative(TRAP).cost
    # full bound 2.2; k = 4 costs 2.4 (exact, share 2.2 / 2.4 = 0.917) or 2.7 (greedy, 0.815)
    assert state_selection.states_needed(curve, share=0.9) == 4
    assert state_selection.states_needed(curve, "greedy", share=0.9) == 5
    assert state_selection.states_needed(curve, share=1.0) == 5
    assert state_selection.states_needed(curve, r_ratio=9 / 2.4) == 4
    assert state_selection.states_needed(curve, r_ratio=full_ratio * 1.01) is None
    with pytest.raises(ValueError, match="exactly one"):
        state_selection.states_needed(curve)
    with pytest.raises(ValueError, match="algorithm"):
        state_selection.states_needed(curve, "best", share=0.5)


def test_marginal_gains_equal_the_rise_of_the_bound():
    indices = (0, 1, 3, 4)
    gain = state_selection.marginal_gains(TRAP, indices)
    assert np.isnan(gain[0]) and np.isnan(gain[-1])
    base = subset_bound(TRAP, indices).cost
    for position, state in enumerate(indices[1:-1], start=1):
        without = subset_bound(TRAP, [i for i in indices if i != state]).cost
        assert close(gain[position], without - base)


def test_selection_path_marks_the_new_state():
    greedy = state_selection.selection_path(TRAP, algorithm="greedy")
    assert greedy["added"].iloc[0] == -1
    for previous, row in zip(greedy["indices"][:-1], greedy.iloc[1:].itertuples()):
        assert set(row.indices) - set(previous) == {row.added}
    exact = state_selection.selection_path(TRAP)
    row = exact.set_index("k").loc[4]  # (0, 1, 3, 4) after (0, 2, 4): b and d are new
    assert row["added"] in (1, 3)
    gains_new = state_selection.marginal_gains(TRAP, row["indices"])
    assert close(row["added_gain"], np.nanmax(gains_new[[1, 2]]))


def test_algorithm1_trace_follows_greedy_selection():
    trace = state_selection.algorithm1_trace(TRAP, 5)
    taken = trace[trace["taken"]]
    assert list(taken["state"]) == [2, 1, 3]  # c, then b on the tie (cheaper), then d
    assert close(trace[(trace["step"] == 1) & (trace["state"] == 2)]["dR"].iloc[0], 4.2)
    assert set(greedy_selection(TRAP, 4).indices) == {0, 4, 2, 1}
    # each taken dR is what the bound drops by
    bounds = [eq9_conservative(TRAP.subset([0, 4])).cost, *taken["bound_after"]]
    assert np.allclose(-np.diff(bounds), taken["dR"])
    assert state_selection.algorithm1_trace(TRAP, 2).empty


def test_eq10_contributions_add_up():
    table = state_selection.eq10_contributions(TRAP)
    assert close(table["bound_after"].iloc[-1], eq9_conservative(TRAP).cost)
    # savings: (A_i - A_{i-1})(R_N - R_i) = 0.5*7, 0.2*6, 0.1*5, 0*0
    assert np.allclose(table["saving"], [3.5, 1.2, 0.5, 0.0])
    assert close(table["share"].sum(), 1.0)


def test_named_spaces_and_short_names():
    for name in design_spaces.SPACES:
        named = design_spaces.named_space(name)
        assert named.space.assumptions().accuracies_monotone
        assert named.n_classes == design_spaces.N_CLASSES[name]
    assert design_spaces.named_space("mixed").dropped == ("logreg", "centroid", "naive_bayes")
    assert design_spaces.named_space("imagenet", pool="torchvision").space.costs[-1] == pytest.approx(1016.717)
    with pytest.raises(ValueError, match="accepted"):
        design_spaces.named_space("resnet")
    with pytest.raises(ValueError, match="only applies"):
        design_spaces.named_space("vit", pool="timm")
    assert design_spaces.short_names(["timm:caformer_m36.sail_in22k_ft_in1k@224",
                               "timm:caformer_m36.sail_in22k_ft_in1k_384@384",
                               "torchvision:ViT_B_16_Weights.IMAGENET1K_SWAG_E2E_V1",
                               "EleutherAI/pythia-1b-deduped"]) == (
        "caformer_m36@224", "caformer_m36@384", "ViT_B_16", "pythia-1b-deduped")
    assert design_spaces.short_names(["a/x", "b/x"]) == ("a/x", "b/x")  # no repeats


def test_custom_space(tmp_path):
    path = tmp_path / "space.csv"
    path.write_text("state,cost,accuracy\nsmall,1,0.5\nbig,10,0.8\nbad,5,0.4\n")
    named = design_spaces.custom_space(str(path), n_classes=3)
    assert named.space.names == ("small", "big") and named.dropped == ("bad",)


# ---------------------------------------------------------------- continuous (ch. 7)
def test_accuracy_curve_and_refine():
    curve_at_states = continuous_adaptation.accuracy_curve(TRAP, TRAP.costs, "linear")
    assert np.allclose(curve_at_states, TRAP.accuracies)
    assert close(continuous_adaptation.accuracy_curve(TRAP, [2.5], "linear")[0], 0.7)
    assert close(continuous_adaptation.accuracy_curve(TRAP, [2.5], "step")[0], 0.6)
    assert close(continuous_adaptation.accuracy_curve(TRAP, [np.sqrt(2 * 3)], "log")[0], 0.7)
    with pytest.raises(ValueError, match="range"):
        continuous_adaptation.accuracy_curve(TRAP, [0.5])
    assert continuous_adaptation.refine(TRAP, 0) is TRAP
    fine = continuous_adaptation.refine(TRAP, 3, "linear")
    assert len(fine) == 5 + 4 * 3
    # points on the curve leave Eq. 11 unchanged, for either interpolation
    for interp in continuous_adaptation.INTERPOLATIONS:
        assert close(eq11_continuous(continuous_adaptation.refine(TRAP, 4, interp), interp).cost,
                     eq11_continuous(TRAP, interp).cost)


@PROPERTY
@given(monotone_spaces(min_states=2, max_states=6))
def test_discrete_bound_approaches_eq11(space):
    approach = continuous_adaptation.continuum_approach(space, [0, 1, 3, 7], "linear")
    assert np.allclose(approach["gap"], approach["gap_formula"], rtol=1e-7, atol=1e-9)
    assert (np.diff(approach["cost"]) <= 1e-9).all()  # more states never cost more
    log_approach = continuous_adaptation.continuum_approach(space, [0, 2, 8], "log")
    assert (log_approach["gap"] >= -1e-9).all() and (np.diff(log_approach["gap"]) <= 1e-9).all()


def test_continuum_gap_by_hand():
    # TRAP, linear: Eq. 9 - Eq. 11 = sum dR dA / 2 = (1(0.5) + 1(0.2) + 1(0.1) + 5(0)) / 2 = 0.4
    approach = continuous_adaptation.continuum_approach(TRAP, [0, 1], "linear")
    assert np.allclose(approach["gap"], [0.4, 0.2])


def test_table2_against_the_envelopes_and_the_printed_values():
    table = continuous_adaptation.table2("linear").set_index("key")
    for key in public.ENVELOPES:
        space = public.load_envelope(key)
        point = eq11_continuous(space, "linear")
        assert close(table.loc[key, "R_oracle"], point.cost)
        assert close(table.loc[key, "R_ratio"], gains(point, space).r_ratio)
        assert close(table.loc[key, "R_ratio_discrete"], gains(eq9_conservative(space), space).r_ratio)
        assert table.loc[key, "continuous_over_discrete"] > 1
    assert table.loc["imagenet", "printed_R_ratio"] == 160.94
    assert table.loc["hellaswag", "printed_R_oracle"] == 11070.49
    assert table.loc["imagenet", "cost_unit"] == "GMACs" and table.loc["hellaswag", "cost_unit"] == "GFLOPs"
    log = continuous_adaptation.table2("log", pools={"imagenet": "torchvision"}).set_index("key")
    assert log.loc["imagenet", "pool"] == "torchvision" and log.loc["imagenet", "states"] == 20
    with pytest.raises(ValueError, match="interpolation"):
        continuous_adaptation.table2("cubic")


def test_printed_table2_consistency():
    table = continuous_adaptation.printed_table2_consistency().set_index("dataset")
    assert table.loc["ImageNet", "R_N_over_R_oracle"] == pytest.approx(2586 / 16.07)
    assert table.loc["HellaSwag", "R_N_minus_R_oracle"] == pytest.approx(1352640 - 11070.49)


# ---------------------------------------------------------------- overheads (ch. 8)
@PROPERTY
@given(matrices_and_costs(min_states=2, max_states=5, distinct_costs=True),
       st.floats(0, 50), st.floats(0, 5))
def test_overhead_identity_on_instances(matrix_costs, beta0, beta1):
    matrix, costs = matrix_costs
    check = adaptation_costs.overhead_check(matrix, costs, [beta0], [beta1])
    assert close(check["direct"].iloc[0], check["identity"].iloc[0])


def test_overhead_identity_on_eq8_and_errors():
    for alpha in (0.0, 0.4, 1.0):
        check = adaptation_costs.overhead_check_closed_form(TRAP, alpha, [0, 2, 5], [0, 0.5, 3])
        assert np.allclose(check["direct"], check["identity"])
    with pytest.raises(ValueError, match="pair up"):
        adaptation_costs.overhead_check(np.ones((3, 2), bool), [1, 2], [0, 1], [0])
    with pytest.raises(ValueError, match="beta0"):
        adaptation_costs.overhead_check(np.ones((3, 2), bool), [1, 2], [-1], [0])


def test_overhead_ratios_and_break_even():
    named = {"trap": design_spaces.NamedSpace("trap", "trap", TRAP, "u", 10, ())}
    table = adaptation_costs.break_even(named).iloc[0]
    r_oracle = eq9_conservative(TRAP).cost  # 1 + 1(0.5) + 2(0.2) + 3(0.1) + 0 = 2.2
    assert close(r_oracle, 2.2)
    assert close(table["beta1_break_even"], break_even_beta1(r_oracle, 9.0))
    assert close(table["beta0_break_even"], break_even_beta0(r_oracle, 9.0))
    assert close(table["beta0_over_R_N"], 1 - 2.2 / 9)
    grid = adaptation_costs.overhead_ratios(TRAP, [0.0, table["beta0_break_even"]], [0.0, table["beta1_break_even"]])
    ratios = grid.set_index(["beta0", "beta1"])["r_ratio"]
    assert close(ratios.iloc[0], 9 / 2.2)
    assert close(ratios.loc[(0.0, table["beta1_break_even"])], 1.0)
    assert close(ratios.loc[(table["beta0_break_even"], 0.0)], 1.0)
    assert grid["pays"].tolist() == [True, False, False, False]


def test_dynamic_range_pairs():
    pairs = adaptation_costs.dynamic_range_pairs(TRAP)
    assert len(pairs) == 10
    for row in pairs.itertuples():
        assert close(row.cost, eq15_two_state(TRAP.subset([row.i, row.j])).cost)
        assert close(row.cost_all, eq9_conservative(TRAP.subset(range(row.i, row.j + 1))).cost)
        assert row.cost_all <= row.cost + 1e-12


def test_eq16_table_where_the_two_sides_disagree():
    # C = 4, A_1 = 0.3: factor (0.3 - 0.25) / (1 - 0.8 + 0.3) = 0.1, so the thresholds are
    # 0.1 R_2 = 0.2 (the proof) and 0.1 R_N = 1.0 (as printed); R_1 = 0.5 lies between.
    space = StateSpace.from_arrays(["s1", "s2", "s3"], [0.5, 2.0, 10.0], [0.3, 0.6, 0.8])
    named = {"x": design_spaces.NamedSpace("x", "x", space, "u", 4, ())}
    row = adaptation_costs.eq16_table(named).iloc[0]
    assert close(row["threshold_R2"], 0.2) and close(row["threshold_RN"], 1.0)
    assert not row["worth_it_R2"] and row["worth_it_RN"]
    assert not row["worth_it_direct"] and row["direct_agrees_with"] == "R_2"
    # the direct comparison: with S_1, 0.5 + 1.5(0.3) + 9.5(0.2) = 2.85; with the guesser,
    # 2(0.6 - 0.25) + 10(0.2) = 2.7
    assert close(row["cost"], 2.85) and close(row["cost_with_guesser"], 2.7)


def test_eq16_direct_comparison_always_sides_with_r2():
    table = adaptation_costs.eq16_table({name: design_spaces.named_space(name) for name in design_spaces.SPACES})
    assert (table["worth_it_direct"] == table["worth_it_R2"]).all()
    assert set(table.loc[table["worth_it_R2"] != table["worth_it_RN"], "key"]) == {
        "hellaswag", "pythia", "resolution"}


def test_overhead_check_uses_the_paper_rule_for_unsolved_instances():
    # one instance no state gets right: it costs R_1 + Delta_1 directly, beta_0 + (1 + beta_1) R_1
    # in the identity; both agree only under the paper's 'cheapest' rule, which is used.
    matrix = np.array([[False, False], [False, True]])
    check = adaptation_costs.overhead_check(matrix, [1.0, 4.0], [2.0], [0.5])
    assert close(check["direct"].iloc[0], ((1 + 2 + 0.5) + (4 + 2 + 2)) / 2)
    assert close(check["identity"].iloc[0], 2 + 1.5 * exact_oracle(matrix, [1.0, 4.0]).cost)
    assert isinstance(check, pd.DataFrame)


# ---------------------------------------------------- what chapters 6-8 tabulate (helpers)
def test_path_changes_name_the_new_and_the_dropped_states():
    names = list("abcde")
    changes = state_selection.path_changes(state_selection.selection_path(TRAP, 5), names)
    assert list(changes.columns) == ["k", "r_ratio", "share", "red_dot", "new", "left_out"]
    by_k = changes.set_index("k")
    assert by_k.loc[2, "red_dot"] == "" and by_k.loc[2, "new"] == "a, e"
    # k = 3 takes c; the optimum of size 4 drops c for b and d (the trap)
    assert by_k.loc[3, "new"] == "c" and by_k.loc[4, "new"] == "b, d" and by_k.loc[4, "left_out"] == "c"


def test_claim_table_rows_book_paper_difference():
    space = StateSpace.from_arrays([f"s{i}" for i in range(9)], 2.0 ** np.arange(9),
                                   np.linspace(0.5, 0.9, 9) ** 0.5)
    claim = state_selection.claim_table({"f": space}, 0.9)
    assert list(claim.index) == [("f", "book"), ("f", "paper"), ("f", "difference")]
    curve = state_selection.selection_curve(space).set_index(["k", "algorithm"])
    book, paper, diff = (claim.loc[("f", s)] for s in ("book", "paper", "difference"))
    assert close(book["r_ratio_best"], curve.loc[(7, "exact"), "r_ratio"])
    assert close(book["r_ratio_all"], curve.loc[(9, "exact"), "r_ratio"])
    assert paper["R_N"] == 2586.0 and paper["k_target"] == 7 and paper["k_share"] == 7
    assert close(diff["R_N"], 256.0 - 2586.0) and np.isnan(diff["states"])
    assert np.isnan(book["k_target"])  # no size reaches 100x on this small space
    assert np.isnan(state_selection.claim_table({"f": space}, 0.8).loc[("f", "paper"), "k_share"])


def test_table2_comparison_and_interpolation_sensitivity():
    t2 = continuous_adaptation.table2("linear")
    shown = continuous_adaptation.table2_comparison(t2)
    assert shown.index.get_level_values(-1).tolist() == ["book", "paper", "difference"] * 2
    imagenet = shown.xs("ImageNet (GMACs)", level=0)
    row = t2.set_index("key").loc["imagenet"]
    assert close(imagenet.loc["book", "R_ratio"], row["R_ratio"])
    assert imagenet.loc["paper", "R_ratio"] == 160.94
    assert close(imagenet.loc["difference", "R_N"], row["R_N"] - row["printed_R_N"])
    sensitivity = continuous_adaptation.interpolation_sensitivity()
    book = sensitivity.drop(index="paper", level="pool")
    assert len(book) == sum(len(public.envelope_pools(k)) for k in public.ENVELOPES)
    assert (book["log_over_linear"] >= 1).all()
    paper = sensitivity.xs("paper", level="pool")
    assert paper.loc["ImageNet", "linear"] == 160.94 and np.isnan(paper.loc["ImageNet", "log"])


def test_overhead_grid_check_and_dynamic_range_by_top():
    matrix = np.array([[True, True], [False, True], [False, False]])
    grid = adaptation_costs.overhead_grid_check({"m": (matrix, [2.0, 5.0])}, [0.0, 1.0], [0.0, 0.5])
    assert len(grid) == 4 and set(grid["data"]) == {"m"}
    assert grid["beta0"].tolist() == [0.0, 0.0, 2.0, 2.0]  # in units of R_1 = 2
    assert np.allclose(grid["direct"], grid["identity"])
    pairs = adaptation_costs.dynamic_range_pairs(TRAP)
    by_top = adaptation_costs.dynamic_range_by_top(pairs, list("abcde"))
    assert by_top["top"].tolist() == list("bcde")
    last = by_top.iloc[-1]
    assert close(last["r_ratio_all"], 9 / eq9_conservative(TRAP).cost)
    assert close(last["r_ratio_best_pair"], pairs[pairs["j"] == 4]["r_ratio"].max())
