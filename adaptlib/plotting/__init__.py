"""Figures of the book. ``style`` holds the shared look; other modules hold one chapter's plots each
(import them from their module, e.g. ``from adaptlib.plotting.alpha import ...``)."""
from adaptlib.plotting.style import PALETTE, colors, finish, log_cost_axis, new_figure, use_book_style

__all__ = ["PALETTE", "colors", "finish", "log_cost_axis", "new_figure", "use_book_style"]
