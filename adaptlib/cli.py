"""The ``adaptlib`` command: one subcommand per module that registers itself."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

# Subcommand -> the module that adds it through ``register(subparsers)``. Only the module of
# the subcommand asked for is imported, so `adaptlib oracle` does not pay for papermill or
# scikit-learn; `adaptlib --help` imports them all to list them.
SUBCOMMANDS = {
    "oracle": "adaptlib.report",
    "run": "adaptlib.book.runner",
    "predictions": "adaptlib.datasets.regeneration",
    "student": "adaptlib.book.student",
    "check-links": "adaptlib.book.linkcheck",
    "check-site": "adaptlib.book.browsercheck",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adaptlib",
        description="Bounds and exact oracles for adaptive inference; runs the book's chapters.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    modules = [SUBCOMMANDS[only]] if only in SUBCOMMANDS else list(dict.fromkeys(SUBCOMMANDS.values()))
    for name in modules:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv[0] if argv else None)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ValueError as err:
        print(f"adaptlib: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("adaptlib: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
