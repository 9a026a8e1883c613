"""The digits families' per-instance predictions, read from data/predictions (chapters 01-03, 05, 10).

Families (states in increasing cost): ``width`` (one MLP, 1..128 hidden tanh units), ``resolution``
(logistic regression on block-averaged images), ``mixed`` (unlike classifiers). The model zoo
that fits them is :mod:`adaptlib.datasets.zoo`; ``load_family()`` reads what it wrote.

``load_family("imagenet")`` reads the family of four real ImageNet classifiers, in the same
formats, built from the ImageNet-X files by :mod:`adaptlib.datasets.imagenet`. It is not one of
``FAMILIES``, the digits families that the chapters loop over by default."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from adaptlib.core.oracle import correctness_from_predictions
from adaptlib.datasets.locate import PREDICTIONS_DIR

if TYPE_CHECKING:
    from adaptlib.core.states import StateSpace


FAMILIES = ("width", "resolution", "mixed")  # the digits families: the chapters' default loops
OTHER_FAMILIES = ("imagenet",)  # same formats, loadable by name, in no default loop
LOADABLE_FAMILIES = FAMILIES + OTHER_FAMILIES
FILES = ("costs.csv", "predictions.csv", "correct.csv", "oracle_labels.csv")

FAMILY_DESCRIPTIONS = {
    "width": "one-hidden-layer MLP (tanh) on the 8x8 images, hidden width 1 to 128 units",
    "resolution": "logistic regression on the images block-averaged to 1x1, 2x2, 4x4 and 8x8",
    "mixed": "a pool of unlike classifiers: tree, forest, logistic regression, nearest centroid, "
    "naive Bayes, MLP, RBF SVM, k-NN",
    "imagenet": "four pretrained ImageNet classifiers on the 50,000 validation images (ImageNet-X, "
    "CC BY-NC 4.0): ResNet-50, SimCLR ResNet-50, DINO ViT-S/16, ViT-B/16 (architectures inferred)",
}
# How to (re)make a family's files, for the error when they are missing.
_MAKE = {"imagenet": "`adaptlib predictions imagenet` to build the imagenet family from the ImageNet-X files"}
_MAKE_DIGITS = "`adaptlib predictions` to generate the digits families"


# ---------------------------------------------------------------- loading


@dataclass(frozen=True, eq=False)
class DigitsFamily:
    """One family read from ``data/predictions/<name>/``, columns in cost order (Eq. 2).

    ``correct[x, i]`` is Y_i(x) == Y_GT(x); ``top_probability`` is NaN for models without one.
    ``unit`` is the unit of ``costs``: FLOPs for the digits families, the ``cost_unit`` column
    of ``costs.csv`` where there is one (GMACs for ``imagenet``).
    """

    name: str
    names: tuple[str, ...]
    costs: np.ndarray  # FLOPs per instance, ascending
    correct: np.ndarray  # bool (n, N)
    predicted: np.ndarray  # int (n, N)
    truth: np.ndarray  # int (n,)
    top_probability: np.ndarray  # float (n, N)
    description: str
    state_descriptions: tuple[str, ...]
    unit: str = "FLOPs"

    @property
    def accuracies(self) -> np.ndarray:
        """Out-of-fold accuracy A_i of each state."""
        return self.correct.mean(axis=0)

    @property
    def space(self) -> StateSpace:
        """The family as a ``StateSpace`` with measured accuracies."""
        from adaptlib.core.states import StateSpace

        return StateSpace.from_arrays(self.names, self.costs, self.accuracies)


def check_family(name: str, accepted: tuple[str, ...] = FAMILIES) -> None:
    if name not in accepted:
        raise ValueError(f"family={name!r}: unknown family; accepted names are {', '.join(accepted)}")


def _read(path: Path, columns: tuple[str, ...], make: str = _MAKE_DIGITS) -> pd.DataFrame:
    if not path.is_file():
        raise ValueError(f"{path}: no such file; run {make}")
    frame = pd.read_csv(path, keep_default_na=False, na_values={"top_probability": [""]})
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(columns)}")
    return frame


def load_family(name: str, root: str | Path | None = None) -> DigitsFamily:
    """Read a family's costs and per-instance predictions (default root: data/predictions).

    ``name`` is one of the digits families (``FAMILIES``, predicted out of fold) or ``imagenet``.
    Its arrays are read-only, so a family read once is kept and handed out again while its two
    files are unchanged (chapter 09 reads the digits families fourteen times).
    """
    check_family(name, LOADABLE_FAMILIES)
    folder = ((Path(root) if root is not None else PREDICTIONS_DIR) / name).resolve()
    stamps = tuple((f.stat().st_mtime_ns, f.stat().st_size) if f.is_file() else None
                   for f in (folder / "costs.csv", folder / "predictions.csv"))
    return _read_family(name, folder, stamps)


@lru_cache(maxsize=8)
def _read_family(name: str, folder: Path, stamps: tuple) -> DigitsFamily:
    """The family in ``folder``, read from its files (``stamps``: their times and sizes, the key
    under which it is kept)."""
    make = _MAKE.get(name, _MAKE_DIGITS)
    table = _read(folder / "costs.csv", ("state", "cost", "accuracy", "description"), make)
    long = _read(
        folder / "predictions.csv", ("instance", "state", "predicted", "true_label", "top_probability"), make
    )
    names = tuple(str(s) for s in table["state"])
    costs = table["cost"].to_numpy(dtype=float)
    if np.any(np.diff(costs) < 0):
        raise ValueError(f"{folder / 'costs.csv'}: rows are not sorted by cost; regenerate the files")

    column = pd.Index(names).get_indexer(long["state"].astype(str))
    instance = long["instance"].to_numpy(dtype=np.int64)
    if np.any(column < 0):
        unknown = sorted(set(long["state"].astype(str)) - set(names))
        raise ValueError(f"{folder / 'predictions.csv'}: state(s) {', '.join(unknown)} not in costs.csv")
    n = int(instance.max()) + 1
    counts = np.bincount(instance * len(names) + column, minlength=n * len(names))
    if instance.min() < 0 or np.any(counts != 1):
        raise ValueError(
            f"{folder / 'predictions.csv'}: every instance 0..{n - 1} needs exactly one row per state"
        )
    predicted = np.empty((n, len(names)), dtype=np.int64)
    top = np.empty((n, len(names)))
    predicted[instance, column] = long["predicted"].to_numpy(dtype=np.int64)
    top[instance, column] = long["top_probability"].to_numpy(dtype=float)
    truth = np.empty(n, dtype=np.int64)
    truth[instance] = long["true_label"].to_numpy(dtype=np.int64)
    if np.any(truth[instance] != long["true_label"].to_numpy()):
        raise ValueError(f"{folder / 'predictions.csv'}: an instance has different true labels across states")

    arrays = [costs, correctness_from_predictions(predicted, truth), predicted, truth, top]
    for array in arrays:
        array.setflags(write=False)
    return DigitsFamily(
        name, names, *arrays, description=FAMILY_DESCRIPTIONS[name],
        state_descriptions=tuple(str(d) for d in table["description"]),
        unit=_unit(folder / "costs.csv", table),
    )


def _unit(path: Path, table: pd.DataFrame) -> str:
    """The one ``cost_unit`` of a costs table; FLOPs (the digits families) without that column."""
    if "cost_unit" not in table:
        return "FLOPs"
    units = sorted(set(table["cost_unit"].astype(str)))
    if len(units) != 1 or not units[0].strip():
        raise ValueError(f"{path}: column cost_unit must name one unit for every state; found {', '.join(units)}")
    return units[0]
