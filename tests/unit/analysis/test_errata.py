"""The demonstrations of chapter 9's errata (adaptlib.analysis.errata)."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from adaptlib import (
    StateSpace,
    brute_force_selection,
    eq16_smallest_state,
    greedy_selection,
    optimal_selection,
    subset_bound,
)
from adaptlib.analysis import appendix_proofs as proofs
from adaptlib.analysis import errata
from adaptlib.datasets.digits import load_family
from adaptlib.datasets.public import load_envelope


@pytest.fixture(scope="module")
def width():
    return load_family("width").space


# ----------------------------------------------------------------- Algorithm 1


@pytest.mark.parametrize("n_o", (2, 3, 4, 7))
def test_the_printed_loop_returns_one_state_too_many(width, n_o):
    chosen = errata.algorithm1_as_printed(width, n_o)
    assert len(chosen) == n_o + 1
    assert chosen == greedy_selection(width, n_o + 1).indices


def test_the_printed_loop_has_no_neighbour_for_a_tie():
    tied = StateSpace.from_arrays(["a", "b", "c", "d"], [1.0, 2.0, 4.0, 4.0], [0.5, 0.7, 0.8, 0.9])
    with pytest.raises(ValueError, match="costs the same"):
        errata.algorithm1_as_printed(tied, 3)


@pytest.mark.parametrize("n_o", (1, 8, True, 2.5))
def test_the_printed_loop_validates_n_o(width, n_o):
    with pytest.raises(ValueError, match="N_o"):
        errata.algorithm1_as_printed(width, n_o)


def test_utility_evaluations_by_hand():
    # N = 5: adding the 3rd state scores 3 candidates, the 4th 2, the 5th 1.
    assert errata.utility_evaluations(5, 3) == 3
    assert errata.utility_evaluations(5, 4) == 5
    assert errata.utility_evaluations(5, 4, as_printed=True) == 6
    assert errata.utility_evaluations(100, 2) == 0
    with pytest.raises(ValueError):
        errata.utility_evaluations(5, 5, as_printed=True)


# ----------------------------------------------------------------- proofs 2 and 3


def test_proof2_slips_at_line_4_and_its_last_line_is_not_eq7():
    table = errata.proof2_steps((3, 4))
    failing = set(table.index[~table.all(axis=1)])
    assert failing == {"line 3 -> line 4", "line 6 -> Eq. 7"}
    assert table.loc["line 4 -> line 5"].all() and table.loc["line 5 -> line 6"].all()


def test_proof3_holds_with_sums_from_three_only():
    printed = errata.proof3_steps((3, 4))
    assert set(printed.index[~printed.all(axis=1)]) == {"R - R' -> line 2", "line 2 -> line 4", "line 4 -> line 5"}
    assert errata.proof3_steps((3, 4), corrected=True).to_numpy().all()


def test_eq7_as_in_proof_matches_its_symbolic_form_and_eq7_only_for_two_states():
    n = 4
    symbols = [proofs.R[k] for k in range(1, n + 1)] + [proofs.A[k] for k in range(1, n + 1)] + \
        [proofs.alpha[k] for k in range(2, n + 1)]
    formula = sp.lambdify(symbols, proofs.eq7_cost_as_in_proof(n).doit())
    r, acc, al = [1.0, 2.0, 5.0, 9.0], [0.5, 0.6, 0.8, 0.9], [np.nan, 0.7, 0.5, 0.4]
    assert errata.eq7_as_in_proof(r, acc, al) == pytest.approx(formula(*r, *acc, *al[1:]))
    two = errata.eq7_as_in_proof([1.0, 3.0], [0.6, 0.8], [np.nan, 0.5])
    assert two == pytest.approx(1.0 + 2.0 * 0.4 - 0.5 * 2.0 * 0.2)


def test_the_slipped_formula_misses_the_measured_oracle():
    from adaptlib import exact_oracle

    fam = load_family("width")
    measured = exact_oracle(fam.correct, fam.costs)
    assert errata.eq7_as_in_proof(fam.costs, measured.space.accuracies, measured.alpha) != pytest.approx(measured.cost)


# ----------------------------------------------------------------- Eq. 16


def test_eq16_r2_and_rn_disagree_on_the_resolution_family():
    verdict = eq16_smallest_state(load_family("resolution").space, 10)
    assert verdict.worth_it_rn and not verdict.worth_it_r2
    assert verdict.cost > verdict.cost_with_guesser  # the R_2 verdict is the right one


# ----------------------------------------------------------------- greedy against optimal


def test_the_smallest_counterexample():
    found = errata.greedy_counterexample(5, 4, 12)
    assert found is not None and found.largest == 7
    assert (found.costs, found.gains) == ((0, 1, 2, 4, 6), (0, 3, 4, 6, 7))
    assert found.greedy_bound > found.optimal_bound
    space = found.space()
    greedy, best = greedy_selection(space, 4), brute_force_selection(space, 4)
    assert greedy.indices == found.greedy and best.indices == found.optimal
    assert greedy.point.cost == pytest.approx(found.greedy_bound / 7)
    assert best.point.cost == pytest.approx(found.optimal_bound / 7)


def test_no_counterexample_below_five_states_or_three_kept():
    assert errata.greedy_counterexample(4, 3, 10) is None
    assert errata.greedy_counterexample(5, 3, 8) is None
    assert errata.greedy_counterexample(5, 4, 6) is None  # L = 7 is the smallest grid


def test_greedy_subsets_match_greedy_selection_on_random_spaces():
    rng = np.random.default_rng(1)
    costs = np.cumsum(rng.integers(1, 5, (200, 6)), axis=1) - 1
    costs[:, 0] = 0
    gains = np.cumsum(rng.integers(1, 5, (200, 6)), axis=1)
    gains -= gains[:, [0]]
    mask, tied = errata.greedy_subsets(costs, gains, 4)
    checked = 0
    for row in np.flatnonzero(~tied)[:40]:
        space = StateSpace.from_arrays([f"s{k}" for k in range(6)], costs[row].astype(float),
                                       gains[row] / gains[row, -1])
        assert tuple(np.flatnonzero(mask[row])) == greedy_selection(space, 4).indices
        checked += 1
    assert checked == 40


def test_subset_bounds_is_eq9_in_integers():
    costs, gains = np.array([[0, 1, 2, 4, 6]]), np.array([[0, 3, 4, 6, 7]])
    space = StateSpace.from_arrays(list("abcde"), costs[0].astype(float), gains[0] / 7)
    for subset in ((0, 4), (0, 1, 4), (0, 2, 3, 4), (0, 1, 2, 3, 4)):
        bound = errata.subset_bounds(costs, gains, subset)[0] / 7
        assert bound == pytest.approx(subset_bound(space, subset).cost)


def test_greedy_misses_the_optimum_on_real_spaces(width):
    assert greedy_selection(width, 4).point.cost > optimal_selection(width, 4).point.cost * 1.1
    imagenet = load_envelope("imagenet").pareto()
    assert greedy_selection(imagenet, 4).point.cost > optimal_selection(imagenet, 4).point.cost * 1.2


# ----------------------------------------------------------------- the printed tables


def test_printed_tables_inconsistent_cells():
    tables = errata.printed_table_consistency()
    bad = tables[~tables["consistent"]]
    assert set(zip(bad["row"], bad["relation"].str.split(" ").str[0])) == {
        ("ImageNet ViT", "A_oracle"), ("ImageNet ViT", "alpha"), ("HellaSwag SOTA", "dR")}
    vit = tables[(tables["row"] == "ImageNet ViT") & tables["relation"].str.startswith("alpha =")].iloc[0]
    assert vit["implied_high"] < 0.515  # 0.52 cannot round from the printed accuracies


def test_interval_helpers():
    assert errata._overlap((1.0, 2.0), (2.0, 3.0))
    assert not errata._overlap((1.0, 1.9), (2.0, 3.0))
    assert errata._interval(0.52) == pytest.approx((0.515, 0.525))


# ----------------------------------------------------------------- as chapter 9 shows them


def test_proof_step_checks_hold_for_the_paper_and_fail_otherwise():
    proof2 = errata.proof2_steps((3, 4))
    items = errata.proof_step_checks(proof2, errata.PROOF2_SLIPS)
    assert len(items) == len(proof2) and all(ok for _, ok, _ in items)
    assert any("does not follow" in label and "line 3 → line 4" in label for label, _, _ in items)
    wrong = errata.proof_step_checks(proof2, ("line 1 -> line 2",))
    assert [ok for _, ok, _ in wrong].count(False) == 3  # the claimed slip holds; two real ones fail
    printed, fixed = errata.proof3_steps((3,)), errata.proof3_steps((3,), corrected=True)
    assert all(ok for _, ok, _ in errata.proof_step_checks(printed, errata.PROOF3_SLIPS, corrected=fixed))
    assert not all(ok for _, ok, _ in errata.proof_step_checks(printed, errata.PROOF3_SLIPS, corrected=printed))
    with pytest.raises(ValueError, match="no step named"):
        errata.proof_step_checks(proof2, ("line 9 -> line 10",))


def test_selections_frame_marks_the_kept_states():
    space = errata.greedy_counterexample(5, 4, 12).space()
    frame = errata.selections_frame(space, {"greedy": greedy_selection(space, 4)})
    assert list(frame.index) == list(space.names)
    assert "".join("x" if mark else "." for mark in frame["greedy"]) == "x.xxx"


def test_greedy_misses_lists_the_sizes_where_greedy_is_worse():
    imagenet = load_envelope("imagenet").pareto()
    misses = errata.greedy_misses(imagenet)
    assert 4 in misses.index and (misses["greedy excess %"] > 0).all()
    assert misses.loc[4, "greedy R_oracle"] == pytest.approx(greedy_selection(imagenet, 4).point.cost)
    assert misses.loc[4, "optimal R_oracle"] == pytest.approx(optimal_selection(imagenet, 4).point.cost)


# ----------------------------------------------------------------- claims of the text (errata 13-18)


def test_abstract_ranges_from_the_printed_table():
    ranges = errata.abstract_ratio_ranges()
    nlp = ranges.loc["HellaSwag"].drop(index="SOTA")
    assert nlp["smallest"].min() == pytest.approx(7.25) and nlp["largest"].max() == pytest.approx(10.17)
    assert not nlp["in 10-100x"].any() and ranges.loc[("HellaSwag", "SOTA"), "in 10-100x"]
    assert not ranges.loc[("ImageNet", "SOTA"), "in 10-100x"]  # 121.77x, above the range


def test_always_the_smallest_state_is_cheaper_and_less_accurate(width):
    fam = load_family("width")
    agents = errata.smallest_state_vs_oracle(fam.correct, fam.costs, fam.names)
    assert agents.iloc[0]["R"] == pytest.approx(width.costs[0])
    assert agents.iloc[0]["R"] < agents.iloc[1]["R"] and agents.iloc[0]["A"] < agents.iloc[1]["A"]


def test_a_random_guesser_has_alpha_one_minus_one_over_c():
    model = np.random.default_rng(5).random(20_000) < 0.3
    frame = errata.guesser_alpha_frame(model, (2, 10), seed=1)
    assert np.allclose(frame["measured α_2"], frame["1 − 1/C"], atol=4 * frame["standard error"].max())
    assert errata.guesser_alpha(model, 10, seed=1) == pytest.approx(frame.loc[10, "measured α_2"])
    with pytest.raises(ValueError, match="no error"):
        errata.guesser_alpha_frame(np.ones(10, dtype=bool), (2,))


def test_optimistic_gains_are_recomputed_from_the_row():
    gains = errata.optimistic_accuracy_gains()
    assert list(gains.index.get_level_values("family")) == ["EfficientNet", "ViT", "Pythia", "Llama-2"]
    assert gains.loc[("HellaSwag", "Llama-2"), "(1 − α_min)(100 − A_N) %"] == pytest.approx(0.1 * 16.21)
    assert (gains["printed dA %"] <= gains["dA at α = 0 %"]).all()


def test_an_added_state_raises_the_exact_oracle_but_not_eq9():
    correct, costs, names = errata.added_state_example()
    frame = errata.added_state_frame(correct, costs, names, 1)
    before, after = frame.iloc[0], frame.iloc[1]
    assert before["exact R_oracle"] == pytest.approx(4.0) and after["exact R_oracle"] == pytest.approx(16 / 3)
    assert after["Eq. 9 R_oracle"] == pytest.approx(7 / 3) and before["Eq. 9 R_oracle"] == pytest.approx(4.0)
    assert after["exact A_oracle"] == pytest.approx(1.0)


def test_the_duplicated_paragraph_of_section_3_3():
    dup = errata.paragraph_similarity(errata.SEC33_SECOND_PARAGRAPH, errata.SEC33_THIRD_PARAGRAPH)
    base = errata.paragraph_similarity(errata.SEC33_FIRST_PARAGRAPH, errata.SEC33_SECOND_PARAGRAPH)
    assert dup > 0.5 > base
    assert errata.paragraph_similarity("a b c", "A B C") == pytest.approx(1.0)
