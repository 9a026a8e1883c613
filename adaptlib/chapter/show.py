"""What a chapter shows the reader: tables as HTML tables, self-checks as one line per step.

Both objects render twice, deterministically: as HTML for the site (``_repr_html_``) and as the
same content in plain text (``__repr__``), so nbval compares the table the reader sees and its
text form alike. The site's stylesheet (``adaptlib/book/static/book.css``) right-aligns the
numbers, keeps the first column in view when a wide table scrolls, and tells the paper's rows
from the book's. Taught where they first appear: both in chapter 01; chapter 02 explains how to read a check.
"""
from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adaptlib.chapter.glue import rounded

MISSING = "–"  # an en dash for a missing cell (NaN, None)


def significant_text(value: Any, digits: int) -> str:
    """``value`` with ``digits`` significant digits, as "1.17 × 10⁻⁸" when small or large."""
    if not _is_number(value) or not math.isfinite(float(value)):
        return number_text(value, 0)
    number = float(value)
    if number == 0:
        return "0"
    exponent = math.floor(math.log10(abs(number)))
    if -3 <= exponent < 6:
        return number_text(number, max(digits - 1 - exponent, 0))
    mantissa = f"{number / 10 ** exponent:.{digits - 1}f}"
    if mantissa.lstrip("-").startswith("10"):  # 9.995 rounds up to 10.0
        exponent += 1
        mantissa = f"{number / 10 ** exponent:.{digits - 1}f}"
    superscript = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{mantissa} × 10{superscript}"


def number_text(value: Any, decimals: int, *, signed: bool = False, thousands: bool = True) -> str:
    """``value`` with ``decimals`` fixed decimals; never "-0.00"; NaN as an en dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    number = float(value)
    if math.isnan(number):
        return MISSING
    if math.isinf(number):
        return "∞" if number > 0 else "−∞"
    number = round(number, decimals)
    if number == 0:
        number = 0.0  # drops the sign of -0.0
    spec = f"{'+' if signed else ''}{',' if thousands else ''}.{decimals}f"
    return format(number, spec)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


@dataclass(frozen=True)
class Table:
    """A table as the reader sees it (build it with :func:`table`)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # per column: right-aligned
    row_classes: tuple[str, ...]
    caption: str
    index_columns: int

    def _repr_html_(self) -> str:
        def cell(tag: str, text: str, column: int) -> str:
            classes = []
            if column < self.index_columns:
                classes.append("book-table-label")
            if self.numeric[column]:
                classes.append("book-table-num")
            attr = f' class="{" ".join(classes)}"' if classes else ""
            scope = ' scope="col"' if tag == "th" and column >= 0 else ""
            return f"<{tag}{attr}{scope}>{html.escape(text)}</{tag}>"

        head = "".join(cell("th", text, i) for i, text in enumerate(self.header))
        body = []
        for row, css in zip(self.rows, self.row_classes):
            attr = f' class="{css}"' if css else ""
            cells = "".join(cell("td", text, i) for i, text in enumerate(row))
            body.append(f"<tr{attr}>{cells}</tr>")
        # The caption stands above the scroll box, so a table that scrolls never hides it.
        caption = f'<p class="book-table-caption">{html.escape(self.caption)}</p>' if self.caption else ""
        return (
            f'<div class="book-table-block">{caption}<div class="book-table-wrap" tabindex="0" role="region" '
            f'aria-label="{html.escape(self.caption or "table")}">'
            f'<table class="book-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div></div>"
        )

    def _repr_markdown_(self) -> str:
        """The table as a Markdown pipe table: what the PDF shows (Sphinx's LaTeX builder takes
        Markdown before plain text; the site and JupyterLab take the HTML)."""
        def row(cells: Sequence[str]) -> str:
            return "| " + " | ".join(_markdown_escape(cell) or " " for cell in cells) + " |"

        align = "|" + "|".join("---:" if numeric else ":---" for numeric in self.numeric) + "|"
        caption = [f"**{_markdown_escape(self.caption)}**", ""] if self.caption else []
        return "\n".join([*caption, row(self.header), align, *(row(cells) for cells in self.rows)])

    def __repr__(self) -> str:
        table = [self.header, *self.rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(self.header))]

        def line(row: Sequence[str]) -> str:
            return "  ".join(
                text.rjust(w) if self.numeric[i] else text.ljust(w)
                for i, (text, w) in enumerate(zip(row, widths))
            ).rstrip()

        lines = [self.caption] if self.caption else []
        return "\n".join([*lines, line(self.header), *(line(row) for row in self.rows)])


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_|$<\[\]#])")


def _markdown_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def table(
    frame,
    *,
    decimals: int | Mapping[str, int] = 2,
    units: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    caption: str = "",
    index: bool = True,
    signed: Iterable[str] = (),
    significant: Mapping[str, int] | None = None,
    row_class: Callable[[Any], str] | None = None,
) -> Table:
    """A pandas DataFrame as an HTML table with fixed decimals per column (chapter 04).

    ``decimals`` is one count for every numeric column or a count per column (others: 2);
    ``units`` adds a unit to a column's header ("cost (GFLOPs)"); ``labels`` renames headers;
    ``signed`` columns show a plus sign (differences; rows of class ``book-row-difference``
    are signed throughout); ``significant`` gives columns whose values
    span many magnitudes a count of significant digits instead ("5.60 × 10⁻¹⁰"); ``row_class(index_value)`` gives a row
    a CSS class: ``"book-row-paper"`` and ``"book-row-difference"`` set the paper's printed
    values and the differences apart from the book's.
    """
    units, labels, signed = dict(units or {}), dict(labels or {}), set(signed)
    significant = dict(significant or {})
    unknown = (set(units) | set(labels) | signed | set(significant)) - set(frame.columns)
    if isinstance(decimals, Mapping):
        unknown |= set(decimals) - set(frame.columns)
    if unknown:
        raise ValueError(f"table: no column named {sorted(unknown)}; columns: {list(frame.columns)}")

    def header_of(name: Any) -> str:
        text = labels.get(name, str(name))
        return f"{text} ({units[name]})" if name in units else text

    index_names = [n if n is not None else "" for n in frame.index.names] if index else []
    header = tuple([*map(str, index_names), *(header_of(c) for c in frame.columns)])
    numeric = [False] * len(index_names)
    for column in frame.columns:
        values = frame[column].tolist()
        numeric.append(any(_is_number(v) for v in values) and all(
            _is_number(v) or v is None for v in values))
    rows, classes = [], []
    for key, values in zip(frame.index, frame.itertuples(index=False)):
        keys = key if isinstance(key, tuple) else (key,)
        cells = [str(k) for k in keys] if index else []
        css = row_class(key) if row_class else ""
        difference = css == "book-row-difference"  # a difference row is signed throughout
        for column, value in zip(frame.columns, values):
            places = decimals.get(column, 2) if isinstance(decimals, Mapping) else decimals
            if column in significant:
                cells.append(significant_text(value, significant[column]))
            elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
                cells.append(f"{int(value):,}")
            else:
                cells.append(number_text(value, places, signed=difference or column in signed))
        rows.append(tuple(cells))
        classes.append(css)
    return Table(header, tuple(rows), tuple(numeric), tuple(classes), caption, len(index_names))


def paper_rows(key: Any) -> str:
    """``row_class`` for a table whose last index level says book, paper or difference."""
    last = key[-1] if isinstance(key, tuple) else key
    return {"paper": "book-row-paper", "difference": "book-row-difference"}.get(str(last), "")


@dataclass(frozen=True)
class Check:
    """One derivation step checked numerically: ``label`` holds or fails; ``detail`` on demand."""

    label: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Checks:
    """Self-checks shown as one line each (build them with :func:`checks`)."""

    items: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(item.ok for item in self.items)

    def _repr_html_(self) -> str:
        lines = []
        for item in self.items:
            state = "holds" if item.ok else "FAILS"
            mark = "✓" if item.ok else "✗"
            css = "book-check-ok" if item.ok else "book-check-fail"
            summary = (f'<span class="book-check-mark" aria-hidden="true">{mark}</span> '
                       f"{html.escape(item.label)}: <strong>{state}</strong>")
            if item.detail:
                lines.append(f'<details class="book-check {css}"><summary>{summary}</summary>'
                             f"<pre>{html.escape(item.detail)}</pre></details>")
            else:
                lines.append(f'<div class="book-check {css}">{summary}</div>')
        return f'<div class="book-checks">{"".join(lines)}</div>'

    def __repr__(self) -> str:
        return "\n".join(f"{item.label}: {'holds' if item.ok else 'FAILS'}" for item in self.items)


_DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?:[eE][-+]?\d+)?")


def _rounded_text(detail: str) -> str:
    """The numbers of a check's evidence as the book keeps floats (``glue.rounded``): their last
    digits move with the CPU's BLAS kernel, and nbval compares the evidence too."""
    return _DECIMAL.sub(lambda m: str(rounded(float(m.group()))), detail)


def _truth(value: Any) -> bool:
    """``bool`` of a check's value; an array holds when every element is true."""
    all_ = getattr(value, "all", None)
    return bool(all_()) if callable(all_) else bool(value)


def checks(*items: tuple[str, Any] | tuple[str, Any, str]) -> Checks:
    """Self-checks of a derivation, one ``(label, value[, detail])`` per step (chapter 02).

    ``value`` is a bool or an array of bools (it holds when all hold); ``detail`` is the
    evidence, folded away until the reader opens it, its numbers rounded as glue rounds them. A failing step says FAILS, in the text
    nbval compares, so a regression cannot pass unseen.
    """
    built = []
    for item in items:
        if len(item) not in (2, 3) or not isinstance(item[0], str):
            raise ValueError(f"checks: each item is (label, value) or (label, value, detail), not {item!r}")
        label, value, detail = (*item, "")[:3]
        built.append(Check(label, _truth(value), _rounded_text(str(detail))))
    if not built:
        raise ValueError("checks: give at least one (label, value) pair")
    return Checks(tuple(built))
