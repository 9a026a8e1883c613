"""Tests of adaptlib.analysis.public_bounds: Table 1 reproduced from data/, and the paper against its own inputs."""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from adaptlib import StateSpace, eq8_constant_alpha
from adaptlib.analysis import public_bounds as T
from adaptlib.datasets import public

# Space of three states worked by hand: R = (1, 2, 4), A = (0.5, 0.7, 0.9).
# Eq. 9: 1 + (2 - 1)(0.7 - 0.5) + (4 - 1)(0.9 - 0.7) = 1.8.
# Eq. 8 at alpha 0.5: 1 + (2 - 1)(1 - 0.5) + 0.5 [(4 - 2)(1 - 0.7) - (4 - 1)(1 - 0.9)] = 1.65,
# accuracy 1 - 0.5 (1 - 0.9) = 0.95.
HAND = StateSpace.from_arrays(["s", "m", "l"], [1.0, 2.0, 4.0], [0.5, 0.7, 0.9])


@pytest.fixture()
def data_copy(tmp_path, monkeypatch):
    """A copy of data/ that the loaders read instead of the repository's."""
    for name in ("families.csv", "envelopes.csv", "paper_table1.csv", "paper_table2.csv"):
        shutil.copy(public.DATA_DIR / name, tmp_path / name)
    monkeypatch.setattr(public, "DATA_DIR", tmp_path)
    return tmp_path


def _edit(path, mask_column, mask_value, column, value) -> None:
    frame = pd.read_csv(path)
    rows = frame[mask_column] == mask_value
    assert rows.any(), f"{mask_value} not in {path.name}"
    frame.loc[rows, column] = value
    frame.to_csv(path, index=False)


def test_table1_row_by_hand() -> None:
    row = T.table1_row(HAND, 0.5)
    expected = {"A_N_pct": 90.0, "R_1": 1.0, "R_N": 4.0, "R_oracle_a1": 1.8, "dR_a1": 2.2,
                "R_ratio_a1": 4.0 / 1.8, "alpha_min": 0.5, "A_oracle_amin_pct": 95.0,
                "dA_amin_pct": 5.0, "R_oracle_amin": 1.65, "dR_amin": 2.35, "R_ratio_amin": 4.0 / 1.65}
    assert list(row) == list(T.COLUMNS)
    for column, value in expected.items():
        assert row[column] == pytest.approx(value), column


def test_table1_row_without_alpha_leaves_the_optimistic_columns_empty() -> None:
    row = T.table1_row(HAND)
    assert all(np.isnan(row[c]) for c in T.OPTIMISTIC_COLUMNS)
    assert row["R_oracle_a1"] == pytest.approx(1.8)


def test_table1_row_refuses_a_space_that_breaks_eq3() -> None:
    broken = StateSpace.from_arrays(["a", "b", "c"], [1, 2, 3], [0.6, 0.5, 0.9])
    with pytest.raises(ValueError, match="Eq. 3"):
        T.table1_row(broken, 0.5)


def test_reproduced_table_has_all_rows_and_columns() -> None:
    table = T.reproduce_table1()
    assert list(table.index) == list(T.TABLE1_KEYS)
    families = table.loc[list(public.FAMILIES), list(T.COLUMNS)].to_numpy(float)
    assert np.isfinite(families).all()
    envelopes = table.loc[list(T.ENVELOPE_KEYS)]
    assert np.isfinite(envelopes[list(T.CONSERVATIVE_COLUMNS)].to_numpy(float)).all()
    assert envelopes[list(T.OPTIMISTIC_COLUMNS)].isna().all().all()
    for key in public.FAMILIES:
        assert table.loc[key, "alpha_min"] == public.paper_alpha_min(key)
    assert set(table.loc[["efficientnet", "vit", "imagenet"], "cost_unit"]) == {"GMACs"}
    assert set(table.loc[["pythia", "llama2", "hellaswag"], "cost_unit"]) == {"GFLOPs"}


def test_reproduced_cells_follow_from_the_data() -> None:
    table = T.reproduce_table1()
    vit = public.load_public_family("vit")
    assert table.loc["vit", "R_1"] == vit.costs[0]
    assert table.loc["vit", "A_N_pct"] == pytest.approx(100 * vit.accuracies[-1])
    point = eq8_constant_alpha(vit, 0.52)
    assert table.loc["vit", "R_oracle_amin"] == pytest.approx(point.cost)
    row = table.loc["efficientnet"]
    assert row["dR_a1"] == pytest.approx(row["R_N"] - row["R_oracle_a1"])
    assert row["R_ratio_amin"] == pytest.approx(row["R_N"] / row["R_oracle_amin"])
    assert row["dA_amin_pct"] == pytest.approx(row["A_oracle_amin_pct"] - row["A_N_pct"])


def test_changing_a_row_of_data_changes_the_table(data_copy) -> None:
    before = T.reproduce_table1()
    _edit(data_copy / "families.csv", "state", "efficientnet_b7", "accuracy", 85.5)
    after = T.reproduce_table1()
    assert after.loc["efficientnet", "A_N_pct"] == pytest.approx(85.5)
    assert after.loc["efficientnet", "R_oracle_a1"] != pytest.approx(before.loc["efficientnet", "R_oracle_a1"])
    pd.testing.assert_series_equal(after.loc["vit"], before.loc["vit"])


def test_changing_the_printed_table_changes_the_flags(data_copy) -> None:
    assert not T.check_paper_table1().set_index(["key", "column"]).loc[("pythia", "R_ratio_a1"), "flagged"]
    _edit(data_copy / "paper_table1.csv", "key", "pythia", "R_ratio_a1", 9.80)
    assert T.check_paper_table1().set_index(["key", "column"]).loc[("pythia", "R_ratio_a1"), "flagged"]


def test_alpha_min_override_changes_only_that_row() -> None:
    base = T.reproduce_table1()
    changed = T.reproduce_table1({"vit": 0.3})
    assert changed.loc["vit", "alpha_min"] == 0.3
    assert changed.loc["vit", "A_oracle_amin_pct"] == pytest.approx(100 - 0.3 * (100 - base.loc["vit", "A_N_pct"]))
    pd.testing.assert_series_equal(changed.loc["pythia"], base.loc["pythia"])
    assert (changed.loc["vit", list(T.CONSERVATIVE_COLUMNS)] == base.loc["vit", list(T.CONSERVATIVE_COLUMNS)]).all()


@pytest.mark.parametrize("bad", [{"vit": 1.5}, {"vit": "0.5"}, {"vit": True}, {"imagenet": 0.5}, ["vit"]])
def test_bad_alpha_min_is_refused(bad) -> None:
    with pytest.raises(ValueError, match="alpha_min"):
        T.reproduce_table1(bad)


def test_accuracy_source_and_pool_choose_the_data() -> None:
    zero_shot = T.reproduce_table1(accuracy_source={"llama2": "llama2-paper-0shot"})
    ten_shot = T.reproduce_table1(accuracy_source={"llama2": "leaderboard-10shot"})
    assert zero_shot.loc["llama2", "A_N_pct"] == pytest.approx(85.3)
    assert ten_shot.loc["llama2", "A_N_pct"] == pytest.approx(87.33)
    assert ten_shot.loc["llama2", "accuracy_source"] == "leaderboard-10shot"
    assert T.reproduce_table1().loc["llama2", "accuracy_source"] == "llama2-paper-0shot"
    torchvision = T.reproduce_table1(pool={"imagenet": "torchvision"})
    assert torchvision.loc["imagenet", "R_N"] == pytest.approx(public.load_envelope("imagenet", "torchvision").costs[-1])
    assert torchvision.loc["imagenet", "pool"] == "torchvision"
    with pytest.raises(ValueError, match="accuracy_source"):
        T.reproduce_table1(accuracy_source={"llama2": "5-shot"})
    with pytest.raises(ValueError, match="pool"):
        T.reproduce_table1(pool={"efficientnet": "timm"})


def test_dominated_states_are_dropped_or_refused(data_copy) -> None:
    _edit(data_copy / "families.csv", "state", "efficientnet_b5", "accuracy", 83.0)  # below B4's 83.384
    dropped = T.reproduce_table1()
    assert dropped.loc["efficientnet", "n_dropped"] == 1
    assert dropped.loc["efficientnet", "n_states"] == 7
    with pytest.raises(ValueError, match="drop_dominated"):
        T.reproduce_table1(drop_dominated=False)
    with pytest.raises(ValueError, match="drop_dominated"):
        T.prepare_space(HAND, drop_dominated="yes")


def test_convert_costs() -> None:
    np.testing.assert_allclose(T.convert_costs([1.0, 2.5], "GMACs", "GFLOPs"), [2.0, 5.0])
    np.testing.assert_allclose(T.convert_costs(4.0, "GFLOPs", "GMACs"), 2.0)
    with pytest.raises(ValueError, match="unknown cost unit"):
        T.convert_costs(1.0, "TFLOPs", "GFLOPs")


def test_compare_uses_the_printed_unit_and_signs_differences() -> None:
    reproduced = T.reproduce_table1()
    frame = T.compare_table1(reproduced).set_index(["key", "column"])
    row = frame.loc[("vit", "R_N")]
    assert row["reproduced"] == pytest.approx(1016.717) and row["paper"] == 1016.72
    assert row["difference"] == pytest.approx(1016.717 - 1016.72)
    assert row["unit"] == "GMACs"
    assert ("imagenet", "alpha_min") not in frame.index  # empty on both sides
    printed = public.paper_table1()
    printed.loc[printed["key"] == "vit", "cost_unit"] = "GFLOPs"  # as if printed in FLOPs
    doubled = T.compare_table1(reproduced, printed).set_index(["key", "column"])
    assert doubled.loc[("vit", "R_N"), "reproduced"] == pytest.approx(2 * 1016.717)
    # Ratios have no unit: converting the costs leaves them as they were.
    assert doubled.loc[("vit", "R_ratio_a1"), "reproduced"] == pytest.approx(reproduced.loc["vit", "R_ratio_a1"])


def test_rounding_range_by_hand() -> None:
    low, high = T.rounding_range(lambda a, b: a / b, (10.0, 2.0), 0.5)
    assert (low, high) == pytest.approx((9.5 / 2.5, 10.5 / 1.5))


def test_paper_check_flags_exactly_the_inconsistent_cells() -> None:
    check = T.check_paper_table1()
    flagged = set(map(tuple, check.loc[check["flagged"], ["key", "column"]].to_numpy()))
    assert flagged == {("vit", "A_oracle_amin_pct"), ("vit", "dA_amin_pct"), ("hellaswag", "dR_a1")}
    vit = check.set_index(["key", "column"]).loc[("vit", "A_oracle_amin_pct")]
    assert vit["recomputed"] == pytest.approx(100 - 0.52 * (100 - 88.60))  # 94.07, printed 94.26
    assert set(check["column"]) == set(T.DERIVED)


def test_paper_check_on_an_exactly_consistent_row() -> None:
    point = eq8_constant_alpha(HAND, 0.5)
    row = {"key": "x", "context": "test", "family": "hand", "A_N_pct": 90.0, "R_N": 4.0,
           "R_oracle_a1": 1.8, "dR_a1": 2.2, "R_ratio_a1": round(4 / 1.8, 2), "alpha_min": 0.5,
           "A_oracle_amin_pct": 95.0, "dA_amin_pct": 5.0, "R_oracle_amin": point.cost,
           "dR_amin": 4.0 - point.cost, "R_ratio_amin": round(4.0 / point.cost, 2)}
    check = T.check_paper_table1(pd.DataFrame([row]))
    assert len(check) == len(T.DERIVED) and not check["flagged"].any()
    row["dA_amin_pct"] = 5.2
    check = T.check_paper_table1(pd.DataFrame([row])).set_index("column")
    assert check["flagged"].sum() == 1 and check.loc["dA_amin_pct", "flagged"]
    assert check.loc["dA_amin_pct", "excess"] > 0


def test_side_by_side_has_both_values_and_the_flags(tmp_path) -> None:
    wide = T.side_by_side(T.reproduce_table1())
    assert list(wide.index) == list(T.TABLE1_KEYS)
    for column in T.COLUMNS:
        assert {f"{column}_reproduced", f"{column}_paper", f"{column}_difference"} <= set(wide.columns)
    assert wide.loc["vit", "paper_flags"] == "A_oracle_amin_pct;dA_amin_pct"
    assert wide.loc["efficientnet", "paper_flags"] == ""
    path = T.write_table_csv(wide, tmp_path / "tables" / "table1.csv")
    back = pd.read_csv(path, index_col=0)
    assert list(back.index) == list(T.TABLE1_KEYS)
    assert back.loc["vit", "R_N_paper"] == 1016.72
    with pytest.raises(ValueError, match=".csv"):
        T.write_table_csv(wide, tmp_path / "table1.txt")


def test_eq8_line_check_recovers_the_line_of_a_consistent_table() -> None:
    r1, ra = eq8_constant_alpha(HAND, 1.0).cost, eq8_constant_alpha(HAND, 0.4).cost
    printed = pd.DataFrame([{"key": k, "context": "test", "family": k, "alpha_min": 0.4,
                             "A_N_pct": 90.0, "A_oracle_amin_pct": 96.0, "R_oracle_a1": r1,
                             "R_oracle_amin": ra, "cost_unit": "GFLOPs"} for k in public.FAMILIES])
    check = T.eq8_line_check(printed, {k: HAND for k in public.FAMILIES})
    r0 = eq8_constant_alpha(HAND, 0.0).cost
    np.testing.assert_allclose(check["R0_implied"], r0)
    np.testing.assert_allclose(check["R0_public"], r0)
    np.testing.assert_allclose(check["relative"], 0.0, atol=1e-12)
    np.testing.assert_allclose(check["alpha_from_A_oracle"], 0.4)


def test_eq8_line_check_on_the_paper() -> None:
    check = T.eq8_line_check()
    assert list(check.index) == list(public.FAMILIES)
    assert check.loc["vit", "alpha_from_A_oracle"] == pytest.approx((100 - 94.26) / (100 - 88.60))
    assert (check["R0_public"] >= T.reproduce_table1().loc[list(public.FAMILIES), "R_1"]).all()


def test_paper_layout_stacks_three_lines_per_family() -> None:
    wide = T.side_by_side(T.reproduce_table1())
    layout = T.paper_layout(wide)
    assert len(layout) == 3 * len(T.TABLE1_KEYS)
    assert list(layout.columns) == ["cost unit"] + [T.HEADERS[c] for c in T.COLUMNS]
    vit = layout.loc["ImageNet ViT"]
    assert list(vit.index) == ["reproduced", "paper", "difference"]
    assert vit.loc["paper", "R_N"] == 1016.72
    assert vit.loc["difference", "A_N (%)"] == pytest.approx(vit.loc["reproduced", "A_N (%)"] - 88.60)


def test_alternatives_list_every_choice() -> None:
    table = T.alternatives()
    assert set(table.loc["llama2"].index) == set(public.accuracy_sources("llama2"))
    assert set(table.loc["imagenet"].index) == set(public.envelope_pools("imagenet"))
    default = T.reproduce_table1()
    assert table.loc[("llama2", "llama2-paper-0shot"), "R_ratio_a1"] == pytest.approx(default.loc["llama2", "R_ratio_a1"])
    assert np.isnan(table.loc[("hellaswag", "leaderboard"), "R_ratio_amin"])


# ------------------------------------------------------------ the tables chapter 04 shows

def test_table1_view_splits_the_table_by_context_and_bound() -> None:
    wide = T.side_by_side(T.reproduce_table1())
    conservative = T.table1_view(wide, "ImageNet", T.CONSERVATIVE_COLUMNS)
    assert list(conservative.columns) == ["A_N (%)", "R_1", "R_N", "R_oracle", "ΔR", "R_ratio (×)"]
    assert T.context_unit(wide, "ImageNet") == "GMACs" and T.context_unit(wide, "HellaSwag") == "GFLOPs"
    with_units = T.table1_view(wide, "ImageNet", T.CONSERVATIVE_COLUMNS, cost_unit_in_headers=True)
    assert list(with_units.columns)[1:3] == ["R_1 (GMACs)", "R_N (GMACs)"]
    assert (with_units.to_numpy() == conservative.to_numpy()).all()
    assert list(conservative.index) == [(row, line) for row in ("EfficientNet", "ViT", "SOTA")
                                        for line in ("book", "paper", "difference")]
    assert conservative.loc[("ViT", "paper"), "R_N"] == 1016.72
    assert conservative.loc[("ViT", "difference"), "A_N (%)"] == pytest.approx(
        wide.loc["vit", "A_N_pct_reproduced"] - 88.60)
    optimistic = T.table1_view(wide, "HellaSwag", T.OPTIMISTIC_COLUMNS)
    assert {row for row, _ in optimistic.index} == {"Pythia", "Llama-2"}  # SOTA: no alpha
    assert list(optimistic.columns)[:3] == ["α_min", "A_oracle (%)", "ΔA (points)"]
    assert "R_oracle" in optimistic.columns
    with pytest.raises(ValueError, match="context"):
        T.table1_view(wide, "CIFAR", T.CONSERVATIVE_COLUMNS)
    with pytest.raises(ValueError, match="unknown column"):
        T.table1_view(wide, "ImageNet", ("R_2",))


def test_table1_view_lays_out_the_values_it_is_given() -> None:
    wide = T.side_by_side(T.reproduce_table1())
    for columns, rows in ((T.CONSERVATIVE_COLUMNS, (("pythia", "Pythia"), ("hellaswag", "SOTA"))),
                          (T.OPTIMISTIC_COLUMNS, (("pythia", "Pythia"), ("llama2", "Llama-2")))):
        view = T.table1_view(wide, "HellaSwag", columns, cost_unit_in_headers=True)
        for key, row in rows:
            for column in columns:
                header = T.headed(column, "GFLOPs")
                for line, shown in T.BOOK_LINES.items():
                    assert view.loc[(row, shown), header] == wide.loc[key, f"{column}_{line}"]


def test_headers_name_their_units() -> None:
    assert T.headed("A_N_pct", "GMACs") == "A_N (%)"
    assert T.headed("dA_amin_pct", "GMACs") == "ΔA (points)"
    assert T.headed("R_oracle_amin", "GFLOPs") == "R_oracle (GFLOPs)"
    assert T.headed("R_ratio_a1", "GFLOPs") == "R_ratio (×)"
    assert T.headed("alpha_min", "GFLOPs") == "α_min"
    assert T.COLUMN_NAMES["dR_a1"] == "ΔR (α = 1)" and T.COLUMN_NAMES["R_1"] == "R_1"
    assert T.COLUMN_NAMES["A_oracle_amin_pct"] == "A_oracle (α_min)"
    assert T.ROW_LABEL["hellaswag"] == "HellaSwag SOTA" and T.ROW_LABEL["vit"] == "ViT"


def test_data_behind_and_check_and_line_views() -> None:
    reproduced = T.reproduce_table1()
    behind = T.data_behind(reproduced)
    assert list(behind.index) == [T.ROW_LABEL[k] for k in T.TABLE1_KEYS]
    assert behind.loc["Llama-2", "data"] == "llama2-paper-0shot"
    assert behind.loc["ImageNet SOTA", "data"] == "torchvision+timm"
    assert behind.loc["ViT", "last state"] == reproduced.loc["vit", "last_state"]
    assert (behind["states"] == reproduced["n_states"].to_numpy()).all()
    check = T.check_paper_table1()
    view = T.check_view(check)
    assert len(view) == len(check)
    assert view.loc[("ViT", "A_oracle (α_min)"), "flagged"] == "yes"
    assert view.loc[("ViT", "ΔR (α = 1)"), "flagged"] == ""
    np.testing.assert_allclose(view["high"], check["high"])
    line = T.eq8_line_check()
    lines = T.line_view(line)
    assert list(lines.index) == [T.ROW_LABEL[k] for k in public.FAMILIES]
    np.testing.assert_allclose(lines["off (%)"], 100 * line["relative"])
    np.testing.assert_allclose(lines["on the line"], line["R_oracle_amin_line"])


def test_the_vit_slip_is_delta_a_not_alpha_min() -> None:
    """The printed R_oracle(alpha_min) of ViT fits alpha_min = 0.52, not the alpha of Delta A."""
    slip = T.optimistic_slip("vit")
    assert slip["alpha_from_dA"] == pytest.approx(1 - 5.66 / (100 - 88.60))
    assert slip["alpha_from_dA_low"] < slip["alpha_from_dA"] < slip["alpha_from_dA_high"]
    assert slip["gap_alpha_min"] < slip["gap_dA"] / 10
    assert slip["A_oracle_from_alpha_min_pct"] == pytest.approx(100 - 0.52 * (100 - 88.60))
    # A row whose cost was computed with the alpha of its Delta A flips the verdict.
    printed = public.paper_table1()
    row = printed.index[printed["key"] == "vit"][0]
    line = T.eq8_line_check(printed).loc["vit"]
    r0, r1 = line["R0_public"], line["R_oracle_a1"]
    printed.loc[row, "R_oracle_amin"] = round(r0 + slip["alpha_from_dA"] * (r1 - r0), 2)
    flipped = T.optimistic_slip("vit", printed)
    assert flipped["gap_dA"] < flipped["gap_alpha_min"]


def test_slip_evidence_names_every_alpha() -> None:
    text = T.slip_evidence(T.optimistic_slip("vit"))
    assert text.count("[") == 3 and "α of ΔA 0.5035" in text
