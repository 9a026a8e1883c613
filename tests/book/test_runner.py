"""`adaptlib run`: chapter names, parameters, refusals, execution, failures, parallel stop.

Notebooks here are throwaway templates in a temporary layout (see conftest.book_layout);
the few tests that execute one start a real kernel, so they take a second or two each.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

from adaptlib.book import runner
from adaptlib.book.chapters import (
    HIDDEN_TAG,
    INJECTED_CELL_ID,
    INJECTED_TAG,
    Chapter,
    find_chapters,
    resolve_chapter,
    staleness_problems,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.5", 0.5), ("3", 3), ("true", True), ("width", "width"), ("[a, b]", ["a", "b"]), ("null", None), ("1e3", 1000.0),
     ("010", 10), ("-.5", -0.5), ("data/x.csv", "data/x.csv")],
)
def test_parameter_values_are_yaml_scalars(text, value):
    parsed = runner.parse_value(text)
    assert parsed == value and type(parsed) is type(value)


def test_chapters_are_named_by_number_slug_or_path(demo_chapter, book_layout):
    demo_chapter("03_constant_alpha")
    demo_chapter("10_beyond_the_oracle")
    chapters = find_chapters(book_layout["notebooks"])
    assert [c.slug for c in chapters] == ["03_constant_alpha", "10_beyond_the_oracle"]
    for spec in ("3", "03", "03_constant_alpha", "constant_alpha", str(book_layout["notebooks"] / "03_constant_alpha.ipynb")):
        assert resolve_chapter(spec, chapters).slug == "03_constant_alpha"
    assert resolve_chapter("10", chapters).number == 10
    with pytest.raises(ValueError, match=r"no chapter 'constant_alpah' \(did you mean 'constant_alpha'\?\); chapters: 03_constant_alpha, 10_beyond"):
        resolve_chapter("constant_alpah", chapters)
    with pytest.raises(ValueError, match="no chapter '7'"):
        resolve_chapter("7", chapters)


def test_unknown_parameter_is_refused_with_the_accepted_ones(demo_chapter, capsys):
    demo_chapter()
    assert runner.main(["3", "-p", "alhpa", "0.5"]) == 2
    err = capsys.readouterr().err
    assert "chapter 03_demo has no parameter 'alhpa' (did you mean 'alpha'?)" in err
    assert "alpha (default 1.0), family (default \"width\")" in err


def test_to_book_refuses_custom_parameters_unless_forced(demo_chapter, book_layout, capsys):
    demo_chapter()
    assert runner.main(["3", "--to-book", "-p", "alpha", "0.5"]) == 2
    err = capsys.readouterr().err
    assert "--to-book takes default parameters only (03_demo: alpha = 0.5)" in err
    assert "--output-dir" in err and "--force" in err
    assert not any(book_layout["book"].iterdir())


def _alive_after_grace(pid: int, grace: float = 30.0) -> bool:
    """Whether process ``pid`` still runs after up to ``grace`` seconds (a kernel exits when its parent goes)."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.2)
    return True


def test_output_dir_and_parameter_file_mistakes_are_refused(demo_chapter, book_layout, tmp_path, capsys):
    demo_chapter()
    a_file = tmp_path / "taken"
    a_file.write_text("")
    assert runner.main(["3", "--output-dir", str(a_file)]) == 2
    assert f"--output-dir {a_file}: is a file; give a folder" in capsys.readouterr().err
    assert runner.main(["3", "-p", "alpha", "0.5", "--output-dir", str(book_layout["book"] / "sub")]) == 2
    assert "is inside book/, which changes only through --to-book" in capsys.readouterr().err
    assert runner.main(["3", "-f", str(tmp_path / "missing.yaml")]) == 2
    assert f"{tmp_path / 'missing.yaml'}: no such file; give a YAML file" in capsys.readouterr().err
    assert not any(book_layout["book"].iterdir())


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("alpha", "high", "parameter 'alpha' = 'high' is str; it must be a number"),
    ("alpha", "true", "parameter 'alpha' = True is bool; it must be a number"),
    ("family", "3", "parameter 'family' = 3 is int; it must be text"),
])
def test_a_parameter_of_the_wrong_type_is_refused_before_any_kernel_starts(demo_chapter, book_layout, capsys,
                                                                         name, value, expected):
    demo_chapter()
    assert runner.main(["3", "-p", name, value]) == 2
    assert expected in capsys.readouterr().err
    assert not any(book_layout["runs"].iterdir())  # nothing ran: no notebook, not even a failed one


def test_command_line_mistakes_are_refused(demo_chapter, capsys):
    demo_chapter()
    assert runner.main([]) == 2
    assert "name a chapter (e.g. 3 or 03_constant_alpha) or use --all; chapters: 03_demo" in capsys.readouterr().err
    assert runner.main(["3", "--force"]) == 2
    assert "--force only applies with --to-book" in capsys.readouterr().err
    assert runner.main(["3", "--preset", "nosuch"]) == 2
    assert "chapter 03_demo has no preset 'nosuch'" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.integration
def test_a_run_records_parameters_hides_the_injected_cell_and_drops_run_times(demo_chapter, book_layout, tmp_path):
    template = demo_chapter(cells=["import os\nprint(alpha, family, os.getcwd())\nopen('written.txt', 'w').close()",
                                      "from ipykernel.kernelapp import IPKernelApp\nprint(IPKernelApp.instance().transport)"])
    preset = tmp_path / "mine.yaml"
    preset.write_text("alpha: 0.25\nfamily: mixed\n")
    out = tmp_path / "out"
    assert runner.main(["03_demo", "-f", str(preset), "-p", "alpha", "0.5", "--output-dir", str(out)]) == 0
    nb = nbformat.read(str(out / "03_demo.ipynb"), as_version=4)
    assert nb.metadata.papermill.parameters == {"alpha": 0.5, "family": "mixed"}  # -p wins over -f
    assert {"start_time", "end_time", "duration"}.isdisjoint(nb.metadata.papermill)
    assert nb.metadata.papermill.input_path == template.name  # never an absolute path
    injected = [c for c in nb.cells if INJECTED_TAG in c.metadata.get("tags", [])]
    assert len(injected) == 1 and HIDDEN_TAG in injected[0].metadata.tags and injected[0].id == INJECTED_CELL_ID
    assert all("execution" not in c.metadata and "papermill" not in c.metadata for c in nb.cells)
    assert nb.cells[-1].outputs[0].text.strip() == "ipc"  # no TCP port to race for (adaptlib.book.kernels)
    printed = nb.cells[-2].outputs[0].text.split()
    assert printed[:2] == ["0.5", "mixed"] and Path(printed[2]) == out  # kernel cwd: the run's folder
    assert (out / "written.txt").is_file(), "a file the chapter writes goes beside its executed notebook"
    assert not any(book_layout["book"].iterdir()), "a custom run must not write into book/"


@pytest.mark.slow
@pytest.mark.integration
def test_a_book_run_passes_the_staleness_checks_until_the_template_changes(demo_chapter, book_layout):
    template = demo_chapter()
    assert runner.main(["3", "--to-book"]) == 0
    chapter = Chapter("03_demo", template)
    assert staleness_problems(chapter) == []
    nb = nbformat.read(str(template), as_version=4)
    nb.cells[-1].source = "print(family, alpha)"
    nbformat.write(nb, str(template))
    assert any("cell 3 differs from the template" in p for p in staleness_problems(chapter))


@pytest.mark.slow
@pytest.mark.integration
def test_a_failing_chapter_reports_cell_line_and_error_without_traceback(demo_chapter, book_layout, capsys):
    demo_chapter()
    before = sorted(book_layout["book"].iterdir())
    assert runner.main(["3", "-p", "alpha", "1.5"]) == 1
    out = capsys.readouterr()
    assert "chapter 03_demo failed at cell 3 of the template (In [3]: line 2: alpha = require_number(" in out.err
    assert "ValueError: parameter 'alpha' = 1.5 is out of range; it must be a number in [0, 1]" in out.err
    assert "Traceback" not in out.err + out.out
    kept = book_layout["runs"] / "03_demo.ipynb"
    assert f"the notebook as far as it ran: {kept}" in out.err
    assert any(o.output_type == "error" for c in nbformat.read(str(kept), 4).cells for o in c.get("outputs", []))
    assert sorted(book_layout["book"].iterdir()) == before


@pytest.mark.slow
@pytest.mark.integration
def test_a_failure_in_a_book_run_leaves_book_untouched(demo_chapter, book_layout, capsys):
    demo_chapter()
    assert runner.main(["3", "--to-book"]) == 0
    executed = book_layout["book"] / "03_demo.ipynb"
    good = executed.read_bytes()
    demo_chapter(cells=["raise RuntimeError('broken on purpose')"])
    assert runner.main(["3", "--to-book"]) == 1
    assert "RuntimeError: broken on purpose" in capsys.readouterr().err
    assert executed.read_bytes() == good
    assert (book_layout["runs"] / "03_demo.ipynb").is_file()


@pytest.mark.slow
@pytest.mark.integration
def test_parallel_run_stops_the_others_at_the_first_failure(demo_chapter, book_layout, tmp_path):
    pid_file = tmp_path / "slow.pid"
    slow = Chapter("01_slow", demo_chapter("01_slow", [
        f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(3600)"]))
    broken = Chapter("02_broken", demo_chapter("02_broken", ["import time\ntime.sleep(1)\nraise KeyError('missing')"]))
    late = Chapter("04_late", demo_chapter("04_late"))
    jobs = [runner.Job(c, {}, tmp_path / f"{c.slug}.ipynb", tmp_path / "failed" / f"{c.slug}.ipynb") for c in (slow, broken, late)]
    report = runner.run_jobs(jobs, n_jobs=2, progress=False)  # returns only once the slow one is stopped
    assert [o.status for o in report.outcomes] == ["cancelled", "failed", "not started"]
    failure = report.failed[0].failure
    assert (failure.ename, failure.evalue, failure.cell) == ("KeyError", "'missing'", 4)
    assert "stopped the rest: 01_slow (cancelled), 04_late (not started)" in runner.summary_message(report)
    if pid_file.is_file():  # the slow kernel had started: it must not outlive the run
        assert not _alive_after_grace(int(pid_file.read_text())), "the cancelled chapter's kernel is still running"
    assert not (tmp_path / "01_slow.ipynb").exists()


def _exit_without_reporting(job, execution_timeout, connection):
    """Stands in for ``runner._worker`` in the child process: exits without sending an outcome."""
    os._exit(0 if job.chapter.slug == "01_silent" else 3)


@pytest.mark.slow
@pytest.mark.integration
def test_a_worker_that_exits_without_reporting_fails_its_chapter_instead_of_hanging(monkeypatch, tmp_path):
    # The child process is spawned, so it finds this function by name in this module: no kernel starts.
    monkeypatch.setattr(runner, "_worker", _exit_without_reporting)
    chapters = [Chapter(slug, tmp_path / f"{slug}.ipynb") for slug in ("01_silent", "02_crashed")]
    jobs = [runner.Job(c, {}, tmp_path / "out" / f"{c.slug}.ipynb", tmp_path / "failed" / f"{c.slug}.ipynb") for c in chapters]
    report = runner.run_jobs(jobs, n_jobs=2, stop_on_failure=False, progress=False)
    assert [(o.job.chapter.slug, o.status) for o in report.outcomes] == [("01_silent", "failed"), ("02_crashed", "failed")]
    silent, crashed = (o.failure for o in report.outcomes)
    assert (silent.ename, silent.evalue) == ("WorkerDied", "the process running it exited (code 0) without reporting an outcome")
    assert (crashed.ename, crashed.evalue) == ("WorkerDied", "the process running it exited with code 3 without reporting an outcome")
    assert "chapter 01_silent failed before or between cells:\n    WorkerDied: the process running it exited (code 0)" in runner.failure_message(report.outcomes[0])
    assert not (tmp_path / "out").exists()
