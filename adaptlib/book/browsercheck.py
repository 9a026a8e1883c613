"""Open every page of the built site in headless Chromium and check it as a reader sees it.

    adaptlib check-site                       # the site in _build/html
    adaptlib check-site student/site --screenshots test-artifacts

Checks, per page (``CHECKS``): it loads (within 30 s); no console error, uncaught exception
or failed resource; no request leaves 127.0.0.1 (each one is blocked and reported: the site
must work offline); every image loaded (``naturalWidth > 0``); math rendered (MathJax
finished, every ``.math`` element typeset, no MathJax error, no raw TeX such as ``$$``, ``\\(``
or ``\\[`` left in the text outside code); every equation, figure and citation reference
resolves to a target of the right kind on the site. Once per site: the search page finds
results for a query, and their snippets show no raw TeX.

What a reader meets, at 1,280 x 900 and again at 390 x 844 (``VIEWPORTS``): nothing wider than
the article's column outside a box that scrolls ("overflow"; at 1,280 px no displayed equation
needs its scroll bar); no visible ``glue(`` call and no code cell of more than ``MAX_CODE_LINES``
lines shown by default ("plumbing"); a chapter opens with its "the paper says, the book finds"
box and ends with a Summary ("structure"); every PNG has at least twice the pixels of its
displayed width ("figure"); and axe-core finds no serious or critical accessibility violation
("a11y"). A fixture site of broken pages (tests/fixtures/broken_site/) proves each can fail.

Chromium is Debian's ``/usr/bin/chromium`` (``BOOK_CHROMIUM`` overrides it), driven by
playwright; ``.ci/run`` and ``make browser`` install it.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from urllib.parse import quote, urlsplit

from adaptlib.book.site import SITE_DIR, html_pages, serve

CHROMIUM = Path(os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
)
CHECKS = ("load", "console", "offline", "image", "math", "reference", "search",
          "overflow", "plumbing", "structure", "figure", "a11y")
LOCAL_HOSTS = ("127.0.0.1",)
PAGE_TIMEOUT_MS = 30_000
VIEWPORTS = {"wide": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
MAX_CODE_LINES = 25
A11Y_IMPACTS = ("serious", "critical")
CHAPTER_PAGE = re.compile(r"(?:.*/)?\d\d_[^/]+\.html")
# Raw TeX that must not survive rendering in a page's text (code and typeset math excluded).
RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\[A-Za-z]{2,}")


@dataclass(frozen=True)
class Problem:
    """One failed check on one page."""

    page: str  # path relative to the site root, e.g. book/03_constant_alpha.html
    check: str  # one of CHECKS
    detail: str

    def __str__(self) -> str:
        return f"{self.page}: [{self.check}] {self.detail}"


@dataclass
class PageStats:
    """What a page holds, so a test can see that a check had something to check."""

    images: int = 0
    math: int = 0
    references: dict[str, int] = field(default_factory=dict)  # kind -> resolved count
    code_lines: int = 0  # lines of code shown by default (at 1,280 px)
    pngs: int = 0  # PNG figures whose resolution was checked


@dataclass
class SiteReport:
    pages: dict[str, PageStats]
    problems: list[Problem]
    screenshots: dict[str, Path]
    search_results: int | None
    seconds: float

    def by_check(self, check: str) -> list[Problem]:
        return [p for p in self.problems if p.check == check]

    def summary(self) -> str:
        lines = [f"{len(self.pages)} pages checked in {self.seconds:.1f} s, {len(self.problems)} problem(s)"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


def _script(name: str) -> str:
    """The JavaScript of ``adaptlib/book/<name>``: one function expression for ``page.evaluate``."""
    return files("adaptlib.book").joinpath(name).read_text(encoding="utf-8")


# Run in the page through playwright; each file is one function expression taking one argument.
INSPECT_PAGE_JS = "browsercheck_inspect_page.js"  # waits for images and MathJax, reports what it sees
SEARCH_RESULTS_JS = "browsercheck_search_results.js"  # waits for the search to finish, counts results
READER_PAGE_JS = "browsercheck_reader_page.js"  # overflow, plumbing, structure, figure resolution


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-error"):
        return True
    return parts.hostname in LOCAL_HOSTS


def launch_chromium(playwright):  # -> playwright.sync_api.Browser
    """Debian's Chromium, headless, with no background traffic of its own."""
    if not CHROMIUM.is_file():
        raise ValueError(
            f"Chromium not found at {CHROMIUM}: run `make browser` (Debian: apt-get install chromium), "
            "or point BOOK_CHROMIUM at a Chromium binary"
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))


class _PageRecorder:
    """Collects console errors, failed loads and blocked outside requests of the current page."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []
        self.reported: set[str] = set()  # URLs already reported as failed or blocked

    def reset(self) -> list[tuple[str, str]]:
        problems, self.problems = self.problems, []
        self.reported = set()
        return problems

    def on_console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            if message.text.startswith("Failed to load resource") and where in self.reported:
                return  # said already, with its status or as a blocked request
            self.problems.append(("console", f"console error: {message.text}" + (f" ({where})" if where else "")))

    def on_page_error(self, error) -> None:
        self.problems.append(("console", f"uncaught exception: {error}"))

    def on_response(self, response) -> None:
        if response.status >= 400:
            self.reported.add(response.url)
            self.problems.append(("console", f"HTTP {response.status} for {response.url}"))

    def route(self, route) -> None:
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            self.reported.add(url)
            self.problems.append(("offline", f"request to {url} leaves 127.0.0.1 (blocked)"))
            route.abort("blockedbyclient")


def _open(page, url: str) -> None:
    """Load ``url``; a redirect page (``<meta http-equiv="refresh">``) is followed to its target."""
    page.goto(url, wait_until="load")
    for _ in range(5):
        try:
            redirect = page.evaluate("() => !!document.querySelector('meta[http-equiv=refresh i]')")
        except Exception:  # the redirect navigated away while we asked: wait for the new page
            page.wait_for_load_state("load")
            continue
        if not redirect:
            page.wait_for_load_state("load")  # a redirect may have started a new document meanwhile
            return
        page.wait_for_url(lambda current: current != url, wait_until="load")
        url = page.url
    raise RuntimeError(f"{url} redirects more than 5 times")


def _inspect(page, relative: str, stats: PageStats) -> list[Problem]:
    found = page.evaluate(_script(INSPECT_PAGE_JS), {"rawTex": RAW_TEX.pattern, "timeoutMs": PAGE_TIMEOUT_MS - 5000})
    problems = []
    stats.images = len(found["images"])
    stats.math = found["mathCount"]
    stats.references = found["references"]
    for image in found["images"]:
        if not image["ok"]:
            problems.append(Problem(relative, "image", f"image did not load: {image['src']}"))
    if found["mathjax"] == "not loaded":
        problems.append(Problem(relative, "math", f"MathJax did not load; {found['mathCount']} math element(s) left raw"))
    else:
        problems += [Problem(relative, "math", f"math not typeset: {s}") for s in found["untypeset"]]
    problems += [Problem(relative, "math", f"MathJax error: {s}") for s in found["mathErrors"]]
    problems += [Problem(relative, "math", f"raw TeX in the text: {s}") for s in found["rawTexHits"]]
    problems += [Problem(relative, "reference", s) for s in found["badReferences"]]
    return problems


def _inspect_reader(page, relative: str, stats: PageStats, viewport: str) -> list[Problem]:
    wide = viewport == "wide"
    found = page.evaluate(_script(READER_PAGE_JS), {
        "maxCodeLines": MAX_CODE_LINES, "chapter": bool(CHAPTER_PAGE.fullmatch(relative)), "wideCheck": wide})
    at = f" at {VIEWPORTS[viewport]['width']} px"
    problems = [Problem(relative, "overflow", detail + at) for detail in found["overflow"]]
    if wide:  # the rest does not depend on the width
        stats.code_lines, stats.pngs = found["codeLines"], found["pngs"]
        problems += [Problem(relative, "plumbing", d) for d in found["plumbing"]]
        problems += [Problem(relative, "structure", d) for d in found["structure"]]
        problems += [Problem(relative, "figure", d) for d in found["figures"]]
        problems += _accessibility(page, relative)
    return problems


def _accessibility(page, relative: str) -> list[Problem]:
    """axe-core's serious and critical violations on the page (axe-playwright-python)."""
    from axe_playwright_python.sync_playwright import Axe

    # No "preload": axe would re-fetch the theme's stylesheets and resolve their @import
    # against the page, not the sheet (a spurious 404 for /basic.css on every page).
    response = Axe().run(page, options={"resultTypes": ["violations"], "preload": False}).response
    problems = []
    for violation in response.get("violations", []):
        if violation.get("impact") not in A11Y_IMPACTS:
            continue
        nodes = violation.get("nodes", [])
        where = ", ".join(" ".join(n.get("target", [])) for n in nodes[:3])
        problems.append(Problem(relative, "a11y", f"{violation['impact']}: {violation['id']} "
                                f"({violation.get('help', '')}) on {len(nodes)} element(s): {where}"))
    return problems


def check_pages(
    base_url: str,
    pages: Sequence[str],
    *,
    search_query: str | None = "oracle",
    screenshot_dir: Path | None = None,
    screenshot_pages: Callable[[str, PageStats], str | None] | None = None,
) -> SiteReport:
    """Open each page (paths relative to ``base_url``) in Chromium and run every check.

    Every page is opened at each of ``VIEWPORTS``: at "wide" every check runs, at "phone" the
    overflow check. ``screenshot_pages(page, stats)`` returns a name for screenshots of that
    page (saved as ``screenshot_dir/<name>-<width>.png``, one per viewport) or None; by default
    the home page, chapter 04 (Table 1) and chapter 09 (Theorem 9.2).
    """
    from playwright.sync_api import (
        sync_playwright,  # the test extra; imported only when used
    )

    start = time.perf_counter()
    choose = screenshot_pages or _default_screenshots()
    report = SiteReport({}, [], {}, None, 0.0)
    recorder = _PageRecorder()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for viewport, size in VIEWPORTS.items():
                context = browser.new_context(viewport=size, service_workers="block")
                context.route("**/*", recorder.route)
                page = context.new_page()
                page.on("console", recorder.on_console)
                page.on("pageerror", recorder.on_page_error)
                page.on("response", recorder.on_response)
                page.set_default_timeout(PAGE_TIMEOUT_MS)
                for relative in pages:
                    stats = report.pages.setdefault(relative, PageStats())
                    try:
                        _open(page, base_url + quote(relative))
                        problems = _inspect(page, relative, stats) if viewport == "wide" else []
                        problems += _inspect_reader(page, relative, stats, viewport)
                    except Exception as error:  # a page that hangs or crashes is a finding, not a stop
                        problems = [Problem(relative, "load", f"page did not load at {size['width']} px: {error}".splitlines()[0])]
                    page.wait_for_timeout(100)  # late console messages of this page
                    late = recorder.reset()
                    if viewport == "wide":
                        problems += [Problem(relative, check, detail) for check, detail in late]
                    report.problems += problems
                    name = choose(relative, stats)
                    shot = f"{name}-{size['width']}"
                    if screenshot_dir is not None and name and shot not in report.screenshots:
                        Path(screenshot_dir).mkdir(parents=True, exist_ok=True)
                        path = Path(screenshot_dir) / f"{shot}.png"
                        page.screenshot(path=str(path), full_page=True)
                        report.screenshots[shot] = path
                if search_query and viewport == "wide":
                    report.search_results = _check_search(page, base_url, search_query, report)
                    report.problems += [Problem("search.html", c, d) for c, d in recorder.reset()]
                context.close()
        finally:
            browser.close()
    report.seconds = time.perf_counter() - start
    return report


def _default_screenshots() -> Callable[[str, PageStats], str | None]:
    def choose(relative: str, stats: PageStats) -> str | None:
        if relative == "index.html":
            return "home"
        if relative in ("book/04_public_bounds.html", "book/09_proofs_and_errata.html"):
            return Path(relative).stem
        return None

    return choose


def _check_search(page, base_url: str, query: str, report: SiteReport) -> int:
    page.goto(f"{base_url}search.html?q={quote(query)}", wait_until="load")
    found = page.evaluate(_script(SEARCH_RESULTS_JS), {"timeoutMs": PAGE_TIMEOUT_MS - 5000})
    if not found["finished"]:
        report.problems.append(Problem("search.html", "search", f"search for {query!r} did not finish"))
    elif found["count"] == 0:
        report.problems.append(Problem("search.html", "search", f"search for {query!r} found nothing: {found['summary']}"))
    for snippet in found["snippets"]:
        raw = RAW_TEX.search(snippet)
        if raw:
            start = max(0, raw.start() - 40)
            report.problems.append(Problem("search.html", "search", f"raw TeX {raw.group()!r} in a result snippet: "
                                           f"{snippet[start:raw.end() + 40]!r}"))
    return found["count"]


def check_site(site_dir: Path = SITE_DIR, **kwargs) -> SiteReport:
    """Serve ``site_dir`` on 127.0.0.1 and check every page (see ``check_pages``)."""
    pages = [p.as_posix() for p in html_pages(site_dir)]
    with serve(site_dir) as base_url:
        return check_pages(base_url, pages, **kwargs)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check-site", help="open every page of the built site in headless Chromium and check it",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("site", nargs="?", type=Path, default=SITE_DIR, help="built site (default _build/html)")
    parser.add_argument("--screenshots", type=Path, default=None, help="folder for screenshots of the home page and chapters 04 and 09, at each width")
    parser.add_argument("--query", default="oracle", help="search query that must find results (default: oracle)")
    parser.set_defaults(func=_main)


def _main(args: argparse.Namespace) -> int:
    report = check_site(args.site, search_query=args.query, screenshot_dir=args.screenshots)
    print(report.summary())
    for name, path in report.screenshots.items():
        print(f"screenshot {name}: {path}")
    return 1 if report.problems else 0


def main(argv: list[str] | None = None) -> int:
    """``python -m adaptlib.book.browsercheck``: the same as ``adaptlib check-site``."""
    from adaptlib.cli import main as adaptlib_main

    return adaptlib_main(["check-site", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
