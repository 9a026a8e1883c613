"""A Sphinx extension for the book's site (listed in ``_config.yml``): fixes what a reader sees.

It adds the book's stylesheet (``static/book.css``: tables, self-checks, equations that scroll
in their own box), search snippets without raw LaTeX (``static/search_snippets.js``), ARIA
roles of bibliography entries that screen readers accept, and a bibliography style whose
labels are author and year, as the citations in the text are ("Tan and Le, 2019", not
"[TL19]"); ``_config.yml`` names it ``bibtex_default_style: author_year_labels``.

In the PDF, sphinx-proof numbers a theorem from the chapter it finds by comparing the chapter's
title with its section names; a title with an apostrophe ("the paper's errata") is typeset with
a curly one and never matched, so every theorem of that chapter lost its number ("Theorem
(Eq. 5)" where the site says "Theorem 9.1"). :func:`_chapter_of` compares them with straight
quotes.

Sphinx 7.4 (the last major that Jupyter Book v1 supports) writes an inline ``<script>`` twice
when an extension adds it after the builder started, as sphinx-thebe does with
``const THEBE_JS_URL = ...``; the second copy throws "Identifier 'THEBE_JS_URL' has already been
declared" in every page's console. Sphinx fixed it in 8.x (sphinx-doc/sphinx pull request
13402: the builder stores such scripts under ``''`` while the application passes ``None``, so
they are not recognised as the same). Here the builder's list is normalised the same way
before pages are written, so the builder's own de-duplication applies.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

STATIC = Path(__file__).with_name("static")
BIBLIOGRAPHY_STYLE = "author_year_labels"


def _normalise_inline_scripts(app: Sphinx, env: Any) -> list[str]:
    builder = app.builder
    scripts = getattr(builder, "_js_files", None)
    if scripts:
        unique = []
        for script in scripts:
            if script.filename is None:
                script = type(script)("", priority=script.priority, **script.attributes)
            if script not in unique:
                unique.append(script)
        scripts[:] = unique
    return []


def _surnames(entry) -> list[str]:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [" ".join(person.last_names) for person in people]
    if names:
        return [name.replace("{", "").replace("}", "") for name in names]
    return [entry.fields.get("organization") or entry.fields.get("publisher") or entry.key]


def author_year(entry) -> str:
    """"Tan and Le, 2019", "Biderman et al., 2023": a bibliography label, as the text cites it."""
    names = _surnames(entry)
    who = names[0] if len(names) == 1 else (
        f"{names[0]} and {names[1]}" if len(names) == 2 else f"{names[0]} et al.")
    year = entry.fields.get("year", "")
    return f"{who}, {year}" if year else who


def _register_bibliography_style() -> None:
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.unsrt import Style as Unsorted
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            seen: dict[str, int] = {}
            labels = [author_year(entry) for entry in sorted_entries]
            for label in labels:
                seen[label] = seen.get(label, 0) + 1
            counter: dict[str, int] = {}
            for label in labels:
                if seen[label] == 1:
                    yield label
                else:  # two works of the same authors and year: 2019a, 2019b
                    counter[label] = counter.get(label, 0) + 1
                    yield label + "abcdefghijklmnopqrstuvwxyz"[counter[label] - 1]

    class AuthorYearStyle(Unsorted):
        default_label_style = BIBLIOGRAPHY_STYLE
        default_sorting_style = "author_year_title"

    register_plugin("pybtex.style.labels", BIBLIOGRAPHY_STYLE, AuthorYearLabels, force=True)
    register_plugin("pybtex.style.formatting", BIBLIOGRAPHY_STYLE, AuthorYearStyle, force=True)


def _bibliography_roles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Entries of a ``role="list"`` are ``listitem``: axe-core (ARIA 1.2) does not accept
    sphinxcontrib-bibtex's ``doc-biblioentry`` there, a critical violation for screen readers."""
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _add_static(app: Sphinx) -> None:
    app.config.html_static_path.append(str(STATIC))
    app.add_css_file("book.css")
    app.add_js_file("search_snippets.js")


_CURLY_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _chapter_of(env, node, parent_tag):
    """The document of the chapter section holding ``node`` (sphinx-proof's ``find_parent``,
    with the title compared in straight quotes)."""
    while node is not None:
        node = node.parent
        if node is not None and "docname" in node.attributes:
            title = env.titles[node.attributes["docname"]].astext().lower().translate(_CURLY_QUOTES)
            if title in [name.translate(_CURLY_QUOTES) for name in node.attributes["names"]]:
                return node.attributes["docname"]
    return None


def _number_proofs_by_chapter() -> None:
    import sphinx_proof.nodes

    sphinx_proof.nodes.find_parent = _chapter_of


def setup(app: Sphinx) -> dict[str, Any]:
    _number_proofs_by_chapter()
    app.connect("env-updated", _normalise_inline_scripts, priority=900)
    app.connect("builder-inited", _add_static)
    app.connect("html-page-context", _bibliography_roles)
    _register_bibliography_style()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
