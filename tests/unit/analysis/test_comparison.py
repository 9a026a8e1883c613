"""adaptlib.analysis.comparison: the book's values beside the paper's, with their difference."""
from __future__ import annotations

from adaptlib.analysis.comparison import book_beside_paper


def test_three_rows_per_item_and_the_difference_is_book_minus_paper():
    frame = book_beside_paper({"ViT": ({"R": 10.0, "A": 0.9}, {"R": 12.5, "A": 0.85})}, ("family", "source"))
    assert list(frame.index) == [("ViT", "book"), ("ViT", "paper"), ("ViT", "difference")]
    assert list(frame.index.names) == ["family", "source"]
    assert frame.loc[("ViT", "difference"), "R"] == -2.5
    assert round(frame.loc[("ViT", "difference"), "A"], 12) == 0.05
