"""Public model families, accuracy-cost envelopes and the paper's printed tables.

The paper's Sec. 3.1-3.2 (Table 1, Fig. 3) and Sec. 4.1.2 (Table 2) start from published
(R_i, A_i) pairs. This module reads them from ``data/`` (see ``data/README.md`` for every
origin) and hands them to the rest of adaptlib:

- ``families.csv``: EfficientNet B0-B7 and ViT (torchvision), Pythia 410m-12b and Llama-2
  7B/13B/70B on HellaSwag; one row per state and accuracy source;
- ``envelopes.csv``: the Pareto fronts of the public ImageNet pool (torchvision, timm) and of
  the Open LLM Leaderboard archive on HellaSwag;
- ``paper_table1.csv``, ``paper_table2.csv``: the paper's printed values.

Units: ImageNet costs are multiply-accumulates (GMACs: torchvision and timm call them
GFLOPs, and so does the paper), HellaSwag costs are FLOPs (GFLOPs, two per
multiply-accumulate). :func:`cost_unit` names the unit of each family and envelope.

Taught in chapters 01 and 04.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from adaptlib.datasets.locate import DATA_DIR

if TYPE_CHECKING:
    from adaptlib.core.states import StateSpace

FAMILIES = ("efficientnet", "vit", "pythia", "llama2")
ENVELOPES = ("imagenet", "hellaswag")

FAMILY_LABELS = {"efficientnet": "EfficientNet", "vit": "ViT", "pythia": "Pythia",
                 "llama2": "Llama-2"}
# The accuracy each family uses unless told otherwise. Pythia: the deduplicated models, the
# only variant the leaderboard archive lists at every size. Llama-2: the Llama 2 paper's own
# 0-shot accuracy, the one the paper's Table 1 prints (A_N = 85.3%; the leaderboard's 10-shot
# acc_norm is 87.33%), in every chapter (chapter 04 shows both side by side).
DEFAULT_ACCURACY_SOURCE = {
    "efficientnet": "torchvision",
    "vit": "torchvision",
    "pythia": "leaderboard-10shot",
    "llama2": "llama2-paper-0shot",
}
DEFAULT_POOL = {"imagenet": "torchvision+timm", "hellaswag": "leaderboard"}
TOKENS_PER_INPUT = 128  # the paper's sequence length for HellaSwag costs (Sec. 3.2)

_FAMILY_COLUMNS = ("context", "family", "state", "cost", "cost_unit", "accuracy",
                   "accuracy_unit", "accuracy_metric", "accuracy_source", "source")
_ENVELOPE_COLUMNS = ("envelope", "pool", "pool_size", "state", "cost", "cost_unit", "accuracy",
                     "accuracy_unit", "accuracy_metric", "params_B", "source")
_TABLE1_COLUMNS = ("context", "family", "key", "A_N_pct", "R_1", "R_N", "R_oracle_a1", "dR_a1",
                   "R_ratio_a1", "alpha_min", "A_oracle_amin_pct", "dA_amin_pct", "R_oracle_amin",
                   "dR_amin", "R_ratio_amin", "cost_unit", "restored_cells", "source")
_TABLE2_COLUMNS = ("dataset", "key", "A_oracle_pct", "R_oracle", "dR", "R_ratio", "cost_unit",
                   "source")


def _check_choice(parameter: str, value: object, accepted: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in accepted:
        raise ValueError(f"{parameter}: unknown value {value!r}; "
                         f"accepted values: {', '.join(accepted)}")
    return value


def _read(filename: str, required: tuple[str, ...], text: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read data/<filename>, checking the columns and that the ``text`` columns are filled."""
    path = DATA_DIR / filename
    if not path.is_file():
        raise ValueError(f"data file data/{filename} is missing; restore it from the repository")
    table = pd.read_csv(path)
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise ValueError(f"data/{filename}: missing column(s) {', '.join(missing)}")
    for column in text:
        empty = table[column].isna() | (table[column].astype(str).str.strip() == "")
        if empty.any():
            line = int(np.flatnonzero(empty.to_numpy())[0]) + 2  # header is line 1
            raise ValueError(f"data/{filename}, line {line}: column {column!r} is empty; every "
                             "row must name its unit and its public source")
    return table


def _check_states(table: pd.DataFrame, filename: str) -> pd.DataFrame:
    """Costs positive and finite, accuracies in percent within [0, 100]."""
    cost = pd.to_numeric(table["cost"], errors="coerce").to_numpy(float)  # text becomes NaN
    acc = pd.to_numeric(table["accuracy"], errors="coerce").to_numpy(float)
    for column, bad in (("cost", ~(np.isfinite(cost) & (cost > 0))),
                        ("accuracy", ~(np.isfinite(acc) & (acc >= 0) & (acc <= 100)))):
        if bad.any():
            line = int(np.flatnonzero(bad)[0]) + 2
            got = table[column].iloc[line - 2]
            raise ValueError(f"data/{filename}, line {line}: {column} must be a positive number "
                             f"(accuracy in percent, at most 100); got {got!r}")
    if not (table["accuracy_unit"] == "percent").all():
        raise ValueError(f"data/{filename}: accuracy_unit must be 'percent' in every row")
    return table


def _families() -> pd.DataFrame:
    return _check_states(_read("families.csv", _FAMILY_COLUMNS,
                               text=("state", "cost_unit", "accuracy_unit", "accuracy_source",
                                     "source")), "families.csv")


def _envelopes() -> pd.DataFrame:
    return _check_states(_read("envelopes.csv", _ENVELOPE_COLUMNS,
                               text=("state", "cost_unit", "accuracy_unit", "source")),
                         "envelopes.csv")


def accuracy_sources(name: str) -> tuple[str, ...]:
    """The accuracy sources ``data/families.csv`` holds for family ``name``, default first."""
    _check_choice("name", name, FAMILIES)
    rows = _families()
    found = rows.loc[rows["family"] == FAMILY_LABELS[name], "accuracy_source"].unique().tolist()
    default = DEFAULT_ACCURACY_SOURCE[name]
    if default not in found:
        raise ValueError(f"data/families.csv has no {FAMILY_LABELS[name]} rows with "
                         f"accuracy_source {default!r}")
    return (default, *sorted(s for s in found if s != default))


def family_table(name: str, accuracy_source: str | None = None) -> pd.DataFrame:
    """Rows of family ``name`` for one accuracy source, sorted by cost, as stored (percent).

    ``accuracy_source``: None for the family's default (:data:`DEFAULT_ACCURACY_SOURCE`), or
    one of :func:`accuracy_sources`: for Llama-2 ``"llama2-paper-0shot"`` (the Llama 2 paper's
    0-shot accuracy) or ``"leaderboard-10shot"``; for Pythia ``"leaderboard-10shot"``
    (deduplicated models) or ``"leaderboard-10shot-standard"``.
    """
    sources = accuracy_sources(name)
    source = sources[0] if accuracy_source is None else _check_choice(
        "accuracy_source", accuracy_source, sources)
    rows = _families()
    chosen = rows[(rows["family"] == FAMILY_LABELS[name]) & (rows["accuracy_source"] == source)]
    return chosen.sort_values("cost", kind="stable").reset_index(drop=True)


def load_public_family(name: str, accuracy_source: str | None = None) -> "StateSpace":
    """Family ``name`` as a :class:`~adaptlib.StateSpace` (Eq. 1-3): costs in
    :func:`cost_unit` ``(name)``, accuracies as fractions. Dominated states are kept; call
    ``.pareto()`` to drop them."""
    from adaptlib.core.states import StateSpace

    table = family_table(name, accuracy_source)
    return StateSpace.from_arrays(table["state"].tolist(), table["cost"].to_numpy(float),
                                  table["accuracy"].to_numpy(float) / 100.0)


def envelope_pools(name: str) -> tuple[str, ...]:
    """The pools ``data/envelopes.csv`` holds a front for, for envelope ``name``, default first."""
    _check_choice("name", name, ENVELOPES)
    rows = _envelopes()
    found = rows.loc[rows["envelope"] == name, "pool"].unique().tolist()
    default = DEFAULT_POOL[name]
    if default not in found:
        raise ValueError(f"data/envelopes.csv has no {name} rows with pool {default!r}")
    return (default, *sorted(p for p in found if p != default))


def envelope_table(name: str, pool: str | None = None) -> pd.DataFrame:
    """The Pareto front of one public pool (no point cheaper-or-equal with higher-or-equal
    accuracy), sorted by cost, as stored (percent). ``pool_size`` counts the models the front
    was drawn from. ImageNet pools: ``"torchvision+timm"`` (default), ``"torchvision"``,
    ``"timm"``; HellaSwag: ``"leaderboard"``, whose costs come from parameter counts parsed
    from model names (:func:`llm_cost_rule`)."""
    pools = envelope_pools(name)
    chosen_pool = pools[0] if pool is None else _check_choice("pool", pool, pools)
    rows = _envelopes()
    chosen = rows[(rows["envelope"] == name) & (rows["pool"] == chosen_pool)]
    return chosen.sort_values("cost", kind="stable").reset_index(drop=True)


def load_envelope(name: str, pool: str | None = None) -> "StateSpace":
    """Envelope ``name`` (Fig. 3, Table 1's SOTA rows, Table 2) as a StateSpace, accuracies
    as fractions, costs in :func:`cost_unit` ``(name)``."""
    from adaptlib.core.states import StateSpace

    table = envelope_table(name, pool)
    return StateSpace.from_arrays(table["state"].tolist(), table["cost"].to_numpy(float),
                                  table["accuracy"].to_numpy(float) / 100.0)


def cost_unit(name: str) -> str:
    """Unit of the costs of a family or envelope: ``"GMACs"`` (ImageNet) or ``"GFLOPs"``
    (HellaSwag, two FLOPs per multiply-accumulate)."""
    _check_choice("name", name, FAMILIES + ENVELOPES)
    if name in FAMILIES:
        rows = _families()
        units = rows.loc[rows["family"] == FAMILY_LABELS[name], "cost_unit"].unique()
    else:
        rows = _envelopes()
        units = rows.loc[rows["envelope"] == name, "cost_unit"].unique()
    if len(units) != 1:
        raise ValueError(f"{name}: data/ mixes cost units {sorted(units)}; one unit per family "
                         "or envelope is required")
    return str(units[0])


def paper_table1() -> pd.DataFrame:
    """The paper's Table 1 as printed, one row per family: accuracies in percent (``_pct``),
    costs in ``cost_unit``, suffix ``_a1`` for alpha = 1 and ``_amin`` for alpha_min. Cells
    restored from the garbled text extraction are listed in ``restored_cells``; ``key`` is
    the family or envelope name of this module."""
    table = _read("paper_table1.csv", _TABLE1_COLUMNS, text=("cost_unit", "source"))
    table["restored_cells"] = table["restored_cells"].fillna("")
    return table


def paper_table2() -> pd.DataFrame:
    """The paper's Table 2 (continuous adaptation, Eq. 11) as printed."""
    return _read("paper_table2.csv", _TABLE2_COLUMNS, text=("cost_unit", "source"))


def paper_alpha_min(family: str) -> float:
    """The alpha_min the paper measured for ``family`` (Table 1: 0.58, 0.52, 0.88, 0.90)."""
    _check_choice("family", family, FAMILIES)
    table = paper_table1()
    return float(table.loc[table["key"] == family, "alpha_min"].squeeze())


def llm_cost_rule(params_billion, tokens: int = TOKENS_PER_INPUT) -> np.ndarray:
    """GFLOPs of one forward pass over ``tokens`` tokens: 2 FLOPs per parameter per token.

    The rule that turns the leaderboard's parameter counts into costs for the HellaSwag
    envelope; it counts embeddings and the LM head as if they were matrix products, so it
    overstates small models (see :func:`llm_cost_rule_check`)."""
    params = np.asarray(params_billion, dtype=float)
    if not np.all(np.isfinite(params)) or np.any(params < 0):
        raise ValueError(f"params_billion must be non-negative numbers; got {params_billion!r}")
    if not isinstance(tokens, (int, np.integer)) or tokens < 1:
        raise ValueError(f"tokens must be a positive integer; got {tokens!r}")
    return 2.0 * params * tokens


_SIZE_IN_NAME = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)([mb])(\d)?(?=$|[-_])", re.IGNORECASE)


def params_from_name(model: str) -> float:
    """Parameter count in billions read from a model name, as the HellaSwag envelope's costs
    are: the first size in the name ("pythia-410m-deduped" -> 0.41, "Llama-2-7b" -> 7.0), with
    BLOOM's "7b1" read as 7.1. A name can mislead (a fine-tune keeps its base's size)."""
    found = _SIZE_IN_NAME.findall(str(model))
    if not found:
        raise ValueError(f"model: no size like '410m', '7b' or '7b1' in the name {model!r}")
    value, scale, decimal = found[0]
    number = float(f"{value}.{decimal}") if decimal and "." not in value else float(value)
    return number / (1000.0 if scale.lower() == "m" else 1.0)


def llm_cost_rule_check() -> pd.DataFrame:
    """The envelope's rule (:func:`llm_cost_rule` on the size in the name) against the counted
    costs of the Pythia and Llama-2 family states (calflops, no LM head; default accuracy
    source, one row per model size) with ``ratio`` = rule / counted."""
    llm = pd.concat([family_table("pythia"), family_table("llama2")])
    llm = llm.sort_values("cost", kind="stable")
    params = np.array([params_from_name(s) for s in llm["state"]])
    rule = llm_cost_rule(params)
    return pd.DataFrame({
        "family": llm["family"].to_numpy(),
        "state": llm["state"].to_numpy(),
        "params_B_from_name": params,
        "cost_counted": llm["cost"].to_numpy(float),
        "cost_rule": rule,
        "ratio": rule / llm["cost"].to_numpy(float),
        "cost_unit": llm["cost_unit"].to_numpy(),
    })
