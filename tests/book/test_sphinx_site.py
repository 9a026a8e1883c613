"""adaptlib.book.sphinx_site: bibliography labels in the author-year form of the citations."""
from __future__ import annotations

from pybtex.database import Entry, Person
from pybtex.plugin import find_plugin

from adaptlib.book.sphinx_site import BIBLIOGRAPHY_STYLE, _register_bibliography_style, author_year


def _entry(key: str, authors: list[str], year: str = "2019") -> Entry:
    entry = Entry("article", fields={"title": "A title", "year": year, "journal": "J"})
    entry.key = key
    entry.persons["author"] = [Person(name) for name in authors]
    return entry


def test_labels_read_as_the_citations_do():
    assert author_year(_entry("a", ["Mingxing Tan"])) == "Tan, 2019"
    assert author_year(_entry("b", ["Mingxing Tan", "Quoc V. Le"])) == "Tan and Le, 2019"
    assert author_year(_entry("c", ["Stella Biderman", "Hailey Schoelkopf", "Quentin Anthony"], "2023")) == "Biderman et al., 2023"


def test_the_style_is_registered_and_tells_same_author_year_works_apart():
    _register_bibliography_style()
    labels = find_plugin("pybtex.style.labels", BIBLIOGRAPHY_STYLE)()
    entries = [_entry("x", ["Ada Lovelace"]), _entry("y", ["Ada Lovelace"]), _entry("z", ["Alan Turing"])]
    assert list(labels.format_labels(entries)) == ["Lovelace, 2019a", "Lovelace, 2019b", "Turing, 2019"]
    assert find_plugin("pybtex.style.formatting", BIBLIOGRAPHY_STYLE).default_label_style == BIBLIOGRAPHY_STYLE
