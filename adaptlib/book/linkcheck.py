"""Check that every internal link and anchor of a built site resolves, with no network.

    adaptlib check-links                 # the site in _build/html
    adaptlib check-links student/site

Every ``href``/``src`` (and the target of a ``<meta http-equiv="refresh">``) of every page is
resolved against the page's own location: a link into the site must name a file that exists
inside it, and a ``#fragment`` on an HTML page must name an ``id`` (or ``<a name>``) of that
page. Links with a scheme (``https:``, ``mailto:``...) leave the site and are only counted.
"""
from __future__ import annotations

import argparse
import posixpath
import re
import sys
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from adaptlib.book.site import SITE_DIR, html_pages

# Attributes that point at another resource, by tag.
LINK_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "link": ("href",), "img": ("src",), "script": ("src",),
    "iframe": ("src",), "source": ("src",), "video": ("src", "poster"), "audio": ("src",),
    "embed": ("src",), "object": ("data",), "track": ("src",), "form": ("action",),
}
REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"\s]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    page: str  # path of the page relative to the site root
    line: int
    tag: str
    url: str


@dataclass(frozen=True)
class BrokenLink:
    link: Link
    reason: str

    def __str__(self) -> str:
        return f"{self.link.page}:{self.link.line}: <{self.link.tag}> {self.link.url}: {self.reason}"


@dataclass(frozen=True)
class LinkReport:
    pages: int
    internal: int  # links into the site that were resolved
    external: Counter  # scheme -> number of links that leave the site (not followed)
    broken: list[BrokenLink]

    def summary(self) -> str:
        outside = ", ".join(f"{n} {scheme}" for scheme, n in sorted(self.external.items())) or "none"
        lines = [f"{self.pages} pages, {self.internal} internal links checked, {len(self.broken)} broken; "
                 f"links leaving the site (not followed): {outside}"]
        return "\n".join(lines + [f"  {b}" for b in self.broken])


class _PageParser(HTMLParser):
    """Collects the anchors (ids, names) a page defines and the links it makes."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.anchors: set[str] = set()
        self.links: list[Link] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.anchors.add(values["id"])
        if tag == "a" and "name" in values:
            self.anchors.add(values["name"])
        line = self.getpos()[0]
        for attribute in LINK_ATTRIBUTES.get(tag, ()):
            if attribute in values:
                self.links.append(Link(self.page, line, tag, values[attribute].strip()))
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            match = REFRESH_URL.search(values.get("content", ""))
            if match:
                self.links.append(Link(self.page, line, "meta refresh", match.group(1)))

    handle_startendtag = handle_starttag


def parse_page(site_dir: Path, page: Path) -> _PageParser:
    parser = _PageParser(page.as_posix())
    parser.feed((site_dir / page).read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser


def check_links(site_dir: Path = SITE_DIR) -> LinkReport:
    """Resolve every internal link and anchor of the site in ``site_dir``."""
    site_dir = Path(site_dir).resolve()
    parsed = {page.as_posix(): parse_page(site_dir, page) for page in html_pages(site_dir)}
    anchors_of: dict[str, set[str]] = {page: p.anchors for page, p in parsed.items()}

    def anchors(target: str) -> set[str] | None:
        """Anchors of any HTML file of the site (pages in asset folders are parsed on demand)."""
        if target not in anchors_of:
            anchors_of[target] = parse_page(site_dir, Path(target)).anchors
        return anchors_of[target]

    broken: list[BrokenLink] = []
    external: Counter = Counter()
    internal = 0
    for page, parser in parsed.items():
        for link in parser.links:
            parts = urlsplit(link.url)
            if parts.scheme or link.url.startswith("//"):
                external[parts.scheme or "protocol-relative"] += 1
                continue
            internal += 1
            reason = _resolve(site_dir, page, parts.path, parts.fragment, anchors)
            if reason:
                broken.append(BrokenLink(link, reason))
    return LinkReport(len(parsed), internal, external, broken)


def _resolve(site_dir: Path, page: str, path: str, fragment: str, anchors) -> str | None:
    """None when the link resolves, else why it does not."""
    if path:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(path)))
        if joined == ".." or joined.startswith("../"):
            return "points outside the site"
        target_path = site_dir / joined
        if target_path.is_dir():
            target_path = target_path / "index.html"
            joined = posixpath.join(joined, "index.html")
        if not target_path.is_file():
            return f"no file {joined} in the site"
        target = joined
    else:
        target = page
    if fragment and target.endswith(".html"):
        anchor = unquote(fragment)
        if anchor not in anchors(target):
            return f"no anchor #{anchor} in {target}"
    return None


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check-links", help="check that every internal link and anchor of the built site resolves",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("site", nargs="?", type=Path, default=SITE_DIR, help="built site (default _build/html)")
    parser.set_defaults(func=_main)


def _main(args: argparse.Namespace) -> int:
    report = check_links(args.site)
    print(report.summary())
    return 1 if report.broken else 0


def main(argv: list[str] | None = None) -> int:
    """``python -m adaptlib.book.linkcheck``: the same as ``adaptlib check-links``."""
    from adaptlib.cli import main as adaptlib_main

    return adaptlib_main(["check-links", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
