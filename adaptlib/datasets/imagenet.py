"""The ``imagenet`` family: per-image predictions of four real ImageNet classifiers (ImageNet-X).

The paper's Fig. 1 (the confusion of two states), Fig. 2 (alpha_i across a family) and Fig. 4
(the exact oracle against the bounds of Eq. 8-9) are drawn from per-instance ImageNet
predictions that the paper does not publish. The ImageNet-X project (Idrissi et al., "ImageNet-X:
Understanding Model Mistakes with Factor of Variation Annotations", ICLR 2023) publishes the
top-1 prediction and its probability of four pretrained models on all 50,000 validation images;
this module turns those files into a family of ``data/predictions/`` in the formats of the
digits families (:mod:`adaptlib.datasets.zoo`), so that chapters 02, 03, 05 and 10 can read it
with :func:`adaptlib.datasets.digits.load_family` ("imagenet"). It is loadable by name only: the
chapters' default loops (``digits.FAMILIES``) do not include it.

The four models are named, not described, by ImageNet-X; their architectures are inferred from
their accuracy on these files (``MODELS``), and each cost is the published multiply-accumulate
count of the inferred architecture at 224 px (torchvision and the DeiT paper call them GFLOPs;
``data/README.md``, "Units: a trap"). ResNet50 and SimCLR share one architecture and cost: both
are kept, the tie ordered by accuracy (most accurate first, then by name), the rule of
:meth:`StateSpace.pareto` and of ``data/envelopes.csv``; :meth:`StateSpace.assumptions` and
``adaptlib oracle`` report it as a break of Eq. 2.

``build(source, out_dir)`` writes ``<out_dir>/imagenet/`` (default ``data/predictions``):
``costs.csv``, ``predictions.csv``, ``correct.csv``, ``oracle_labels.csv``, a ``README.md`` and
the source's ``LICENSE`` (CC BY-NC 4.0), byte for byte the same on every run.
``adaptlib predictions imagenet [--source DIR] [--check]`` is the command
(:mod:`adaptlib.datasets.regeneration`).

Taught in chapters 02, 03, 05 and 10.
"""
from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from adaptlib.core.oracle import correctness_from_predictions, first_correct
from adaptlib.datasets.locate import PREDICTIONS_DIR

FAMILY = "imagenet"
# Relative to the folder the command runs in: the repository root, beside which the clone
# (and CI) keeps shared/.
DEFAULT_SOURCE = Path("../shared/data/imagenetx")
SOURCE_REPOSITORY = "facebookresearch/imagenetx"
SOURCE_COMMIT = "6403d41a5cc435543a63060e336bc2452e3ad223"
LABEL_FILE = "filename_label.csv"
LABEL_COLUMNS = ("file_name", "label")
MODEL_COLUMNS = ("file_name", "predicted_class", "predicted_probability")
LICENSE_FILE = "LICENSE"
CLASS_NAMES_FILE = "imagenet_labels.txt"  # optional: when present, bounds the class indices
COST_UNIT = "GMACs"
PROBABILITY_FORMAT = "%.6f"  # top probabilities rounded to 6 decimals, as in the digits families
FILES = ("costs.csv", "predictions.csv", "correct.csv", "oracle_labels.csv", "README.md", LICENSE_FILE)

_TORCHVISION = ("torchvision 0.29.1 (pytorch/vision@1f1a920d685d46dfbe187934b785b7ecb7a182f2), "
                "torchvision/models/{file}, {weights} metadata _ops {ops} (documented as {docs} GFLOPS)")
_DEIT = ("Touvron et al., Training data-efficient image transformers & distillation through attention, "
         "ICML 2021 (arXiv:2012.12877), Table 1: DeiT-S, the ViT-S/16 architecture, 4.6 GFLOPs at 224 px "
         "(timm's deit_small_patch16_224: 4.6 GMACs)")


@dataclass(frozen=True)
class Model:
    """One ImageNet-X prediction file and what is known of the model behind it."""

    state: str  # the state name, and the stem of the source file (``<state>.csv``)
    cost: str  # GMACs per 224 px image, written as published
    architecture: str  # inferred, never stated by the source
    description: str
    cost_source: str
    cost_reference: str  # a short name of cost_source, for the README's table


MODELS = (
    Model("ResNet50", "4.089", "ResNet-50",
          "ResNet-50, supervised (inferred: torchvision's IMAGENET1K_V1 weights, 76.13% published)",
          _TORCHVISION.format(file="resnet.py", weights="ResNet50_Weights.IMAGENET1K_V1", ops="4.089", docs="4.09"),
          "torchvision, ResNet-50"),
    Model("SimCLR", "4.089", "ResNet-50",
          "ResNet-50 trained by SimCLR, linear probe (inferred)",
          _TORCHVISION.format(file="resnet.py", weights="ResNet50_Weights.IMAGENET1K_V1", ops="4.089", docs="4.09")
          + "; the cost of the ResNet-50 architecture",
          "torchvision, ResNet-50"),
    Model("DINO", "4.6", "ViT-S/16",
          "ViT-S/16 trained by DINO, linear probe (inferred; the DINO paper reports 77.0%)",
          _DEIT, "DeiT paper, Table 1 (DeiT-S)"),
    Model("ViT", "17.564", "ViT-B/16",
          "ViT-B/16 trained on ImageNet-1k (inferred; not torchvision's IMAGENET1K_V1 weights, 81.07% published)",
          _TORCHVISION.format(file="vision_transformer.py", weights="ViT_B_16_Weights.IMAGENET1K_V1",
                              ops="17.564", docs="17.56") + "; the cost of the ViT-B/16 architecture at 224 px",
          "torchvision, ViT-B/16"),
)
SOURCE_FILES = tuple(f"{m.state}.csv" for m in MODELS) + (LABEL_FILE, LICENSE_FILE)


@dataclass(frozen=True, eq=False)
class Source:
    """The ImageNet-X files, read and checked; instances in sorted file-name order."""

    file_names: np.ndarray  # str (n,), sorted
    truth: np.ndarray  # int (n,)
    predicted: np.ndarray  # int (n, len(MODELS)), columns in MODELS order
    top_probability: np.ndarray  # float (n, len(MODELS))
    license_text: bytes
    n_classes: int | None  # lines of imagenet_labels.txt, None without that file
    digests: dict[str, str]  # source file name -> SHA-256


# ---------------------------------------------------------------- reading the source


def read_source(source: str | PathLike = DEFAULT_SOURCE) -> Source:
    """Read and check the ImageNet-X files of ``source``; a ValueError says what is wrong, in one line."""
    folder = Path(source)
    if not folder.exists():
        raise ValueError(f"{folder}: no such folder; give the folder of the ImageNet-X files with --source "
                         f"(default {DEFAULT_SOURCE.as_posix()}, relative to the repository root)")
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a folder; give the folder of the ImageNet-X files with --source")
    missing = [name for name in SOURCE_FILES if not (folder / name).is_file()]
    if missing:
        raise ValueError(f"{folder}: no file {', '.join(missing)}; the ImageNet-X folder needs "
                         f"{', '.join(SOURCE_FILES)}")

    labels = _read_csv(folder / LABEL_FILE, LABEL_COLUMNS)
    order = np.argsort(labels["file_name"].to_numpy(dtype=str), kind="stable")
    names = labels["file_name"].to_numpy(dtype=str)[order]
    truth = _integers(folder / LABEL_FILE, labels, "label")[order]
    n_classes = _class_count(folder / CLASS_NAMES_FILE)
    _check_classes(folder / LABEL_FILE, "label", truth, n_classes)

    predicted = np.empty((names.size, len(MODELS)), dtype=np.int64)
    top = np.empty((names.size, len(MODELS)))
    for j, model in enumerate(MODELS):
        path = folder / f"{model.state}.csv"
        frame = _read_csv(path, MODEL_COLUMNS)
        _same_images(path, frame["file_name"], names, folder / LABEL_FILE)
        rows = np.argsort(frame["file_name"].to_numpy(dtype=str), kind="stable")
        predicted[:, j] = _integers(path, frame, "predicted_class")[rows]
        _check_classes(path, "predicted_class", predicted[:, j], n_classes)
        top[:, j] = _probabilities(path, frame)[rows]
    digests = {name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
               for name in SOURCE_FILES + ((CLASS_NAMES_FILE,) if n_classes is not None else ())}
    return Source(names, truth, predicted, top, (folder / LICENSE_FILE).read_bytes(), n_classes, digests)


def _read_csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path}: the file is empty; expected columns {','.join(columns)}") from None
    except (ValueError, UnicodeDecodeError) as err:  # pandas' ParserError is a ValueError
        raise ValueError(f"{path}: cannot read it as CSV ({' '.join(str(err).split())})") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: no column {', '.join(repr(m) for m in missing)}; expected columns "
                         f"{','.join(columns)} (found: {','.join(map(str, frame.columns))})")
    if len(frame) == 0:
        raise ValueError(f"{path}: no rows; expected one row per image")
    file_names = frame["file_name"].str.strip()
    if (file_names == "").any():
        raise ValueError(f"{path}, row {int(np.flatnonzero(file_names == '')[0]) + 1}: the file name is empty")
    repeated = file_names[file_names.duplicated()]
    if len(repeated):
        raise ValueError(f"{path}: image {repeated.iloc[0]!r} is listed more than once; keep one row per image")
    frame["file_name"] = file_names
    return frame


def _integers(path: Path, frame: pd.DataFrame, column: str) -> np.ndarray:
    text = frame[column].str.strip()
    good = text.str.fullmatch(r"\d+")
    if not good.all():
        row = int(np.flatnonzero(~good.to_numpy())[0])
        raise ValueError(f"{path}, row {row + 1} ({frame['file_name'].iloc[row]}): {column} "
                         f"{text.iloc[row]!r} is not a class index (an integer >= 0)")
    return text.astype(np.int64).to_numpy()


def _probabilities(path: Path, frame: pd.DataFrame) -> np.ndarray:
    # Python's own float parsing (round trip), so the 6-decimal rounding is the same everywhere.
    values = np.array([_float(v) for v in frame["predicted_probability"]])
    bad = ~((values >= 0) & (values <= 1))  # NaN too
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{path}, row {row + 1} ({frame['file_name'].iloc[row]}): predicted_probability "
                         f"{frame['predicted_probability'].iloc[row]!r} is not a probability in [0, 1]")
    return values


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


def _class_count(path: Path) -> int | None:
    if not path.is_file():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return len(lines) or None


def _check_classes(path: Path, column: str, values: np.ndarray, n_classes: int | None) -> None:
    if n_classes is not None and values.size and values.max() >= n_classes:
        row = int(np.argmax(values >= n_classes))
        raise ValueError(f"{path}: {column} {values[row]} is not one of the {n_classes} classes of "
                         f"{CLASS_NAMES_FILE} (indices 0..{n_classes - 1})")


def _same_images(path: Path, file_names: pd.Series, expected: np.ndarray, label_path: Path) -> None:
    given = set(file_names)
    wanted = set(expected.tolist())
    if given != wanted:
        absent, extra = sorted(wanted - given), sorted(given - wanted)
        what = [f"{len(absent):,} image(s) of {label_path.name} missing (first {absent[0]})"] if absent else []
        what += [f"{len(extra):,} image(s) not in {label_path.name} (first {extra[0]})"] if extra else []
        raise ValueError(f"{path}: {'; '.join(what)}; every model file must predict every image once")


# ---------------------------------------------------------------- the family


def state_order(costs: np.ndarray, accuracies: np.ndarray, names: list[str]) -> list[int]:
    """Positions in cost order (Eq. 2); at equal cost the more accurate state first, then by name."""
    return sorted(range(len(names)), key=lambda i: (costs[i], -accuracies[i], names[i]))


def family_files(source: Source) -> dict[str, bytes]:
    """The bytes of every file of the family, built from the source."""
    correct = correctness_from_predictions(source.predicted, source.truth)
    costs = np.array([float(m.cost) for m in MODELS])
    order = state_order(costs, correct.mean(axis=0), [m.state for m in MODELS])
    models = [MODELS[i] for i in order]
    names = [m.state for m in models]
    predicted, top, correct = source.predicted[:, order], source.top_probability[:, order], correct[:, order]
    n, n_states = predicted.shape
    accuracies = correct.mean(axis=0)

    files = {
        "costs.csv": _csv(pd.DataFrame({
            "state": names,
            "cost": [m.cost for m in models],
            "accuracy": np.char.mod("%.6f", accuracies),
            "description": [m.description for m in models],
            "cost_unit": COST_UNIT,
            "cost_source": [m.cost_source for m in models],
            "predictions_source": [f"{SOURCE_REPOSITORY}@{SOURCE_COMMIT}, model_predictions/base/{m.state}.csv"
                                   for m in models],
        })),
        # Long form, instance-major: row k is instance k // N, state k % N (states in cost order).
        "predictions.csv": _csv(pd.DataFrame({
            "instance": np.repeat(np.arange(n), n_states),
            "state": np.tile(names, n),
            "predicted": predicted.ravel(),
            "true_label": np.repeat(source.truth, n_states),
            "top_probability": np.char.mod(PROBABILITY_FORMAT, top.ravel()),
        })),
        "correct.csv": _csv(pd.DataFrame(correct.astype(np.int8), columns=names)),
    }
    labels = first_correct(correct)  # Eq. 4: the cheapest correct state, -1 if none
    files["oracle_labels.csv"] = _csv(pd.DataFrame({
        "instance": np.arange(n),
        "true_label": source.truth,
        "oracle_state_index": labels,
        "oracle_state": np.where(labels >= 0, np.array(names, dtype=object)[labels], "none"),
    }))
    files["README.md"] = _readme(source, models, accuracies, labels).encode("utf-8")
    files[LICENSE_FILE] = source.license_text
    return files


def build(source: str | PathLike = DEFAULT_SOURCE, out_dir: str | PathLike | None = None) -> Path:
    """Read ``source``, write ``<out_dir>/imagenet/*`` (default ``data/predictions``), return that folder.

    Nothing is written when the source fails a check. Deterministic: the same source gives the
    same bytes (sorted instances, fixed float formats, ``\\n`` line ends).
    """
    files = family_files(read_source(source))
    root = Path(out_dir) if out_dir is not None else PREDICTIONS_DIR
    if root.exists() and not root.is_dir():
        raise ValueError(f"{root}: is a file; give the folder that holds the families")
    folder = root / FAMILY
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


def check(source: str | PathLike = DEFAULT_SOURCE, out_dir: str | PathLike | None = None) -> list[str]:
    """``imagenet/<file>`` for each file of ``<out_dir>/imagenet`` that a fresh build would change."""
    folder = (Path(out_dir) if out_dir is not None else PREDICTIONS_DIR) / FAMILY
    with tempfile.TemporaryDirectory() as scratch:
        fresh = build(source, scratch)
        names = sorted(set(FILES) | {p.name for p in folder.glob("*") if p.is_file()})
        return [f"{FAMILY}/{name}" for name in names
                if not ((folder / name).is_file() and (fresh / name).is_file()
                        and (folder / name).read_bytes() == (fresh / name).read_bytes())]


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


# ---------------------------------------------------------------- the README beside the data

_ILSVRC_NAME = re.compile(r"ILSVRC2012_val_(\d{8})\.JPEG")


def _readme(source: Source, models: list[Model], accuracies: np.ndarray, labels: np.ndarray) -> str:
    n = source.truth.size
    numbers = [_ILSVRC_NAME.fullmatch(name) for name in source.file_names]
    numbered = all(m is not None and int(m.group(1)) == k + 1 for k, m in enumerate(numbers))
    order_note = (f" Here these are `ILSVRC2012_val_00000001.JPEG` to `ILSVRC2012_val_{n:08d}.JPEG`: "
                  "instance k is image number k + 1 of the ILSVRC-2012 validation set."
                  if numbered else "")
    costs = [float(m.cost) for m in models]
    ties = [(a.state, b.state, a.cost) for a, b, ca, cb in zip(models, models[1:], costs, costs[1:]) if ca == cb]
    tie_text = "; ".join(f"`{a}` and `{b}` both cost {c} {COST_UNIT}" for a, b, c in ties) or "no two states"
    sent = np.bincount(labels + 1, minlength=len(models) + 1)
    rows = "\n".join(
        f"| `{m.state}` | {m.cost} | {100 * a:.3f}% | {sent[i + 1]:,} | {m.architecture} | {m.cost_reference} |"
        for i, (m, a) in enumerate(zip(models, accuracies)))
    models_text = "\n".join(f"- `{m.state}`: {m.description}." for m in models)
    references = "\n".join(f"- {reference}: {cost_source}." for reference, cost_source in
                           dict.fromkeys((m.cost_reference, m.cost_source.split("; ")[0]) for m in models))
    digests = "\n".join(f"| `{name}` | `{digest}` |" for name, digest in source.digests.items())
    return f"""# The `imagenet` family: four real ImageNet classifiers (ImageNet-X)

Per-image top-1 predictions of four pretrained classifiers on the {n:,} images of the
ILSVRC-2012 validation set, in the formats of the digits families (`../README.md`). This
file is written by `adaptlib predictions imagenet` (`adaptlib/datasets/imagenet.py`) with the
other files of this folder; edit that module, not this file.

## Source and licence
- Source: the public repository [{SOURCE_REPOSITORY}](https://github.com/{SOURCE_REPOSITORY}) at
  commit `{SOURCE_COMMIT}`: `model_predictions/base/{{{",".join(m.state for m in MODELS)}}}.csv`
  (`file_name,predicted_class,predicted_probability`), `imagenet_x/annotations/{LABEL_FILE}`
  (`file_name,label`, the true class index) and `imagenet_x/annotations/{CLASS_NAMES_FILE}`
  (the class names; {f"every class index was checked to be one of its {source.n_classes:,}"
  if source.n_classes is not None else "not in the folder this build read"}).
- Licence: **Creative Commons Attribution-NonCommercial 4.0 International (CC BY-NC 4.0)**, the
  text in `LICENSE` beside this file, copied from the source. Non-commercial use only; cite
  Idrissi et al., "ImageNet-X: Understanding Model Mistakes with Factor of Variation
  Annotations", ICLR 2023. The files here are derived from it (reordered, rounded, the
  correctness and the oracle's labels computed) and carry the same licence. The repository's
  own MIT licence covers its code, not these data.

## The states
The source names the models but does not describe them: the architectures are **inferred**
from each file's top-1 accuracy, and each cost is the published multiply-accumulate count of
the inferred architecture for one 224 x 224 image (torchvision and the DeiT paper call them
GFLOPs; `../../README.md`, "Units: a trap"). A linear probe on a frozen backbone adds less than
0.01 GMACs.

| state | cost ({COST_UNIT}) | accuracy | oracle sends | architecture (inferred) | cost |
|---|---|---|---|---|---|
{rows}

The oracle sends {sent[0]:,} images to no state (none of the four is right).

What each model is (`costs.csv`, `description`):
{models_text}

Where the costs are published (`costs.csv`, `cost_source`):
{references}

They are not a size family: {tie_text} (the same ResNet-50 architecture, trained two ways),
and accuracy {"does not always rise" if np.any(np.diff(accuracies) < 0) else "rises"} with cost. Both tied states are kept. The states are sorted by
cost; at equal cost the more accurate state comes first (then the name): the rule of
`StateSpace.pareto()` and of `../../envelopes.csv`. `StateSpace.from_arrays` sorts stably, so
every reader keeps this order. The exact oracle (Eq. 4) then sends an image both tied states
get right to the first of them: R_oracle and A_oracle do not depend on the order of a tie,
P(e_i), alpha_i and the oracle's histogram do. `StateSpace.assumptions()` and `adaptlib oracle`
report the tie as a break of Eq. 2 and the less accurate tied state as a break of Eq. 3;
the Pareto filter drops it.

## Instances and files
The instance number `instance` is the position of the image's file name in sorted order
(Python string order), not the row of `{LABEL_FILE}` (sorted by class).{order_note}

| file | columns | content |
|---|---|---|
| `costs.csv` | `state,cost,accuracy,description,cost_unit,cost_source,predictions_source` | one row per state, in the order above; `accuracy` is the fraction correct, 6 decimals |
| `predictions.csv` | `instance,state,predicted,true_label,top_probability` | long form, instance-major, states in cost order; `top_probability` is the source's `predicted_probability` rounded to 6 decimals |
| `correct.csv` | one column per state | 0/1 per instance (Y_i(x) = Y_GT(x)), columns in cost order: the input of `adaptlib oracle` |
| `oracle_labels.csv` | `instance,true_label,oracle_state_index,oracle_state` | the exact oracle's adaptation label: index (0-based, cost order) and name of the cheapest correct state, `-1` and `none` when no state is right |

## Rebuilding
```
adaptlib predictions imagenet                  # from {DEFAULT_SOURCE.as_posix()} (run from the repository root)
adaptlib predictions imagenet --source DIR     # from another copy of the files
adaptlib predictions imagenet --check          # exit 1 and the files a fresh build would change
```
The build is deterministic: the same source files give the same bytes. SHA-256 of the source
files read:

| file | SHA-256 |
|---|---|
{digests}
"""
