"""``adaptlib oracle`` called in process, for the tests of its inputs and outputs."""
from __future__ import annotations

import json
from pathlib import Path

from adaptlib.cli import main


def oracle(capsys, *args: str | Path) -> tuple[int, str, str]:
    """``adaptlib oracle ARGS`` in process: (exit status, stdout, stderr)."""
    code = main(["oracle", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def oracle_json(capsys, *args: str | Path) -> dict:
    """The JSON summary of ``adaptlib oracle ARGS --format json``; the command must succeed."""
    code, out, err = oracle(capsys, *args, "--format", "json")
    assert code == 0 and err == "", err
    return json.loads(out)
