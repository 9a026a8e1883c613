"""Tier browser: every page of the built site opened in headless Chromium, as a reader sees it.

The site comes from the session's ``built_site`` (one build per `make test`, shared with the
site tier). A fixture site of deliberately broken pages proves that each check can fail.
Screenshots of the home page and of a chapter land in ``test-artifacts/`` (not in git).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
import numpy as np
import pytest

from adaptlib.book.browsercheck import CHROMIUM, SiteReport, check_pages, check_site
from adaptlib.book.paths import REPO_ROOT
from adaptlib.book.site import html_pages, mathjax_dir, serve

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ARTIFACTS = REPO_ROOT / "test-artifacts"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "broken_site"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="session", autouse=True)
def chromium_installed() -> None:
    if not CHROMIUM.is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` (apt-get install chromium)")


@pytest.fixture(scope="session")
def site_html(built_site) -> Path:
    html, result = built_site
    if not (html / "index.html").is_file():
        pytest.fail("the site did not build (see the site tier):\n" + (result.stdout + result.stderr)[-3000:])
    return html


@pytest.fixture(scope="session")
def site_report(site_html: Path) -> SiteReport:
    report = check_site(site_html, search_query="oracle", screenshot_dir=ARTIFACTS)
    print(report.summary())
    return report


def _problems(report: SiteReport, check: str) -> str:
    return "\n".join(str(p) for p in report.by_check(check))


def test_every_page_was_opened(site_report: SiteReport, site_html: Path):
    assert sorted(site_report.pages) == [p.as_posix() for p in html_pages(site_html)]
    assert not site_report.by_check("load"), _problems(site_report, "load")
    chapters = [page for page in site_report.pages if page.startswith("book/") and page[5:7].isdigit()]
    assert chapters, "the site holds no chapter page"


def test_no_console_errors(site_report: SiteReport):
    assert not site_report.by_check("console"), _problems(site_report, "console")


def test_no_request_leaves_localhost(site_report: SiteReport):
    assert not site_report.by_check("offline"), _problems(site_report, "offline")


def test_every_image_loaded(site_report: SiteReport):
    assert not site_report.by_check("image"), _problems(site_report, "image")
    assert sum(stats.images for stats in site_report.pages.values()) > 0, "no page shows an image: nothing was checked"


def test_math_rendered(site_report: SiteReport):
    assert not site_report.by_check("math"), _problems(site_report, "math")
    assert sum(stats.math for stats in site_report.pages.values()) > 0, "no page shows math: nothing was checked"


def test_equation_figure_and_citation_references_resolve(site_report: SiteReport):
    assert not site_report.by_check("reference"), _problems(site_report, "reference")
    totals = {kind: sum(s.references.get(kind, 0) for s in site_report.pages.values())
              for kind in ("equation", "figure", "citation")}
    assert all(totals.values()), f"some kind of reference never occurs, so it was not checked: {totals}"


def test_search_finds_oracle(site_report: SiteReport):
    assert not site_report.by_check("search"), _problems(site_report, "search")
    assert site_report.search_results and site_report.search_results > 0


def test_nothing_wider_than_the_column(site_report: SiteReport):
    assert not site_report.by_check("overflow"), _problems(site_report, "overflow")


def test_no_plumbing_on_the_page(site_report: SiteReport):
    assert not site_report.by_check("plumbing"), _problems(site_report, "plumbing")
    shown = {page: stats.code_lines for page, stats in site_report.pages.items() if stats.code_lines}
    print("code lines shown by default:", shown, "total", sum(shown.values()))
    assert shown, "no page shows any code: the check saw nothing (or the cells lost their classes)"


def test_every_chapter_opens_with_its_box_and_ends_with_a_summary(site_report: SiteReport):
    assert not site_report.by_check("structure"), _problems(site_report, "structure")


def test_every_figure_has_twice_the_pixels_it_is_shown_with(site_report: SiteReport):
    assert not site_report.by_check("figure"), _problems(site_report, "figure")
    assert sum(stats.pngs for stats in site_report.pages.values()) >= 10, "fewer than 10 PNG figures were checked"


def test_no_serious_accessibility_violation(site_report: SiteReport):
    assert not site_report.by_check("a11y"), _problems(site_report, "a11y")


def test_screenshots_of_home_and_chapters_04_and_09_at_both_widths(site_report: SiteReport):
    expected = {f"{name}-{width}" for name in ("home", "04_public_bounds", "09_proofs_and_errata") for width in (1280, 390)}
    assert set(site_report.screenshots) == expected, f"screenshots taken: {sorted(site_report.screenshots)}"
    for path in site_report.screenshots.values():
        assert path.read_bytes()[:8] == PNG_SIGNATURE and path.stat().st_size > 20_000, f"{path} is not a real screenshot"


def test_mathjax_is_served_by_the_site(site_html: Path):
    assert (site_html / "_static" / "mathjax" / "tex-chtml.js").is_file()
    chapter = next(p for p in html_pages(site_html) if p.name[:2].isdigit())
    text = (site_html / chapter).read_text(encoding="utf-8")
    assert 'src="../_static/mathjax/tex-chtml.js"' in text
    assert "cdn.jsdelivr.net/npm/mathjax" not in text


# The checker itself: a fixture site whose pages each break one check.

@pytest.fixture(scope="module")
def fixture_report(tmp_path_factory) -> SiteReport:
    root = tmp_path_factory.mktemp("broken_site")
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    shutil.copytree(mathjax_dir(), root / "_static" / "mathjax")
    (root / "_images").mkdir()
    plt.imsave(root / "_images" / "figure.png", np.arange(64.0).reshape(8, 8))
    pages = sorted(p.name for p in root.glob("*.html"))
    with serve(root) as base_url:
        return check_pages(base_url, pages, search_query=None)


def _details(report: SiteReport, page: str, check: str) -> list[str]:
    return [p.detail for p in report.problems if p.page == page and p.check == check]


def test_checker_passes_the_good_pages(fixture_report: SiteReport):
    for page in ("good.html", "references.html", "02_structured.html"):
        assert not [p for p in fixture_report.problems if p.page == page], fixture_report.summary()
    good = fixture_report.pages["good.html"]
    assert (good.images, good.math) == (1, 2)
    assert good.references == {"equation": 1, "figure": 1, "citation": 1, "numbered": 0}


def test_checker_reports_a_missing_figure(fixture_report: SiteReport):
    details = _details(fixture_report, "missing_figure.html", "image")
    assert details == ["image did not load: _images/no-such-figure.png"]


def test_checker_reports_an_unrendered_equation(fixture_report: SiteReport):
    details = _details(fixture_report, "raw_equation.html", "math")
    assert any(d.startswith("math not typeset: #equation-raw") for d in details), details
    raw = [d for d in details if d.startswith("raw TeX in the text")]
    assert any('"$$"' in d for d in raw) and any('"\\["' in d for d in raw), details


def test_checker_reports_a_mathjax_error(fixture_report: SiteReport):
    assert _details(fixture_report, "mathjax_error.html", "math") == ["MathJax error: Missing argument for \\frac"]


def test_checker_reports_references_without_target(fixture_report: SiteReport):
    details = _details(fixture_report, "broken_references.html", "reference")
    expected = ['no element with id "equation-missing"', "target <p> is not a figure", 'no element with id "id99"',
                'unresolved cross-reference "eq-nowhere"', 'unresolved citation "[]"']
    for text in expected:
        assert any(text in d for d in details), f"{text!r} not reported: {details}"
    assert len(details) == len(expected)


def test_checker_reports_what_is_wider_than_the_column(fixture_report: SiteReport):
    details = _details(fixture_report, "too_wide.html", "overflow")
    for width in (1280, 390):
        assert any("runs" in d and "past the column" in d and d.endswith(f"at {width} px") for d in details), details
    assert any(d.startswith("equation") and "wider than the column" in d for d in details), details


def test_checker_reports_plumbing(fixture_report: SiteReport):
    details = _details(fixture_report, "plumbing.html", "plumbing")
    assert details == ['visible glue( call in the cell "glue("ch01_key", 1.0, display=False)"',
                       'code cell of 30 lines shown (at most 25): "x_1 = 1"'], details


def test_checker_reports_a_chapter_without_box_or_final_summary(fixture_report: SiteReport):
    details = _details(fixture_report, "01_unstructured.html", "structure")
    assert details == ['no opening box ("The paper says, the book finds", class paper-vs-book)',
                       'the last section is "Exercises", not "Summary"'], details


def test_checker_reports_a_figure_without_twice_its_pixels(fixture_report: SiteReport):
    assert _details(fixture_report, "low_resolution.html", "figure") == ["figure.png: 8 px shown at 8 px (needs 2x)"]


def test_checker_reports_accessibility_violations(fixture_report: SiteReport):
    details = _details(fixture_report, "inaccessible.html", "a11y")
    assert len(details) == 1 and details[0].startswith("critical: image-alt"), details


def test_checker_reports_console_errors(fixture_report: SiteReport):
    details = _details(fixture_report, "console_error.html", "console")
    assert any("THEBE_JS_URL" in d and d.startswith("uncaught exception") for d in details), details
    assert any("a message logged as an error" in d for d in details), details


def test_checker_blocks_and_reports_requests_leaving_localhost(fixture_report: SiteReport):
    details = _details(fixture_report, "outside_request.html", "offline")
    assert sorted(details) == [
        "request to https://cdn.invalid/library.js leaves 127.0.0.1 (blocked)",
        "request to https://figures.invalid/remote.png leaves 127.0.0.1 (blocked)",
    ]
    assert _details(fixture_report, "outside_request.html", "image") == ["image did not load: https://figures.invalid/remote.png"]


def test_search_check_fails_when_nothing_is_found(site_html: Path):
    with serve(site_html) as base_url:
        report = check_pages(base_url, [], search_query="qzxjvkwq")
    assert report.search_results == 0
    assert [p.check for p in report.problems] == ["search"]
