"""The book's values beside the paper's printed ones: three rows per item, as the chapters show
them (``book``, ``paper``, ``difference`` = book - paper; chapter 04 explains the layout, and
:func:`adaptlib.chapter.show.paper_rows` styles it)."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def book_beside_paper(pairs: Mapping[str, tuple[Mapping[str, float], Mapping[str, float]]],
                      names: tuple[str, str]) -> pd.DataFrame:
    """``{label: (book values, paper values)}`` as a frame indexed by (label, source), with
    ``names`` for the two index levels; the columns are the book's keys."""
    rows = {}
    for label, (book, paper) in pairs.items():
        rows[(label, "book")] = dict(book)
        rows[(label, "paper")] = dict(paper)
        rows[(label, "difference")] = {key: book[key] - paper[key] for key in book}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index = pd.MultiIndex.from_tuples(list(rows), names=list(names))
    return frame
