"""Exercises that check themselves: ``check("ex-ch03-2", my_answer)`` says right, close or wrong.

Every exercise of the book is registered here with what it practises (the exercise index page,
``book/exercises.md``, is written from this registry). One whose answer is a number, a vector of
numbers or a set of states also has an ``answer`` function that *computes* the right answer
with adaptlib, as the chapter's solution does; ``check`` compares a student's answer with it
and never shows it:

- **right**: within ``rtol`` of the answer (default 1e-3: the answer to three or four digits);
- **close**: within the stated ``close`` tolerance (default 5 %), with a hint to look again;
- **wrong**: with the exercise's hint.

A set (of state names) is right when equal, close when one state is missing or extra. The
answers live in one module per chapter (``adaptlib/exercises/chNN.py``); the student edition
keeps the checks and drops the solutions. Used in every chapter's Exercises; chapter 01 is
the first.
"""
from __future__ import annotations

import html
import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from typing import Any

KINDS = ("number", "vector", "set")
CHAPTER_MODULES = tuple(f"ch{n:02d}" for n in range(1, 11))


@dataclass(frozen=True)
class Exercise:
    """One exercise: where it is, what it practises, and (if it checks itself) its answer."""

    label: str  # ex-chNN-k, the exercise's label in its chapter
    practises: str  # one line for the exercise index
    answer: Callable[[], Any] | None = None  # computes the right answer; None: no check
    kind: str = "number"
    hint: str = ""  # shown with "wrong" (and "close"); never the answer itself
    rtol: float = 1e-3
    close: float = 0.05
    atol: float = 1e-9

    @property
    def chapter(self) -> int:
        return int(self.label.split("-")[1].removeprefix("ch"))

    @property
    def checks_itself(self) -> bool:
        return self.answer is not None


REGISTRY: dict[str, Exercise] = {}


def exercise(label: str, practises: str, *, kind: str = "number", hint: str = "", rtol: float = 1e-3,
             close: float = 0.05, atol: float = 1e-9) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register the decorated function as the answer of exercise ``label`` (see the module)."""
    if kind not in KINDS:
        raise ValueError(f"exercise {label}: kind must be one of {KINDS}, not {kind!r}")

    def register(answer: Callable[[], Any]) -> Callable[[], Any]:
        _add(Exercise(label, practises, answer, kind, hint, rtol, close, atol))
        return answer

    return register


def unchecked(label: str, practises: str) -> None:
    """Register an exercise whose answer is an argument or a derivation, not a value."""
    _add(Exercise(label, practises))


def _add(item: Exercise) -> None:
    if item.label in REGISTRY:
        raise ValueError(f"exercise {item.label} is registered twice")
    REGISTRY[item.label] = item


def exercises() -> dict[str, Exercise]:
    """Every registered exercise, by label, in chapter order (imports the chapter modules)."""
    for name in CHAPTER_MODULES:  # a chapter without exercises has no module
        if find_spec(f"{__name__}.{name}") is not None:
            import_module(f"{__name__}.{name}")
    return dict(sorted(REGISTRY.items(), key=lambda kv: (kv[1].chapter, int(kv[0].rsplit("-", 1)[1]))))


def _registered(label: str) -> Exercise:
    """Exercise ``label``, importing only its chapter's answer module (a chapter's first check
    does not pay for the imports of the nine others)."""
    module = f"ch{label.split('-ch', 1)[-1].split('-')[0]}" if "-ch" in label else ""
    if module in CHAPTER_MODULES and find_spec(f"{__name__}.{module}") is not None:
        import_module(f"{__name__}.{module}")
    if label not in REGISTRY:
        known = exercises()
        raise ValueError(f"no exercise {label!r}; the exercises are {', '.join(known)}")
    return REGISTRY[label]


@dataclass(frozen=True)
class Verdict:
    """What ``check`` says: right, close, wrong, or no answer yet, with a hint; never the answer."""

    label: str
    outcome: str  # right, close, wrong, missing
    message: str

    def _repr_html_(self) -> str:
        mark = {"right": "✓", "close": "≈", "wrong": "✗", "missing": "…"}[self.outcome]
        return (f'<div class="book-verdict book-verdict-{self.outcome}"><span aria-hidden="true">{mark}</span> '
                f"<strong>{html.escape(self.label)}: {self.outcome}.</strong> {html.escape(self.message)}</div>")

    def __repr__(self) -> str:
        return f"{self.label}: {self.outcome}. {self.message}".rstrip()


def _numbers(value: Any) -> list[float] | None:
    if isinstance(value, (str, bytes)) or value is None:
        return None
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return [float(value)]
    try:
        items = list(value.tolist() if hasattr(value, "tolist") else value)
    except TypeError:
        return None
    if any(isinstance(v, bool) or not isinstance(v, numbers.Real) for v in items):
        return None
    return [float(v) for v in items]


def _states(value: Any) -> set[str] | None:
    if isinstance(value, str):
        return {value}
    if isinstance(value, Iterable):
        items = list(value)
        if all(isinstance(v, str) for v in items):
            return set(items)
    return None


def _grade_numbers(item: Exercise, given: list[float], right: list[float]) -> str:
    def within(tolerance: float) -> bool:
        return all(math.isclose(g, r, rel_tol=tolerance, abs_tol=item.atol) for g, r in zip(given, right))

    if within(item.rtol):
        return "right"
    return "close" if within(item.close) else "wrong"


def check(label: str, answer: Any) -> Verdict:
    """Grade a student's ``answer`` to exercise ``label`` (e.g. ``check("ex-ch03-2", 0.62)``)."""
    item = _registered(label)
    if not item.checks_itself:
        return Verdict(label, "missing", "this exercise asks for an argument: compare with the solution")
    if answer is None or answer is Ellipsis:
        return Verdict(label, "missing", "no answer yet: put yours in place of the None and run the cell again")
    right = item.answer()
    hint = f" Hint: {item.hint}" if item.hint else ""
    if item.kind == "set":
        given, expected = _states(answer), set(right)
        if given is None:
            return Verdict(label, "wrong", "give the states as a list or set of their names, e.g. [\"w1\", \"w4\"]")
        if given == expected:
            return Verdict(label, "right", "")
        near = len(given ^ expected) == 1
        return Verdict(label, "close" if near else "wrong",
                       ("one state too many or too few." if near else "not the states the exercise asks for.") + hint)
    given, expected = _numbers(answer), _numbers(right)
    if given is None:
        what = "a number" if item.kind == "number" else "a list of numbers"
        return Verdict(label, "wrong", f"give {what}, not {type(answer).__name__}")
    if len(given) != len(expected):
        return Verdict(label, "wrong", f"give {len(expected)} value(s), not {len(given)}")
    outcome = _grade_numbers(item, given, expected)
    if outcome == "right":
        return Verdict(label, "right", "")
    if outcome == "close":
        return Verdict(label, "close", f"within {100 * item.close:g} % but not within {100 * item.rtol:g} %: "
                       "check rounding, units and the last step." + hint)
    return Verdict(label, "wrong", f"more than {100 * item.close:g} % off." + hint)


def index_markdown() -> str:
    """The exercise index page (``book/exercises.md``): every exercise by chapter."""
    lines = [
        "# Exercises",
        "",
        "Every exercise of the book, by chapter: what it practises and whether it checks itself.",
        "An exercise that checks itself has a cell `check(\"ex-chNN-k\", my_answer)` below it: it says",
        "*right*, *close* (within the stated tolerance) or *wrong* with a hint, and never shows the",
        "answer. The student edition (`make student`) keeps the checks and drops the solutions.",
        "",
    ]
    chapter = None
    for label, item in exercises().items():
        if item.chapter != chapter:
            chapter = item.chapter
            lines += ["", f"## Chapter {chapter}", "", "| exercise | practises | checks itself |", "|:---|:---|:---|"]
        if not item.checks_itself:
            checks = "no (an argument)"
        elif item.kind == "set":
            checks = "yes: a set of states (close: one state off)"
        else:
            what = "a number" if item.kind == "number" else "numbers"
            checks = f"yes: {what}, right within {100 * item.rtol:g} %, close within {100 * item.close:g} %"
        number = f"{item.chapter}.{label.rsplit('-', 1)[1]}"  # as the site and the PDF number it
        lines.append(f"| {{ref}}`Exercise {number} <{label}>` | {item.practises} | {checks} |")
    return "\n".join(lines) + "\n"
