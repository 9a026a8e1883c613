"""The one place that finds the data: ``$ADAPTLIB_DATA`` if set, else the package data that is
installed with adaptlib (the repository's ``data/`` folder, mapped to ``adaptlib.datasets.data``
by pyproject.toml, so a clone and a wheel read the same files).

Taught in chapter 01.
"""
from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

ENVIRONMENT_VARIABLE = "ADAPTLIB_DATA"


def data_dir() -> Path:
    """The folder of the public tables (``families.csv``...) and of ``predictions/``."""
    given = os.environ.get(ENVIRONMENT_VARIABLE)
    if given:
        folder = Path(given).expanduser()
        if not folder.is_dir():
            raise ValueError(f"${ENVIRONMENT_VARIABLE} = {given!r} is not a folder; unset it or point it at a data folder")
        return folder
    return Path(str(files("adaptlib.datasets.data")))


DATA_DIR = data_dir()
PREDICTIONS_DIR = DATA_DIR / "predictions"
