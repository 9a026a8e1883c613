"""Checks for a chapter's parameters, called in the cell right after the ``parameters`` cell.

Each check returns the value (normalised: a ``Path`` for files, a ``list`` for lists) or
raises ``ValueError`` with a message that names the parameter, the value given and what is
accepted, so that ``adaptlib run`` can print it as the reason the chapter stopped::

    alpha = require_number("alpha", alpha, low=0, high=1)
    family = require_choice("family", family, ["width", "resolution", "mixed"])
"""
from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from os import PathLike
from pathlib import Path
from typing import Any


def _show(value: Any) -> str:
    """The value as the reader typed it, with its type when that is the problem."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def require_choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """``value`` must be one of ``choices`` (compared with ``==``, types included)."""
    options = list(choices)
    if any(type(value) is type(c) and value == c for c in options):
        return value
    listed = ", ".join(_show(c) for c in options)
    hint = ""
    if isinstance(value, str):
        close = difflib.get_close_matches(value, [c for c in options if isinstance(c, str)], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(f"parameter {name!r} = {_show(value)} is not accepted{hint}; choose one of: {listed}")


def require_number(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    integer: bool = False,
    low_open: bool = False,
    high_open: bool = False,
) -> int | float:
    """``value`` must be a finite real number (a whole number if ``integer``) in the range given.

    The range is closed unless ``low_open`` / ``high_open``; ``None`` leaves a side unbounded.
    Booleans and numeric strings are refused: ``True`` is not a number of instances.
    """
    left = "(" if low_open else "["
    right = ")" if high_open else "]"
    span = f"{left}{'-inf' if low is None else low}, {'inf' if high is None else high}{right}"
    wanted = f"{'a whole number' if integer else 'a number'} in {span}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"parameter {name!r} = {_show(value)} is {_kind(value)}; it must be {wanted}")
    if integer and not isinstance(value, numbers.Integral):
        raise ValueError(f"parameter {name!r} = {_show(value)} is not a whole number; it must be {wanted}")
    if not math.isfinite(float(value)):
        raise ValueError(f"parameter {name!r} = {_show(value)} is not finite; it must be {wanted}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise ValueError(f"parameter {name!r} = {_show(value)} is out of range; it must be {wanted}")
    return int(value) if integer else value


def require_bool(name: str, value: Any) -> bool:
    """``value`` must be ``True`` or ``False`` (not 0/1, not the string ``"yes"``)."""
    if isinstance(value, bool):
        return value
    raise ValueError(f"parameter {name!r} = {_show(value)} is {_kind(value)}; it must be True or False")


def require_text(name: str, value: Any, *, allow_empty: bool = False) -> str:
    """``value`` must be a string (non-empty unless ``allow_empty``)."""
    if not isinstance(value, str):
        raise ValueError(f"parameter {name!r} = {_show(value)} is {_kind(value)}; it must be a string")
    if not allow_empty and not value.strip():
        raise ValueError(f"parameter {name!r} is empty; give a non-empty string")
    return value


# A chapter's relative input paths are read from the checkout it runs in (its templates live in
# notebooks/ there); adaptlib.book.paths, the book machinery's copy, is not imported by chapters.
REPO_ROOT = Path(__file__).resolve().parents[2]


def resolve_path(value: str | PathLike) -> Path:
    """A parameter path: absolute as given, or relative to the repository root."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def require_file(
    name: str,
    value: Any,
    suffixes: Sequence[str],
    *,
    optional: bool = False,
) -> Path | None:
    """``value`` must name an existing file whose suffix is one of ``suffixes`` (``".csv"``...).

    Relative paths are read from the repository root, whatever the working directory of the
    kernel, so ``data/predictions/x.csv`` works from papermill, nbval and JupyterLab alike.
    With ``optional=True``, ``None`` is accepted and returned (the chapter then uses its own data).
    This checks the file is there; its contents are checked by ``adaptlib.datasets.user`` when read.
    """
    accepted = ", ".join(suffixes)
    if value is None and optional:
        return None
    if not isinstance(value, (str, PathLike)) or (isinstance(value, str) and not value.strip()):
        none_ok = " or None" if optional else ""
        raise ValueError(f"parameter {name!r} = {_show(value)} is not a file path; give a path to a {accepted} file{none_ok}")
    path = resolve_path(value)
    if path.suffix.lower() not in {s.lower() for s in suffixes}:
        raise ValueError(f"parameter {name!r} = {_show(str(value))} has suffix {path.suffix or '(none)'!r}; accepted: {accepted}")
    if not path.is_file():
        where = "" if Path(value).is_absolute() else " (relative paths are read from the repository root)"
        raise ValueError(f"parameter {name!r} = {_show(str(value))}: no such file{where}")
    return path


def output_path(value: str | PathLike) -> Path:
    """Where a chapter writes: absolute as given, or relative to the folder of its executed notebook.

    That folder is the kernel's working directory: ``book/`` for the book's own run (``adaptlib
    run --to-book``, nbval), ``runs/`` or ``--output-dir`` for a reader's run. So a run with other
    parameters never writes into ``book/`` unless its path says so.
    """
    path = Path(value).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


def shown_output(path: Path) -> str:
    """An output path as the chapter prints it: relative to the executed notebook's folder."""
    return path.relative_to(Path.cwd()).as_posix() if path.is_relative_to(Path.cwd()) else str(path)


def require_output_dir(name: str, value: Any) -> Path:
    """A folder the chapter writes into (``output_path``), created if missing."""
    if not isinstance(value, (str, PathLike)) or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"parameter {name!r} = {_show(value)} is not a folder path; give a path such as 'data'")
    path = output_path(value)
    if path.exists() and not path.is_dir():
        raise ValueError(f"parameter {name!r} = {_show(str(value))} is a file, not a folder")
    path.mkdir(parents=True, exist_ok=True)
    return path


def require_output_file(name: str, value: Any, suffix: str) -> Path | None:
    """A file the chapter writes (``output_path``), its folder created; ``""`` means: write nothing."""
    text = require_text(name, value, allow_empty=True)
    if not text.strip():
        return None
    path = output_path(text)
    if path.suffix.lower() != suffix:
        raise ValueError(f"parameter {name!r} = {_show(text)} must name a {suffix} file (or be empty)")
    if path.is_dir():
        raise ValueError(f"parameter {name!r} = {_show(text)} is a folder; name a {suffix} file")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def require_list_of(
    name: str,
    value: Any,
    check: Callable[[str, Any], Any],
    *,
    min_length: int = 1,
    unique: bool = True,
) -> list:
    """``value`` must be a list (or tuple) whose items each pass ``check(item_name, item)``.

    ``check`` is one of the functions above with its options bound, e.g.
    ``require_list_of("families", families, lambda n, v: require_choice(n, v, FAMILIES))``;
    an item's error names it as ``families[2]``.
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValueError(f"parameter {name!r} = {_show(value)} is {_kind(value)}; it must be a list, e.g. [a, b]")
    if len(value) < min_length:
        raise ValueError(f"parameter {name!r} = {_show(value)} has {len(value)} item(s); it needs at least {min_length}")
    items = [check(f"{name}[{index}]", item) for index, item in enumerate(value)]
    if unique:
        repeated = sorted({repr(v) for i, v in enumerate(items) if v in items[:i]})
        if repeated:
            raise ValueError(f"parameter {name!r} lists {', '.join(repeated)} more than once; give each item once")
    return items
