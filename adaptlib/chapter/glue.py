"""``glue``: a chapter's numbers for its prose, as myst-nb reads them, rounded so no CPU shows.

myst-nb's own ``glue`` imports Sphinx and docutils into the kernel (2-3 s) only to write a
display bundle; this writes the same bundle (the ``application/papermill.record/`` MIME prefix
and the ``scrapbook`` metadata that the site's ``{glue}`` roles look up). Floats are rounded
first, to ``SIGNIFICANT`` significant digits but never to fewer than ``DECIMALS`` decimals
(1,335,946.1234 keeps its decimals, 0.000123456 its six digits): more than any format the prose
uses, fewer than the last digits that change with the CPU's BLAS kernel, which nbval would see
in the stored bundle.
"""
from __future__ import annotations

import math
import numbers
from typing import Any

GLUE_PREFIX = "application/papermill.record/"
SIGNIFICANT = 6
DECIMALS = 4


def rounded(value: Any) -> Any:
    """A real number (Python or numpy, not int or bool) rounded as the module docstring says."""
    if not isinstance(value, numbers.Real) or isinstance(value, numbers.Integral):
        return value
    number = float(value)
    if not math.isfinite(number) or number == 0:
        return number
    magnitude = math.floor(math.log10(abs(number))) + 1
    return round(number, max(SIGNIFICANT - magnitude, DECIMALS))


def glue(name: str, value: Any, display: bool = True) -> None:
    """Store ``value`` under ``name`` for ``{glue}`` in the chapter's Markdown (myst-nb's format)."""
    from IPython.core.formatters import format_display_data
    from IPython.display import display as show

    bundle, metadata = format_display_data(rounded(value))
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    show({prefix + key: data for key, data in bundle.items()}, raw=True, metadata=metadata)
