"""Table 1 of the paper (Sec. 3.2-3.3): opportunity bounds of public model families.

Three things, kept apart so that a reader can see which number comes from where:

- :func:`table1_row` / :func:`reproduce_table1`: every column of Table 1 computed from a
  :class:`~adaptlib.StateSpace`: the conservative bound (alpha = 1, Eq. 9) and the optimistic
  one (constant alpha = alpha_min, Eq. 8), with the gains dR, R_ratio and dA of Sec. 3. The
  spaces come from ``data/`` through :mod:`adaptlib.datasets.public`.
- :func:`check_paper_table1`: the paper's derived columns (dR, R_ratio, A_oracle, dA)
  recomputed from the paper's *own* printed inputs (R_N, A_N, alpha_min and R_oracle, which
  needs every state and is therefore an input), with the range the two-decimal rounding of
  those inputs allows; a printed value outside it is flagged. :func:`eq8_line_check` tests
  the printed R_oracle(alpha_min) against the straight line of Eq. 8.
- :func:`compare_table1` and :func:`side_by_side`: reproduced against printed, in the printed
  unit, with the differences.

Column names follow ``data/paper_table1.csv``: accuracies in percent (``_pct``), costs in the
row's ``cost_unit``, suffix ``_a1`` for alpha = 1 and ``_amin`` for alpha = alpha_min.

Taught in chapter 04.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import product
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from adaptlib.core.bounds import eq8_constant_alpha, eq9_conservative, gains
from adaptlib.core.states import StateSpace
from adaptlib.datasets import public

# The paper's row order: ImageNet families, ImageNet SOTA, HellaSwag families, HellaSwag SOTA.
TABLE1_KEYS: tuple[str, ...] = ("efficientnet", "vit", "imagenet", "pythia", "llama2", "hellaswag")
ENVELOPE_KEYS: tuple[str, ...] = public.ENVELOPES
CONTEXT = {"efficientnet": "ImageNet", "vit": "ImageNet", "imagenet": "ImageNet",
           "pythia": "HellaSwag", "llama2": "HellaSwag", "hellaswag": "HellaSwag"}
LABEL = {**public.FAMILY_LABELS, "imagenet": "SOTA", "hellaswag": "SOTA"}

CONSERVATIVE_COLUMNS = ("A_N_pct", "R_1", "R_N", "R_oracle_a1", "dR_a1", "R_ratio_a1")
OPTIMISTIC_COLUMNS = ("alpha_min", "A_oracle_amin_pct", "dA_amin_pct", "R_oracle_amin", "dR_amin",
                      "R_ratio_amin")
COLUMNS = CONSERVATIVE_COLUMNS + OPTIMISTIC_COLUMNS
COST_COLUMNS = ("R_1", "R_N", "R_oracle_a1", "dR_a1", "R_oracle_amin", "dR_amin")
# Headers as the paper prints them; {unit} is the row's cost unit.
HEADERS = {
    "A_N_pct": "A_N (%)", "R_1": "R_1", "R_N": "R_N", "R_oracle_a1": "R_oracle (a=1)",
    "dR_a1": "dR (a=1)", "R_ratio_a1": "R_ratio (a=1)", "alpha_min": "alpha_min",
    "A_oracle_amin_pct": "A_oracle (a_min, %)", "dA_amin_pct": "dA (a_min, %)",
    "R_oracle_amin": "R_oracle (a_min)", "dR_amin": "dR (a_min)", "R_ratio_amin": "R_ratio (a_min)",
}
# Headers as the book's tables show them (chapter 04), units added by :func:`column_unit`.
BOOK_HEADERS = {
    "A_N_pct": "A_N", "R_1": "R_1", "R_N": "R_N", "R_oracle_a1": "R_oracle", "dR_a1": "ΔR",
    "R_ratio_a1": "R_ratio", "alpha_min": "α_min", "A_oracle_amin_pct": "A_oracle",
    "dA_amin_pct": "ΔA", "R_oracle_amin": "R_oracle", "dR_amin": "ΔR", "R_ratio_amin": "R_ratio",
}
# A column of Table 1 named on its own, with its bound where it has one ("ΔR (α = 1)").
COLUMN_NAMES = {
    column: f"{BOOK_HEADERS[column]} ({'α = 1' if column.endswith('_a1') else 'α_min'})"
    if column.endswith(("_a1", "_amin", "_amin_pct")) else BOOK_HEADERS[column]
    for column in COLUMNS
}
# A short name per row: the family, or the context of an envelope ("ImageNet SOTA").
ROW_LABEL = {key: f"{CONTEXT[key]} SOTA" if key in ENVELOPE_KEYS else LABEL[key] for key in TABLE1_KEYS}
PRINTED_DECIMALS = 2  # the paper prints every cell of Table 1 with two decimals
# Giga-operations per unit, in FLOPs: a multiply-accumulate is two FLOPs (data/README.md).
FLOPS_PER_UNIT = {"GFLOPs": 1.0, "GMACs": 2.0}


def table1_row(space: StateSpace, alpha_min: float | None = None) -> dict[str, float]:
    """Every column of Table 1 for one monotone state space (costs in the space's unit).

    Conservative columns: A_N, R_1, R_N and the alpha = 1 bound of Eq. 9 with its gains
    dR = R_N - R_oracle and R_ratio = R_N / R_oracle. Optimistic columns (NaN when
    ``alpha_min`` is None, as for the paper's SOTA rows): Eq. 8 with constant alpha = alpha_min,
    A_oracle = 1 - alpha_min (1 - A_N), dA = A_oracle - A_N, and the cost gains.
    """
    conservative = eq9_conservative(space)  # refuses a space that breaks Eq. 3
    gain = gains(conservative, space)
    row = {
        "A_N_pct": 100.0 * float(space.accuracies[-1]),
        "R_1": float(space.costs[0]),
        "R_N": float(space.costs[-1]),
        "R_oracle_a1": conservative.cost,
        "dR_a1": gain.delta_r,
        "R_ratio_a1": gain.r_ratio,
    }
    if alpha_min is None:
        return row | {column: float("nan") for column in OPTIMISTIC_COLUMNS}
    optimistic = eq8_constant_alpha(space, alpha_min)
    gain = gains(optimistic, space)
    return row | {
        "alpha_min": float(alpha_min),
        "A_oracle_amin_pct": 100.0 * optimistic.accuracy,
        "dA_amin_pct": 100.0 * gain.delta_a,
        "R_oracle_amin": optimistic.cost,
        "dR_amin": gain.delta_r,
        "R_ratio_amin": gain.r_ratio,
    }


def table1_space(key: str, *, accuracy_source: str | None = None, pool: str | None = None) -> StateSpace:
    """The state space behind one row of Table 1, as stored in ``data/`` (nothing dropped).

    ``key``: a family of :data:`adaptlib.datasets.public.FAMILIES` (``accuracy_source`` applies) or an
    envelope of :data:`adaptlib.datasets.public.ENVELOPES` (``pool`` applies).
    """
    _check_key(key)
    if key in ENVELOPE_KEYS:
        return public.load_envelope(key, pool)
    return public.load_public_family(key, accuracy_source)


def prepare_space(space: StateSpace, *, drop_dominated: bool, name: str = "the family") -> StateSpace:
    """The space the bounds use: dominated states dropped (``space.pareto()``), or kept as is.

    Kept states must satisfy Eq. 3 (accuracy non-decreasing with cost): the closed forms of
    Eq. 8-9 assume it, so a space that breaks it is refused with the state that breaks it.
    """
    if not isinstance(drop_dominated, bool):
        raise ValueError(f"drop_dominated must be True or False; got {drop_dominated!r}")
    if drop_dominated:
        return space.pareto()
    report = space.assumptions()
    if not report.accuracies_monotone:
        first = next(v for v in report.violations if v.startswith("Eq. 3"))
        raise ValueError(f"{name}: {first}; the bounds of Eq. 8-9 assume Eq. 3, so set "
                         "drop_dominated=True to drop the dominated states first")
    return space


def table1_spaces(
    *,
    accuracy_source: Mapping[str, str] | None = None,
    pool: Mapping[str, str] | None = None,
    drop_dominated: bool = True,
) -> dict[str, StateSpace]:
    """The state space of every row of Table 1 (key -> space) as the bounds use it.

    ``accuracy_source``: per family, one of :func:`adaptlib.datasets.public.accuracy_sources` (missing
    families take the loader's default, DEFAULT_ACCURACY_SOURCE). ``pool``: per
    envelope, one of :func:`adaptlib.datasets.public.envelope_pools`. ``drop_dominated``: see
    :func:`prepare_space`.
    """
    return {key: space for key, (_, space) in
            _spaces(accuracy_source, pool, drop_dominated).items()}


def reproduce_table1(
    alpha_min: Mapping[str, float] | None = None,
    *,
    accuracy_source: Mapping[str, str] | None = None,
    pool: Mapping[str, str] | None = None,
    drop_dominated: bool = True,
) -> pd.DataFrame:
    """Table 1 recomputed from ``data/``: one row per key of :data:`TABLE1_KEYS`.

    ``alpha_min``: the optimistic constant per family (missing families take the paper's value,
    :func:`adaptlib.datasets.public.paper_alpha_min`); envelopes have none. The other arguments choose
    the data as in :func:`table1_spaces`.

    Besides :data:`COLUMNS` each row names its ``cost_unit``, the states used (``n_states``,
    ``first_state``, ``last_state``), how many were dropped, and the data choices made.
    """
    alphas = _alpha_min_choice(alpha_min)
    rows = []
    for key, (stored, space) in _spaces(accuracy_source, pool, drop_dominated).items():
        row = {"key": key, "context": CONTEXT[key], "family": LABEL[key]}
        row |= table1_row(space, alphas.get(key))
        row |= {
            "cost_unit": public.cost_unit(key),
            "n_states": len(space),
            "n_dropped": len(stored) - len(space),
            "first_state": space.names[0],
            "last_state": space.names[-1],
        }
        rows.append(row)
    frame = pd.DataFrame(rows).set_index("key")
    choices = data_choices(accuracy_source=accuracy_source, pool=pool)
    frame["accuracy_source"] = [choices.get(k, "") if k in public.FAMILIES else "" for k in frame.index]
    frame["pool"] = [choices.get(k, "") if k in ENVELOPE_KEYS else "" for k in frame.index]
    return frame


def data_choices(*, accuracy_source: Mapping[str, str] | None = None,
                 pool: Mapping[str, str] | None = None) -> dict[str, str]:
    """The accuracy source of each family and the pool of each envelope that
    :func:`table1_spaces` uses for these arguments (key -> choice)."""
    sources = _mapping("accuracy_source", accuracy_source, public.FAMILIES)
    pools = _mapping("pool", pool, ENVELOPE_KEYS)
    chosen = {key: sources.get(key) or public.accuracy_sources(key)[0] for key in public.FAMILIES}
    chosen |= {key: pools.get(key) or public.envelope_pools(key)[0] for key in ENVELOPE_KEYS}
    return chosen


def _spaces(accuracy_source, pool, drop_dominated) -> dict[str, tuple[StateSpace, StateSpace]]:
    """key -> (the space as stored in data/, the space the bounds use)."""
    choices = data_choices(accuracy_source=accuracy_source, pool=pool)
    out = {}
    for key in TABLE1_KEYS:
        choice = {"pool": choices[key]} if key in ENVELOPE_KEYS else {"accuracy_source": choices[key]}
        stored = table1_space(key, **choice)
        out[key] = (stored, prepare_space(stored, drop_dominated=drop_dominated,
                                          name=f"{LABEL[key]} ({key})"))
    return out


def convert_costs(values, from_unit: str, to_unit: str) -> np.ndarray:
    """Costs from one unit to another: one GMAC (multiply-accumulate) is two GFLOPs."""
    for name, unit in (("from_unit", from_unit), ("to_unit", to_unit)):
        if unit not in FLOPS_PER_UNIT:
            raise ValueError(f"{name}: unknown cost unit {unit!r}; accepted: {', '.join(FLOPS_PER_UNIT)}")
    return np.asarray(values, dtype=float) * FLOPS_PER_UNIT[from_unit] / FLOPS_PER_UNIT[to_unit]


def compare_table1(reproduced: pd.DataFrame, printed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Reproduced against printed, one row per (family, column), in the printed cost unit.

    Columns: ``key``, ``family``, ``column``, ``unit`` (percent, the cost unit, ``x`` for ratios
    or ``-`` for alpha), ``reproduced``, ``paper``, ``difference`` (reproduced - paper) and
    ``relative`` (difference / paper). Cells empty on both sides (SOTA alpha) are left out.
    """
    aligned = _aligned(reproduced, printed)
    records = []
    for key, row in aligned.iterrows():
        for column in COLUMNS:
            mine, theirs = row[f"{column}_reproduced"], row[f"{column}_paper"]
            if np.isnan(mine) and np.isnan(theirs):
                continue
            records.append({
                "key": key, "family": f"{row['context']} {row['family']}", "column": column,
                "unit": _unit(column, row["cost_unit"]), "reproduced": mine, "paper": theirs,
                "difference": mine - theirs, "relative": (mine - theirs) / theirs,
            })
    return pd.DataFrame(records)


def side_by_side(
    reproduced: pd.DataFrame,
    printed: pd.DataFrame | None = None,
    flags: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Table 1 in one wide frame, one row per family: for each column ``<column>_reproduced``,
    ``<column>_paper`` and ``<column>_difference`` (costs in the printed unit, ``cost_unit``),
    the data choices behind the reproduced row, and ``paper_flags``: the printed cells that
    the paper's own inputs do not give (from :func:`check_paper_table1`, computed if not given)."""
    aligned = _aligned(reproduced, printed)
    flags = check_paper_table1(printed) if flags is None else flags
    flagged = flags[flags["flagged"]].groupby("key")["column"].agg(";".join)
    out = aligned[["context", "family", "cost_unit"]].copy()
    for column in COLUMNS:
        out[f"{column}_reproduced"] = aligned[f"{column}_reproduced"]
        out[f"{column}_paper"] = aligned[f"{column}_paper"]
        out[f"{column}_difference"] = aligned[f"{column}_reproduced"] - aligned[f"{column}_paper"]
    for column in ("n_states", "n_dropped", "first_state", "last_state", "accuracy_source", "pool"):
        out[column] = reproduced.loc[out.index, column]
    out["paper_flags"] = [flagged.get(key, "") for key in out.index]
    return out


def paper_layout(wide: pd.DataFrame) -> pd.DataFrame:
    """Table 1 in the paper's layout from :func:`side_by_side`: one block of three lines per
    family (``reproduced``, ``paper``, ``difference``), the twelve columns as the paper orders
    them, headed as it heads them."""
    blocks = []
    for line in ("reproduced", "paper", "difference"):
        block = wide[[f"{c}_{line}" for c in COLUMNS]].copy()
        block.columns = [HEADERS[c] for c in COLUMNS]
        block.insert(0, "cost unit", wide["cost_unit"])
        block["values"] = line
        blocks.append(block.reset_index())
    order = {key: i for i, key in enumerate(wide.index)}
    out = pd.concat(blocks, ignore_index=True)
    out["_row"], out["_line"] = out["key"].map(order), out["values"].map({"reproduced": 0, "paper": 1, "difference": 2})
    out = out.sort_values(["_row", "_line"]).drop(columns=["_row", "_line"])
    out["family"] = [f"{wide.loc[k, 'context']} {wide.loc[k, 'family']}" for k in out["key"]]
    return out.drop(columns="key").set_index(["family", "values"])


BOOK_LINES = {"reproduced": "book", "paper": "paper", "difference": "difference"}


def column_unit(column: str, cost_unit: str) -> str:
    """The unit of a column of Table 1 as a header shows it: %, points (a difference of
    percentages), the cost unit, x (a ratio) or none (alpha)."""
    if column == "dA_amin_pct":
        return "points"
    if column.endswith("_pct"):
        return "%"
    if column in COST_COLUMNS:
        return cost_unit
    return "×" if column.startswith("R_ratio") else ""


def headed(column: str, cost_unit: str) -> str:
    """A column's header with its unit, e.g. ``R_oracle (GMACs)``, ``R_ratio (×)``, ``α_min``."""
    unit = column_unit(column, cost_unit)
    return f"{BOOK_HEADERS[column]} ({unit})" if unit else BOOK_HEADERS[column]


def table1_view(wide: pd.DataFrame, context: str, columns: tuple[str, ...], *,
                cost_unit_in_headers: bool = False) -> pd.DataFrame:
    """One part of Table 1 as chapter 04 shows it: the rows of one context (``"ImageNet"`` or
    ``"HellaSwag"``, one cost unit), the given ``columns`` (e.g. :data:`CONSERVATIVE_COLUMNS`,
    the alpha = 1 bound of Eq. 9, or :data:`OPTIMISTIC_COLUMNS`, Eq. 8 at alpha_min), three
    lines per row (``book``, ``paper``, ``difference``; index ``(row, line)``), headers with
    their units (%, points, ×). The cost unit, the same for every cost column of a context,
    goes into the caption (:func:`context_unit`), so that the six columns fit the site's
    column; ``cost_unit_in_headers`` puts it into each cost header instead ("R_1 (GMACs)").
    Rows are named as the paper names them within a context (``SOTA`` for the envelope);
    rows with none of the columns on either side (the SOTA rows' alpha) are left out.

    ``wide`` is :func:`side_by_side`; the values are its own, only laid out."""
    rows = [key for key in wide.index if wide.loc[key, "context"] == context]
    if not rows:
        contexts = ", ".join(sorted(set(wide["context"])))
        raise ValueError(f"context must be one of {contexts}; got {context!r}")
    units = sorted(set(wide.loc[rows, "cost_unit"]))
    if len(units) != 1:
        raise ValueError(f"{context}: rows mix cost units {units}; one table shows one unit")
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise ValueError(f"unknown column(s) {', '.join(unknown)}; accepted: {', '.join(COLUMNS)}")
    records, index = [], []
    for key in rows:
        values = {line: [float(wide.loc[key, f"{c}_{line}"]) for c in columns] for line in BOOK_LINES}
        if all(np.isnan(values["reproduced"] + values["paper"])):
            continue
        for line, shown in BOOK_LINES.items():
            records.append(values[line])
            index.append((LABEL.get(key, key), shown))
    headers = [headed(c, units[0]) if cost_unit_in_headers or c not in COST_COLUMNS
               else BOOK_HEADERS[c] for c in columns]
    return pd.DataFrame(records, columns=headers,
                        index=pd.MultiIndex.from_tuples(index, names=[None, None]))


def context_unit(wide: pd.DataFrame, context: str) -> str:
    """The cost unit of one context's rows in :func:`side_by_side` (``GMACs`` for ImageNet,
    ``GFLOPs`` for HellaSwag, as the paper prints them)."""
    units = sorted(set(wide.loc[wide["context"] == context, "cost_unit"]))
    if len(units) != 1:
        raise ValueError(f"{context}: expected one cost unit, found {units}")
    return units[0]


def data_behind(reproduced: pd.DataFrame) -> pd.DataFrame:
    """What each reproduced row of Table 1 is made of (chapter 04), one row per
    :data:`ROW_LABEL`: its cost unit, the data chosen (the accuracy source of a family, the
    pool of an envelope), how many states it keeps and drops, its first and last state.

    ``reproduced`` is :func:`reproduce_table1`; nothing is computed here, only laid out."""
    data = [row["pool"] if key in ENVELOPE_KEYS else row["accuracy_source"]
            for key, row in reproduced.iterrows()]
    out = pd.DataFrame({
        "cost unit": reproduced["cost_unit"].to_numpy(),
        "data": data,
        "states": reproduced["n_states"].to_numpy(int),
        "dropped": reproduced["n_dropped"].to_numpy(int),
        "first state": reproduced["first_state"].to_numpy(),
        "last state": reproduced["last_state"].to_numpy(),
    }, index=pd.Index([ROW_LABEL.get(k, k) for k in reproduced.index], name=None))
    return out


def check_view(check: pd.DataFrame) -> pd.DataFrame:
    """:func:`check_paper_table1` as chapter 04 shows it: index (row, cell) with readable names
    (``("ViT", "A_oracle (α_min)")``), the printed value, the value recomputed from the printed
    inputs, the range their rounding allows (``low``, ``high``), how far outside it the printed
    value lies (``excess``) and ``flagged`` (``yes`` or empty)."""
    index = pd.MultiIndex.from_arrays(
        [[ROW_LABEL.get(k, k) for k in check["key"]], [COLUMN_NAMES[c] for c in check["column"]]],
        names=[None, None])
    out = check[["paper", "recomputed", "low", "high", "excess"]].set_axis(index)
    out["flagged"] = ["yes" if flag else "" for flag in check["flagged"]]
    return out


def line_view(line: pd.DataFrame) -> pd.DataFrame:
    """:func:`eq8_line_check` as chapter 04 shows it, one row per family (:data:`ROW_LABEL`):
    the printed R_oracle at alpha = 1 (``R_oracle(1)``); the start R(0) of the line of Eq. 8
    implied by the two printed costs and computed from the public states; the printed
    alpha_min and the alpha its printed A_oracle implies (``α implied``); the printed
    R_oracle(alpha_min) (``printed``), the printed R_oracle(1) carried along the line to
    alpha_min (``on the line``) and how far the first lies off the second (``off (%)``).
    Costs in the row's unit (``cost unit``)."""
    out = pd.DataFrame({
        "R_oracle(1)": line["R_oracle_a1"],
        "R(0) implied": line["R0_implied"],
        "R(0) public": line["R0_public"],
        "α_min": line["alpha_min"],
        "α implied": line["alpha_from_A_oracle"],
        "printed": line["R_oracle_amin"],
        "on the line": line["R_oracle_amin_line"],
        "off (%)": 100.0 * line["relative"],
        "cost unit": line["cost_unit"],
    })
    return out.set_axis(pd.Index([ROW_LABEL.get(k, k) for k in line.index], name=None))


def alternatives(alpha_min: Mapping[str, float] | None = None, *, drop_dominated: bool = True) -> pd.DataFrame:
    """Every data choice ``data/`` offers, one row per (key, choice): the accuracy sources of
    each family and the pools of each envelope, with A_N, R_1, R_N, the alpha = 1 bound and
    its R_ratio, and (families) the alpha_min bound and its R_ratio."""
    alphas = _alpha_min_choice(alpha_min)
    records = []
    for key in TABLE1_KEYS:
        is_envelope = key in ENVELOPE_KEYS
        options = public.envelope_pools(key) if is_envelope else public.accuracy_sources(key)
        for option in options:
            choice = {"pool": option} if is_envelope else {"accuracy_source": option}
            space = prepare_space(table1_space(key, **choice), drop_dominated=drop_dominated, name=key)
            row = table1_row(space, alphas.get(key))
            records.append({"key": key, "choice": option, "n_states": len(space),
                            **{c: row[c] for c in ("A_N_pct", "R_1", "R_N", "R_oracle_a1", "R_ratio_a1",
                                                   "R_oracle_amin", "R_ratio_amin")},
                            "cost_unit": public.cost_unit(key)})
    return pd.DataFrame(records).set_index(["key", "choice"])


def write_table_csv(frame: pd.DataFrame, path: str | PathLike) -> Path:
    """Write ``frame`` (index included) to ``path`` (ten significant digits), creating folders."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise ValueError(f"table path {str(path)!r} must end in .csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, float_format="%.10g", lineterminator="\n")
    return path


# ------------------------------------------------------------ the paper against its own inputs

def _ratio(r_n, r_oracle):
    return r_n / r_oracle


def _gain(r_n, r_oracle):
    return r_n - r_oracle


def _accuracy(a_n, alpha):
    return 100.0 - alpha * (100.0 - a_n)


def _accuracy_gain(a_n, alpha):
    return (1.0 - alpha) * (100.0 - a_n)


# column -> (inputs, formula on the inputs, the formula in words)
DERIVED: dict[str, tuple[tuple[str, ...], Callable[..., float], str]] = {
    "dR_a1": (("R_N", "R_oracle_a1"), _gain, "R_N - R_oracle(a=1)"),
    "R_ratio_a1": (("R_N", "R_oracle_a1"), _ratio, "R_N / R_oracle(a=1)"),
    "A_oracle_amin_pct": (("A_N_pct", "alpha_min"), _accuracy, "1 - alpha_min (1 - A_N)  (Eq. 8)"),
    "dA_amin_pct": (("A_N_pct", "alpha_min"), _accuracy_gain, "(1 - alpha_min)(1 - A_N)  (Eq. 8)"),
    "dR_amin": (("R_N", "R_oracle_amin"), _gain, "R_N - R_oracle(a_min)"),
    "R_ratio_amin": (("R_N", "R_oracle_amin"), _ratio, "R_N / R_oracle(a_min)"),
}


def rounding_range(formula: Callable[..., float], values: tuple[float, ...],
                   half_unit: float) -> tuple[float, float]:
    """The range of ``formula`` when each input may lie anywhere within +- ``half_unit`` of the
    printed value (the inputs were rounded). Exact for formulas monotone in each input on that
    box (all of :data:`DERIVED`): the extremes sit at its corners."""
    corners = np.array(list(product((-half_unit, half_unit), repeat=len(values))))
    results = formula(*(np.asarray(values, float)[None, :] + corners).T)
    return float(np.min(results)), float(np.max(results))


def check_paper_table1(printed: pd.DataFrame | None = None,
                       decimals: int = PRINTED_DECIMALS) -> pd.DataFrame:
    """Recompute the paper's derived columns of Table 1 from its own printed inputs.

    For each row and each column of :data:`DERIVED` whose inputs are printed: ``recomputed``
    from the printed inputs at face value, and ``low``/``high``, the range it can take when
    each input is anywhere within its rounding (half a unit of the last printed digit). A
    printed value is ``consistent`` when its own rounding interval meets that range, and
    ``flagged`` otherwise: its inputs do not give it. ``excess`` is how far outside it lies.
    R_oracle itself is an input: it needs every state of the family, not just R_1, R_N, A_N.
    """
    table = public.paper_table1() if printed is None else printed
    half = 0.5 * 10.0 ** -int(decimals)
    records = []
    for _, row in table.iterrows():
        for column, (inputs, formula, words) in DERIVED.items():
            values = tuple(float(row[name]) for name in inputs)
            if any(np.isnan(values)) or np.isnan(float(row[column])):
                continue
            low, high = rounding_range(formula, values, half)
            shown = float(row[column])
            excess = max(low - (shown + half), (shown - half) - high, 0.0)
            records.append({
                "key": row["key"], "family": f"{row['context']} {row['family']}", "column": column,
                "formula": words, "inputs": ", ".join(f"{n} = {v:g}" for n, v in zip(inputs, values)),
                "paper": shown, "recomputed": float(formula(*values)), "low": low, "high": high,
                "excess": excess, "consistent": excess == 0.0, "flagged": excess > 0.0,
            })
    return pd.DataFrame(records)


def eq8_line_check(printed: pd.DataFrame | None = None,
                   spaces: Mapping[str, StateSpace] | None = None) -> pd.DataFrame:
    """Is the printed R_oracle(alpha_min) on the straight line of Eq. 8?

    Eq. 8 is linear in alpha: R(alpha) = R(0) + alpha [R(1) - R(0)] with
    R(0) = R_1 + (R_2 - R_1)(1 - A_1). From the two printed costs, the line's R(0) is implied:
    ``R0_implied`` = [R(a_min) - a_min R(1)] / (1 - a_min). R(0) needs R_2 and A_1, which the
    paper does not print; ``R0_public`` takes them from the public family in ``spaces`` (default:
    :func:`table1_spaces`), and ``R_oracle_amin_line`` = R0_public + a_min [R(1) -
    R0_public] is the printed R(1) carried along that line. ``alpha_from_A_oracle`` is the
    alpha_min the printed A_oracle implies, (1 - A_oracle) / (1 - A_N).
    """
    table = (public.paper_table1() if printed is None else printed).set_index("key")
    spaces = table1_spaces() if spaces is None else spaces
    records = []
    for key in public.FAMILIES:
        row = table.loc[key]
        space = spaces[key].pareto()
        r, a = space.costs, space.accuracies
        alpha, r1, ra = float(row["alpha_min"]), float(row["R_oracle_a1"]), float(row["R_oracle_amin"])
        r0_public = float(r[0] + (r[1] - r[0]) * (1.0 - a[0]))
        line = r0_public + alpha * (r1 - r0_public)
        records.append({
            "key": key, "family": f"{row['context']} {row['family']}", "alpha_min": alpha,
            "alpha_from_A_oracle": (100.0 - float(row["A_oracle_amin_pct"])) / (100.0 - float(row["A_N_pct"])),
            "R_oracle_a1": r1, "R_oracle_amin": ra,
            "R0_implied": (ra - alpha * r1) / (1.0 - alpha),
            "R0_public": r0_public, "R_oracle_amin_line": line,
            "relative": (ra - line) / line, "cost_unit": str(row["cost_unit"]),
        })
    return pd.DataFrame(records).set_index("key")



def optimistic_slip(key: str = "vit", printed: pd.DataFrame | None = None,
                    spaces: Mapping[str, StateSpace] | None = None) -> dict[str, float]:
    """Which printed cell of a Table 1 row is the slip: alpha_min, or Delta A (chapter 04)?

    The row's A_oracle is A_N + Delta A (Eq. 8 with alpha_min), so alpha_min and Delta A each
    imply an alpha: the printed ``alpha_min`` and ``alpha_from_dA`` = 1 - Delta A / (1 - A_N).
    The printed R_oracle(alpha_min) implies a third, on the line of :func:`eq8_line_check`
    (R(0) from the public family): ``alpha_from_cost`` = [R(a_min) - R(0)] / [R(1) - R(0)]. The
    alpha nearer to it is the one the authors computed with; the other cell is the slip.
    Each alpha comes with its range under the printed rounding (inputs +-0.005).
    """
    table = (public.paper_table1() if printed is None else printed).set_index("key")
    line = eq8_line_check(printed, spaces).loc[key]
    row = table.loc[key]
    r0 = float(line["R0_public"])
    half = 0.005  # every printed cell is known to +-half a unit of its last (second) decimal
    a_n, d_a = float(row["A_N_pct"]), float(row["dA_amin_pct"])
    r1, ra = float(row["R_oracle_a1"]), float(row["R_oracle_amin"])
    from_da = [1 - (d_a + s * half) / (100 - a_n + t * half) for s in (-1, 1) for t in (-1, 1)]
    from_cost = [(ra + s * half - r0) / (r1 + t * half - r0) for s in (-1, 1) for t in (-1, 1)]
    alpha = float(row["alpha_min"])
    result = {
        "alpha_min": alpha, "alpha_min_low": alpha - half, "alpha_min_high": alpha + half,
        "alpha_from_dA": 1 - d_a / (100 - a_n), "alpha_from_dA_low": min(from_da), "alpha_from_dA_high": max(from_da),
        "alpha_from_cost": (ra - r0) / (r1 - r0), "alpha_from_cost_low": min(from_cost),
        "alpha_from_cost_high": max(from_cost),
        "A_oracle_from_alpha_min_pct": 100 - alpha * (100 - a_n),
        "A_oracle_from_dA_pct": a_n + d_a,
    }
    result["gap_alpha_min"] = _interval_gap(result, "alpha_min")
    result["gap_dA"] = _interval_gap(result, "alpha_from_dA")
    return result


def slip_evidence(slip: dict[str, float]) -> str:
    """One line of evidence for :func:`optimistic_slip`: each alpha, its range and its gap."""
    def span(name: str) -> str:
        return f"[{slip[name + '_low']:.4f}, {slip[name + '_high']:.4f}]"

    return (f"α from the cost {slip['alpha_from_cost']:.4f} {span('alpha_from_cost')}; "
            f"α_min {span('alpha_min')}, {slip['gap_alpha_min']:.4f} away; "
            f"α of ΔA {slip['alpha_from_dA']:.4f} {span('alpha_from_dA')}, {slip['gap_dA']:.4f} away")


def _interval_gap(result: dict[str, float], name: str) -> float:
    """How far the range of ``name`` lies from the range of alpha_from_cost (0: they overlap)."""
    low, high = result[f"{name}_low"], result[f"{name}_high"]
    return max(0.0, result["alpha_from_cost_low"] - high, low - result["alpha_from_cost_high"])

# ------------------------------------------------------------ helpers

def _check_key(key: str) -> None:
    if key not in TABLE1_KEYS:
        raise ValueError(f"unknown Table 1 row {key!r}; accepted: {', '.join(TABLE1_KEYS)}")


def _mapping(name: str, value: Mapping[str, str] | None, keys: tuple[str, ...]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"{name} must map names ({', '.join(keys)}) to choices; got {value!r}")
    unknown = [k for k in value if k not in keys]
    if unknown:
        raise ValueError(f"{name}: unknown name(s) {', '.join(map(repr, unknown))}; accepted: {', '.join(keys)}")
    return dict(value)


def _alpha_min_choice(alpha_min: Mapping[str, float] | None) -> dict[str, float]:
    chosen = {key: public.paper_alpha_min(key) for key in public.FAMILIES}
    for key, value in _mapping("alpha_min", alpha_min, public.FAMILIES).items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) \
                or not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"alpha_min[{key!r}] must be a number in [0, 1]; got {value!r}")
        chosen[key] = float(value)
    return chosen


def _aligned(reproduced: pd.DataFrame, printed: pd.DataFrame | None) -> pd.DataFrame:
    """Reproduced and printed rows side by side, reproduced costs in the printed unit."""
    table = (public.paper_table1() if printed is None else printed).set_index("key")
    missing = [k for k in reproduced.index if k not in table.index]
    if missing:
        raise ValueError(f"the printed table has no row for {', '.join(missing)}")
    out = reproduced[["context", "family"]].copy()
    out["cost_unit"] = [str(table.loc[k, "cost_unit"]) for k in out.index]
    for column in COLUMNS:
        mine = reproduced[column].to_numpy(float)
        if column in COST_COLUMNS:
            mine = np.array([float(convert_costs(v, u, p)) for v, u, p in
                             zip(mine, reproduced["cost_unit"], out["cost_unit"])])
        out[f"{column}_reproduced"] = mine
        out[f"{column}_paper"] = table.loc[out.index, column].to_numpy(float)
    return out


def _unit(column: str, cost_unit: str) -> str:
    if column.endswith("_pct"):
        return "%"
    if column in COST_COLUMNS:
        return cost_unit
    return "x" if column.startswith("R_ratio") else "-"
