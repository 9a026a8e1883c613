"""The ``adaptlib`` command: one subcommand per module that registers itself.

Only the module of the subcommand asked for is imported: `adaptlib oracle` does not pay for
papermill or scikit-learn, and `adaptlib --help` lists the subcommands from the one-line helps
below without importing any of them, so it works with adaptlib's core dependencies alone. A
subcommand whose optional dependencies are missing says which extra to install, in one line,
and exits with status 2.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

# Subcommand -> the module that adds it through ``register(subparsers)``.
SUBCOMMANDS = {
    "oracle": "adaptlib.report",
    "report": "adaptlib.book.user_report",
    "run": "adaptlib.book.runner",
    "predictions": "adaptlib.datasets.regeneration",
    "student": "adaptlib.book.student",
    "check-links": "adaptlib.book.linkcheck",
    "check-site": "adaptlib.book.browsercheck",
}

# The one-line help of each subcommand in `adaptlib --help` (the same words as its module's
# ``register``: tests/integration/test_installed.py checks that they agree).
HELP = {
    "oracle": "exact oracle and bounds from your own correctness matrix",
    "report": "a report on your own correctness matrix: executed notebook and HTML page",
    "run": "execute the book's chapters (papermill), with parameters",
    "predictions": "regenerate the per-instance predictions of data/predictions (digits families, imagenet)",
    "student": "write the student edition: templates and site without solutions",
    "check-links": "check that every internal link and anchor of the built site resolves",
    "check-site": "open every page of the built site in headless Chromium and check it",
}

# The extra of pyproject.toml that a subcommand needs beyond the core dependencies.
EXTRAS = {"report": "book", "run": "book", "student": "book", "check-links": "book", "check-site": "book"}
# Modules that come with another extra than their subcommand's.
MODULE_EXTRAS = {"playwright": "test", "pyarrow": "parquet", "dask": "dask", "distributed": "dask"}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``adaptlib``; with ``only`` a subcommand, that subcommand's full parser.

    Without it (``adaptlib --help``, or a command that does not exist), every subcommand is
    listed with its one-line help and no module is imported. Raises ``ImportError`` when the
    module of ``only`` cannot be imported.
    """
    parser = argparse.ArgumentParser(
        prog="adaptlib",
        description="Bounds and exact oracles for adaptive inference; runs the book's chapters.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    if only in SUBCOMMANDS:
        importlib.import_module(SUBCOMMANDS[only]).register(subparsers)
    else:
        for name, text in HELP.items():
            subparsers.add_parser(name, help=text, add_help=False)
    return parser


def missing_dependency(command: str, err: ImportError) -> str | None:
    """The one line to print when ``command`` failed on a missing third-party module, else None."""
    name = err.name or ""
    top = name.split(".")[0]
    if not top or top == "adaptlib":
        return None  # a bug of adaptlib itself, not a missing dependency: keep the traceback
    extra = MODULE_EXTRAS.get(top) or EXTRAS.get(command)
    if isinstance(err, ModuleNotFoundError):
        what = "is not installed"
    else:  # installed, but too old or broken: say why, on one line
        what = f"cannot be imported ({' '.join(str(err).split())})"
    if extra:
        fix = f"install the {extra} extra: pip install 'adaptlib[{extra}]'"
    else:
        fix = "it is a dependency of adaptlib: reinstall it with pip install adaptlib"
    return f"adaptlib {command}: needs the Python module {top!r}, which {what}; {fix}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = argv[0] if argv else None
    try:
        parser = build_parser(command)
    except ImportError as err:
        message = missing_dependency(command, err)
        if message is None:
            raise
        print(message, file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ValueError as err:
        print(f"adaptlib: error: {err}", file=sys.stderr)
        return 2
    except ImportError as err:  # an optional dependency imported where it is used (papermill, playwright)
        message = missing_dependency(args.command, err)
        if message is None:
            raise
        print(message, file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("adaptlib: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
