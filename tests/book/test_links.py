"""Internal links and anchors: the checker on a fixture site (unit tier), then on the built
site (tier links, reusing the session's ``built_site``)."""
from __future__ import annotations

from pathlib import Path

import pytest

from adaptlib.book.linkcheck import check_links
from adaptlib.book.site import html_pages

FIXTURE = Path(__file__).parents[1] / "fixtures" / "links"


def test_checker_finds_every_broken_link_of_the_fixture():
    report = check_links(FIXTURE)
    broken = sorted((b.link.page, b.link.url, b.reason) for b in report.broken)
    assert broken == [
        ("index.html", "#nowhere", "no anchor #nowhere in index.html"),
        ("index.html", "../outside.html", "points outside the site"),
        ("index.html", "missing.png", "no file missing.png in the site"),
        ("index.html", "no-such-page.html", "no file no-such-page.html in the site"),
        ("index.html", "sub/page.html#no-such-anchor", "no anchor #no-such-anchor in sub/page.html"),
        ("redirect.html", "sub/gone.html", "no file sub/gone.html in the site"),
    ]
    # The good links of the fixture were resolved, not skipped.
    assert report.pages == 5 and report.internal == 15
    assert dict(report.external) == {"https": 1, "mailto": 1}


def test_checker_refuses_a_folder_that_is_not_a_site(tmp_path):
    with pytest.raises(ValueError, match="holds no index.html"):
        check_links(tmp_path)


@pytest.mark.slow
@pytest.mark.links
def test_every_internal_link_and_anchor_of_the_site_resolves(built_site):
    html, result = built_site
    if not (html / "index.html").is_file():
        pytest.fail("the site did not build (see the site tier):\n" + (result.stdout + result.stderr)[-3000:])
    report = check_links(html)
    print(report.summary())
    assert not report.broken, report.summary()
    assert report.pages == len(html_pages(html)) and report.internal > 10 * report.pages
