"""Is a regeneration of the digits families the committed data? (``adaptlib predictions --check``)

Two answers. ``compare_exact`` asks for the same bytes, which holds on the machine that wrote
the files. ``compare_within_tolerance`` is the check for any other machine: the small tanh
nets of the width family (h1-h8, L-BFGS) turn last-bit differences of the BLAS kernel and of
numpy's SIMD ``tanh`` into other local minima, so a few dozen of their 14,376 predictions
change from one CPU to the next (``tests/fixtures/kernel_drift/`` records three kernels).
Everything else must be identical: the files, their columns, the instance order, the true
labels, the states and their costs. What the book computes from the predictions must stay
within ``TOLERANCES``: several times the largest drift seen on any kernel, and far below what a
real change (another model, seed, split or formula) moves.

The ``imagenet`` family is not refitted: ``adaptlib predictions imagenet`` builds it from the
ImageNet-X files (:mod:`adaptlib.datasets.imagenet`) and ``adaptlib predictions imagenet --check``
rebuilds it and demands the same bytes. The check of the digits families reads only their own
folders (``FAMILIES``), so the imagenet folder beside them never makes it fail.

Taught in chapter 01.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from adaptlib.core.oracle import exact_oracle
from adaptlib.datasets import imagenet
from adaptlib.datasets.digits import FAMILIES, FILES, DigitsFamily, load_family
from adaptlib.datasets.locate import PREDICTIONS_DIR
from adaptlib.datasets.zoo import generate


@dataclass(frozen=True)
class Tolerances:
    """Largest movement a regeneration may show, per family and state (drift seen: in brackets)."""

    accuracy: float = 0.005  # |A_i| moved, as a share of instances [0.0017]
    changed_predictions: float = 0.03  # share of one state's predicted labels changed [0.0156]
    oracle_cost: float = 0.02  # relative change of R_oracle (Eq. 5) [0.0045]
    oracle_accuracy: float = 0.002  # |A_oracle| moved (Eq. 6) [0]
    alpha: float = 0.05  # |alpha_i| moved (Sec. 2.2.2) [0.0213]


TOLERANCES = Tolerances()


def compare_exact(expected_dir: str | Path, actual_dir: str | Path) -> list[str]:
    """Relative paths of the files that differ in bytes, are missing, or are not expected."""
    expected_dir, actual_dir = Path(expected_dir), Path(actual_dir)
    different = []
    for family in FAMILIES:
        for file in sorted(_file_names(expected_dir / family) | _file_names(actual_dir / family) | set(FILES)):
            a, b = expected_dir / family / file, actual_dir / family / file
            if not (a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes()):
                different.append(f"{family}/{file}")
    return different


def compare_within_tolerance(
    expected_dir: str | Path, actual_dir: str | Path, tolerances: Tolerances = TOLERANCES
) -> list[str]:
    """One line per difference that matters, naming the family, the state and how far it moved.

    Exact: the file set, each file's columns, the instance order, the true labels, the states,
    their costs and descriptions. Within ``tolerances``: per-state accuracy, the share of
    changed predictions per state, the exact oracle's cost and accuracy, and alpha_i.
    """
    expected_dir, actual_dir = Path(expected_dir), Path(actual_dir)
    problems: list[str] = []
    for family in FAMILIES:
        structural = _structure(family, expected_dir / family, actual_dir / family)
        if structural:
            problems += structural
            continue
        try:
            old, new = load_family(family, expected_dir), load_family(family, actual_dir)
        except ValueError as err:
            problems.append(f"{family}: {err}")
            continue
        problems += _same_states_and_instances(old, new) or _within(old, new, tolerances)
    return problems


def check(out_dir: str | Path, *, exact: bool = False) -> list[str]:
    """Regenerate into a temporary folder and compare it with ``out_dir``."""
    with tempfile.TemporaryDirectory() as scratch:
        generate(scratch)
        return compare_exact(out_dir, scratch) if exact else compare_within_tolerance(out_dir, scratch)


def _file_names(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("*") if p.is_file()}


def _structure(family: str, old: Path, new: Path) -> list[str]:
    """Missing or extra files, and files whose header or number of rows differ."""
    names_old, names_new = _file_names(old), _file_names(new)
    problems = [f"{family}/{name}: missing from the committed files" for name in FILES if name not in names_old]
    problems += [f"{family}/{name}: missing from the regeneration" for name in FILES if name not in names_new]
    extra = (names_old | names_new) - set(FILES)
    problems += [f"{family}/{name}: not a file the regeneration writes" for name in sorted(extra)]
    for name in FILES:
        if name in names_old and name in names_new:
            a, b = ((folder / name).read_text().splitlines() for folder in (old, new))
            if a[:1] != b[:1]:
                problems.append(f"{family}/{name}: columns {a[0] if a else '(none)'} became {b[0] if b else '(none)'}")
            elif len(a) != len(b):
                problems.append(f"{family}/{name}: {len(a) - 1:,} rows became {len(b) - 1:,}")
    return problems


def _same_states_and_instances(old: DigitsFamily, new: DigitsFamily) -> list[str]:
    family = old.name
    if old.names != new.names:
        return [f"{family}: states {', '.join(old.names)} became {', '.join(new.names)}"]
    problems = [
        f"{family}/{state}: cost {a:g} became {b:g} (costs must be identical)"
        for state, a, b in zip(old.names, old.costs, new.costs) if a != b
    ]
    problems += [
        f"{family}/{state}: description changed ({a!r} became {b!r})"
        for state, a, b in zip(old.names, old.state_descriptions, new.state_descriptions) if a != b
    ]
    moved = np.flatnonzero(old.truth != new.truth)
    if old.truth.shape != new.truth.shape or moved.size:
        problems.append(f"{family}: true labels or instance order changed ({moved.size:,} instances differ)")
    return problems


def _within(old: DigitsFamily, new: DigitsFamily, tol: Tolerances) -> list[str]:
    family, problems = old.name, []
    changed = (old.predicted != new.predicted).mean(axis=0)
    for state, a, b, share in zip(old.names, old.accuracies, new.accuracies, changed):
        if abs(b - a) > tol.accuracy:
            problems.append(f"{family}/{state}: accuracy {100 * a:.2f}% became {100 * b:.2f}% "
                            f"(moved {100 * abs(b - a):.2f} points; tolerance {100 * tol.accuracy:.2f})")
        if share > tol.changed_predictions:
            problems.append(f"{family}/{state}: {100 * share:.2f}% of its predictions changed "
                            f"(tolerance {100 * tol.changed_predictions:.2f}%)")
    a, b = exact_oracle(old.correct, old.costs), exact_oracle(new.correct, new.costs)
    if abs(b.cost / a.cost - 1) > tol.oracle_cost:
        problems.append(f"{family}: R_oracle {a.cost:.1f} became {b.cost:.1f} "
                        f"(moved {100 * abs(b.cost / a.cost - 1):.2f}%; tolerance {100 * tol.oracle_cost:.2f}%)")
    if abs(b.accuracy - a.accuracy) > tol.oracle_accuracy:
        problems.append(f"{family}: A_oracle {100 * a.accuracy:.2f}% became {100 * b.accuracy:.2f}% "
                        f"(tolerance {100 * tol.oracle_accuracy:.2f} points)")
    for state, x, y in zip(old.names, a.alpha, b.alpha):
        if np.isnan(x) != np.isnan(y) or abs(y - x) > tol.alpha:
            problems.append(f"{family}/{state}: alpha_i {x:.3f} became {y:.3f} (tolerance {tol.alpha:.3f})")
    return problems


HELP = "regenerate the per-instance predictions of data/predictions (digits families, imagenet)"


def register(subparsers) -> None:
    """Add ``adaptlib predictions [digits|imagenet] [--out DIR] [--source DIR] [--check [--exact]]``."""
    parser = subparsers.add_parser(
        "predictions",
        help=HELP,
        description="digits (default): fit every state of the width, resolution and mixed families out "
        "of fold on scikit-learn's digits and write costs, predictions, correctness and oracle labels. "
        "imagenet: build the imagenet family, in the same formats, from the ImageNet-X prediction files "
        "of four real models (CC BY-NC 4.0; the licence is copied beside the data).",
    )
    parser.add_argument("family", nargs="?", choices=("digits", "imagenet"), default="digits",
                        help="which families: the three digits families (default) or imagenet")
    parser.add_argument("--out", "--output-dir", dest="out", metavar="DIR", type=Path, default=None,
                        help="folder of the families to write or check, each in DIR/<family>/ "
                        "(default: data/predictions of the package)")
    parser.add_argument("--source", metavar="DIR", type=Path, default=None,
                        help="imagenet only: the folder of the ImageNet-X files "
                        f"(default: {imagenet.DEFAULT_SOURCE.as_posix()}, from the repository root)")
    parser.add_argument("--check", action="store_true",
                        help="regenerate into a temporary folder and compare: exit 1 and list what moved "
                        "beyond the stated tolerances (any CPU); imagenet: rebuild and demand the same bytes "
                        "(the digits check does not read the imagenet folder)")
    parser.add_argument("--exact", action="store_true",
                        help="with --check: demand the same bytes (holds on the machine that wrote the files)")
    parser.set_defaults(func=_command)


def _command(args: argparse.Namespace) -> int:
    if args.exact and not args.check:
        raise ValueError("--exact only applies with --check")
    target = args.out if args.out is not None else PREDICTIONS_DIR
    if target.exists() and not target.is_dir():
        raise ValueError(f"--out {target}: is a file; give a folder")
    if args.family == "imagenet":
        return _imagenet(args, target)
    if args.source is not None:
        raise ValueError("--source only applies to the imagenet family: adaptlib predictions imagenet --source DIR")
    start = time.perf_counter()
    if not args.check:
        generate(target)
        print(f"wrote {len(FAMILIES) * len(FILES)} files to {target} in {time.perf_counter() - start:.1f} s")
        return 0
    problems = check(target, exact=args.exact)
    seconds = time.perf_counter() - start
    kind = "bit-identical to" if args.exact else "within tolerance of"
    if problems:
        what = "file(s) differ from" if args.exact else "difference(s) beyond tolerance in"
        print(f"{len(problems)} {what} a fresh regeneration ({seconds:.1f} s):")
        print("\n".join(f"  {line}" for line in problems))
        return 1
    print(f"{target}: {kind} a fresh regeneration ({seconds:.1f} s)")
    return 0


def _imagenet(args: argparse.Namespace, target: Path) -> int:
    """``adaptlib predictions imagenet``: build from the ImageNet-X files, or check a build (bytes)."""
    source = args.source if args.source is not None else imagenet.DEFAULT_SOURCE
    start = time.perf_counter()
    if not args.check:
        folder = imagenet.build(source, target)
        print(f"wrote {len(imagenet.FILES)} files to {folder} in {time.perf_counter() - start:.1f} s")
        return 0
    different = imagenet.check(source, target)
    seconds = time.perf_counter() - start
    folder = target / imagenet.FAMILY
    if different:
        print(f"{len(different)} file(s) differ from a fresh build from {source} ({seconds:.1f} s):")
        print("\n".join(f"  {name}" for name in different))
        return 1
    print(f"{folder}: bit-identical to a fresh build from {source} ({seconds:.1f} s)")
    return 0
