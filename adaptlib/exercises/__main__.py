"""``python -m adaptlib.exercises > book/exercises.md``: the exercise index page."""
from adaptlib.exercises import index_markdown

print(index_markdown(), end="")
