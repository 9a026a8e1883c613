"""Open every page of the built site in headless Chromium and check it as a reader sees it.

    adaptlib check-site                       # the site in _build/html
    adaptlib check-site student/site --screenshots test-artifacts

Checks, per page (``CHECKS``): it loads (within 30 s); no console error, uncaught exception
or failed resource; no request leaves 127.0.0.1 (each one is blocked and reported: the site
must work offline); every image loaded (``naturalWidth > 0``); math rendered (MathJax
finished, every ``.math`` element typeset, no MathJax error, no raw TeX such as ``$$``, ``\\(``
or ``\\[`` left in the text outside code); every equation, figure and citation reference
resolves to a target of the right kind on the site. Once per site: the search page finds
results for a query.

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
from pathlib import Path
from urllib.parse import quote, urlsplit

from adaptlib.book.site import SITE_DIR, html_pages, serve

CHROMIUM = Path(os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
)
CHECKS = ("load", "console", "offline", "image", "math", "reference", "search")
LOCAL_HOSTS = ("127.0.0.1",)
PAGE_TIMEOUT_MS = 30_000
VIEWPORT = {"width": 1280, "height": 900}
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


# Runs in the page once it has loaded: waits for images and MathJax, then reports what it sees.
_INSPECT_JS = r"""
async ({rawTex, timeoutMs}) => {
  const deadline = Date.now() + timeoutMs;
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  for (const img of document.images) img.loading = 'eager';
  await Promise.all([...document.images].map(img => img.complete ? null :
      new Promise(r => { img.addEventListener('load', r); img.addEventListener('error', r);
                         setTimeout(r, Math.max(0, deadline - Date.now())); })));
  const images = [...document.images].map(img => ({src: img.getAttribute('src') || '',
      ok: img.complete && img.naturalWidth > 0}));

  const mathNodes = [...document.querySelectorAll('.math')];
  let mathjax = 'none needed';
  if (mathNodes.length) {
    while (!(window.MathJax && MathJax.startup && MathJax.startup.promise) && Date.now() < deadline) await sleep(50);
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      await Promise.race([MathJax.startup.promise.then(() => 'done'), sleep(Math.max(0, deadline - Date.now()))]);
      mathjax = 'done';
    } else mathjax = 'not loaded';
  }
  const snippet = el => (el.getAttribute('id') ? '#' + el.getAttribute('id') + ' ' : '') +
      (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 80);
  const untypeset = mathNodes.filter(el => !el.querySelector('mjx-container')).map(snippet);
  const mathErrors = [...document.querySelectorAll('mjx-merror')].map(el =>
      (el.getAttribute('data-mjx-error') || el.textContent || '').slice(0, 120));

  // Raw TeX left in text: walk the text nodes outside code, scripts and typeset math.
  const skip = 'script, style, pre, code, kbd, samp, textarea, noscript, template, mjx-container, .highlight';
  const rawTexRe = new RegExp(rawTex, 'g');
  const rawTexHits = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement && node.parentElement.closest(skip)) continue;
    const text = node.nodeValue;
    const hits = [...text.matchAll(rawTexRe)];
    if (!hits.length) continue;
    const m = hits[0], from = Math.max(0, m.index - 40);
    const more = hits.length > 1 ? ` (and ${hits.length - 1} more)` : '';
    rawTexHits.push(`"${m[0]}" in "${text.slice(from, m.index + 60).replace(/\s+/g, ' ').trim()}"${more}`);
    if (rawTexHits.length >= 20) break;
  }

  // References: equations, figures (numref), citations; each must lead to a target of its kind.
  const pages = new Map();
  const load = async url => {
    if (!pages.has(url)) pages.set(url, fetch(url).then(r => r.ok ? r.text() : null)
        .then(t => t === null ? null : new DOMParser().parseFromString(t, 'text/html')).catch(() => null));
    return pages.get(url);
  };
  const kindOf = a => {
    const hash = decodeURIComponent(new URL(a.href).hash.slice(1));
    if (a.closest('.bibtex-citation')) return 'citation';
    if (hash.startsWith('equation-')) return 'equation';
    const text = (a.textContent || '').trim();
    if (hash.startsWith('fig-') || (a.querySelector('.std-numref') && /^Fig/.test(text))) return 'figure';
    if (a.querySelector('.std-numref')) return 'numbered';  // an exercise, table, proof... by number
    return null;
  };
  const fits = {
    equation: el => el.classList.contains('math') || !!el.querySelector('.math'),
    figure: el => ['FIGURE', 'TABLE'].includes(el.tagName) || el.classList.contains('figure') ||
                  !!el.querySelector('figure, img, table'),
    citation: el => el.classList.contains('citation') || el.getAttribute('role') === 'doc-biblioentry',
    numbered: el => true,
  };
  const references = {equation: 0, figure: 0, citation: 0, numbered: 0};
  const badReferences = [];
  for (const a of document.querySelectorAll('article a.reference.internal, main a.reference.internal')) {
    const kind = kindOf(a);
    if (!kind) continue;
    const url = new URL(a.href);
    const id = decodeURIComponent(url.hash.slice(1));
    const label = `${kind} reference "${(a.textContent || '').trim().slice(0, 40)}" -> ${a.getAttribute('href')}`;
    if (!id) { badReferences.push(`${label}: no anchor`); continue; }
    const samePage = url.pathname === location.pathname;
    const doc = samePage ? document : await load(url.origin + url.pathname);
    if (!doc) { badReferences.push(`${label}: page not found`); continue; }
    const target = doc.getElementById(id);
    if (!target) { badReferences.push(`${label}: no element with id "${id}"`); continue; }
    if (!fits[kind](target)) { badReferences.push(`${label}: target <${target.tagName.toLowerCase()}> is not a ${kind}`); continue; }
    references[kind] += 1;
  }
  const unresolved = [...document.querySelectorAll('.xref')].filter(el => !el.closest('a'))
      .map(el => `unresolved cross-reference "${(el.textContent || '').trim().slice(0, 60)}"`);
  const noCitation = [...document.querySelectorAll('.bibtex-citation')].filter(el => !el.querySelector('a'))
      .map(el => `unresolved citation "${(el.textContent || '').trim().slice(0, 60)}"`);
  return {images, mathCount: mathNodes.length, mathjax, untypeset, mathErrors, rawTexHits,
          references, badReferences: [...badReferences, ...unresolved, ...noCitation]};
}
"""

_SEARCH_JS = r"""
async ({timeoutMs}) => {
  const deadline = Date.now() + timeoutMs;
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const results = () => document.querySelectorAll('#search-results ul.search li');
  const finished = () => {
    const summary = document.querySelector('#search-results .search-summary, #search-results p');
    return summary && summary.textContent.trim().length > 0;
  };
  while (!finished() && Date.now() < deadline) await sleep(100);
  return {finished: !!finished(), count: results().length,
          summary: (document.querySelector('#search-results') || {textContent: ''}).textContent.trim().slice(0, 200)};
}
"""


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
    found = page.evaluate(_INSPECT_JS, {"rawTex": RAW_TEX.pattern, "timeoutMs": PAGE_TIMEOUT_MS - 5000})
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


def check_pages(
    base_url: str,
    pages: Sequence[str],
    *,
    search_query: str | None = "oracle",
    screenshot_dir: Path | None = None,
    screenshot_pages: Callable[[str, PageStats], str | None] | None = None,
) -> SiteReport:
    """Open each page (paths relative to ``base_url``) in Chromium and run every check.

    ``screenshot_pages(page, stats)`` returns a name for a screenshot of that page (saved as
    ``screenshot_dir/<name>.png``) or None; by default the home page and the first chapter
    that shows both math and an image.
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
            context = browser.new_context(viewport=VIEWPORT, service_workers="block")
            context.route("**/*", recorder.route)
            page = context.new_page()
            page.on("console", recorder.on_console)
            page.on("pageerror", recorder.on_page_error)
            page.on("response", recorder.on_response)
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            for relative in pages:
                stats = PageStats()
                try:
                    _open(page, base_url + quote(relative))
                    problems = _inspect(page, relative, stats)
                except Exception as error:  # a page that hangs or crashes is a finding, not a stop
                    problems = [Problem(relative, "load", f"page did not load: {error}".splitlines()[0])]
                page.wait_for_timeout(100)  # late console messages of this page
                problems += [Problem(relative, check, detail) for check, detail in recorder.reset()]
                report.pages[relative] = stats
                report.problems += problems
                name = choose(relative, stats)
                if screenshot_dir is not None and name and name not in report.screenshots:
                    Path(screenshot_dir).mkdir(parents=True, exist_ok=True)
                    path = Path(screenshot_dir) / f"{name}.png"
                    page.screenshot(path=str(path), full_page=True)
                    report.screenshots[name] = path
            if search_query:
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
        if re.fullmatch(r"book/\d\d_[^/]+\.html", relative) and stats.math and stats.images:
            return "chapter"
        return None

    return choose


def _check_search(page, base_url: str, query: str, report: SiteReport) -> int:
    page.goto(f"{base_url}search.html?q={quote(query)}", wait_until="load")
    found = page.evaluate(_SEARCH_JS, {"timeoutMs": PAGE_TIMEOUT_MS - 5000})
    if not found["finished"]:
        report.problems.append(Problem("search.html", "search", f"search for {query!r} did not finish"))
    elif found["count"] == 0:
        report.problems.append(Problem("search.html", "search", f"search for {query!r} found nothing: {found['summary']}"))
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
    parser.add_argument("--screenshots", type=Path, default=None, help="folder for screenshots of the home page and a chapter")
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
