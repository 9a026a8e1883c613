"""Tier 2, smoke: every chapter template runs to the end with its smoke preset.

Each template needs ``notebooks/params/NN_slug.smoke.yaml``: parameters that differ from the
defaults (smaller, or just different) so that the chapter's non-default paths run too. The
chapters execute through the runner, two at a time, into a temporary folder.
"""
from __future__ import annotations

import nbformat
import pytest

from adaptlib.book.chapters import execution_problems, find_chapters, load_preset, relative_to_repo
from adaptlib.book.paths import NOTEBOOKS_DIR
from adaptlib.book.runner import Job, check_parameters, failure_message, non_default, run_jobs

CHAPTERS = find_chapters(NOTEBOOKS_DIR)
pytestmark = [pytest.mark.slow, pytest.mark.smoke]


def per_chapter():
    skip = pytest.mark.skip(reason="no chapter templates in notebooks/ yet")
    return [pytest.param(c, id=c.slug) for c in CHAPTERS] or [pytest.param(None, id="none", marks=skip)]


def usable_preset(chapter) -> dict | None:
    """The chapter's smoke parameters, or None when the preset is missing or names unknown parameters."""
    if not chapter.smoke_preset.is_file():
        return None
    parameters = load_preset(chapter.smoke_preset)
    try:
        check_parameters(chapter, parameters)
    except ValueError:
        return None
    return parameters


@pytest.fixture(scope="session")
def smoke_runs(tmp_path_factory):
    """Run every chapter that has a usable preset, two at a time, without stopping at a failure."""
    out = tmp_path_factory.mktemp("smoke")
    jobs = [
        Job(c, p, out / f"{c.slug}.ipynb", out / "failed" / f"{c.slug}.ipynb")
        for c in CHAPTERS
        if (p := usable_preset(c)) is not None
    ]
    report = run_jobs(jobs, n_jobs=2, stop_on_failure=False, progress=False, execution_timeout=900)
    return {o.job.chapter.slug: o for o in report.outcomes}


@pytest.mark.parametrize("chapter", per_chapter())
def test_smoke_preset_exists_and_changes_a_default(chapter):
    preset = relative_to_repo(chapter.smoke_preset)
    assert chapter.smoke_preset.is_file(), (
        f"{chapter.slug} has no smoke preset: add {preset} with parameters that differ from the defaults "
        "(see notebooks/params/README.md)"
    )
    parameters = load_preset(chapter.smoke_preset)
    check_parameters(chapter, parameters)  # a ValueError names the parameter the template lacks
    assert non_default(chapter, parameters), f"{preset} sets no parameter away from its default"


@pytest.mark.parametrize("chapter", per_chapter())
def test_every_preset_names_parameters_the_chapter_defines(chapter):
    for name in chapter.presets():
        check_parameters(chapter, load_preset(chapter.preset(name)))


@pytest.mark.parametrize("chapter", per_chapter())
def test_chapter_runs_with_its_smoke_preset(chapter, smoke_runs):
    if chapter.slug not in smoke_runs:
        pytest.fail(f"{chapter.slug} was not run: its smoke preset is missing or invalid (see the preset test)")
    outcome = smoke_runs[chapter.slug]
    assert outcome.status == "ok", failure_message(outcome)
    nb = nbformat.read(str(outcome.job.output), as_version=4)
    assert nb.metadata.papermill.parameters == outcome.job.parameters
    problems = execution_problems(nb, f"{chapter.slug} (smoke run)")
    assert not problems, "\n".join(problems)
