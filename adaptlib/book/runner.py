"""``adaptlib run``: execute the book's chapters with papermill, in parallel, with parameters.

    adaptlib run 3 -p alpha 0.5                 # one chapter, custom parameter, into runs/
    adaptlib run --all --to-book                # every chapter with its defaults, into book/
    adaptlib run 03_constant_alpha -f my.yaml --output-dir my_runs
    adaptlib run --list                         # chapters, their parameters and presets

Each chapter is a template ``notebooks/NN_slug.ipynb``; papermill injects the parameters after
its ``parameters`` cell and executes it in a fresh ``python3`` kernel of the current interpreter,
whose working directory is the folder the executed notebook goes to: the files a chapter writes
(``adaptlib.chapter.params.output_path``) land beside it. The result is normalised (no run times, the
injected cell hidden on the site) and written to ``--output-dir`` (default ``runs/``), or to
``book/`` with ``--to-book``, which takes default parameters only: nothing else writes into
``book/``. A failing chapter stops the run and reports the cell and
the error; the notebook as far as it ran is kept for inspection.
"""
from __future__ import annotations

import argparse
import difflib
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import yaml

from adaptlib.book.chapters import (
    INJECTED_TAG,
    Chapter,
    find_chapters,
    load_preset,
    normalise_executed,
    relative_to_repo,
    resolve_chapter,
    same_value,
    template_parameters,
)
from adaptlib.book.paths import BOOK_DIR, NOTEBOOKS_DIR, REPO_ROOT

DEFAULT_OUTPUT_DIR = REPO_ROOT / "runs"


@dataclass(frozen=True)
class Job:
    """One chapter to execute, with its parameters and where its notebook goes."""

    chapter: Chapter
    parameters: dict[str, Any]
    output: Path  # the executed notebook, written only if the run succeeds
    failed_output: Path  # where the notebook of a failed run is kept


@dataclass(frozen=True)
class Failure:
    """Where and why a chapter stopped."""

    cell: int | None  # 1-based position of the cell in the template (None: not in a cell)
    execution_count: int | None
    first_line: str
    ename: str
    evalue: str
    injected: bool = False  # the failing cell is papermill's injected-parameters cell


@dataclass(frozen=True)
class Outcome:
    job: Job
    status: str  # "ok", "failed", "cancelled", "not started"
    seconds: float = 0.0
    failure: Failure | None = None
    kept: Path | None = None  # the failed notebook, if one was written


@dataclass
class RunReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def ok(self) -> bool:
        return all(o.status == "ok" for o in self.outcomes)


# ---------------------------------------------------------------------------- parameters
_INTEGER = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def parse_value(text: str) -> Any:
    """A ``-p`` value as a YAML scalar: ``0.5`` and ``1e3`` are floats, ``010`` the integer 10,
    ``true`` a bool, ``null`` None, ``[a, b]`` a list, anything else a string.

    Numbers are read as decimal first (YAML 1.1 would read ``1e3`` as text and ``010`` as octal).
    """
    stripped = text.strip()
    if _INTEGER.match(stripped):
        return int(stripped)
    if _FLOAT.match(stripped):
        return float(stripped)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def check_parameters(chapter: Chapter, parameters: dict[str, Any]) -> None:
    """Refuse parameters the template's ``parameters`` cell does not define (papermill only warns)."""
    declared = template_parameters(chapter.template)
    if not declared:
        raise ValueError(
            f"chapter {chapter.slug}: {relative_to_repo(chapter.template)} has no cell tagged 'parameters'"
        )
    unknown = [name for name in parameters if name not in declared]
    if unknown:
        hints = [difflib.get_close_matches(n, list(declared), n=1) for n in unknown]
        did_you_mean = "".join(f" (did you mean {h[0]!r}?)" for h in hints if h)
        accepted = ", ".join(f"{p.name} (default {p.default})" for p in declared.values())
        raise ValueError(
            f"chapter {chapter.slug} has no parameter {', '.join(map(repr, unknown))}{did_you_mean}; "
            f"it accepts: {accepted}"
        )
    for name, value in parameters.items():
        problem = _type_problem(declared[name].type_name, value)
        if problem:
            raise ValueError(
                f"chapter {chapter.slug}: parameter {name!r} = {value!r} is {type(value).__name__}; it must be "
                f"{problem} ({declared[name].help or 'see adaptlib run --list'})"
            )


def _type_problem(type_name: str, value: Any) -> str | None:
    """What ``value`` should be for a parameter annotated ``type_name``, or None if it fits.

    The checks the runner can make before a kernel starts; ranges and choices are the
    chapter's own validation cell's (adaptlib.chapter.params).
    """
    if type_name == "float" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return "a number, e.g. -p NAME 0.5"
    if type_name == "int" and (isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, float) and value.is_integer()))):
        return "a whole number, e.g. -p NAME 3"
    if type_name == "bool" and not isinstance(value, bool):
        return "true or false"
    if type_name == "str" and not isinstance(value, str):
        return "text (a number or true/false is read as such: quote it, e.g. -p NAME \"'8'\")"
    if type_name == "list" and not isinstance(value, (list, tuple)):
        return "a list, e.g. -p NAME '[a, b]'"
    return None


def non_default(chapter: Chapter, parameters: dict[str, Any]) -> dict[str, Any]:
    """The parameters whose value differs from the template's default."""
    declared = template_parameters(chapter.template)
    return {k: v for k, v in parameters.items() if not same_value(v, declared[k])}


# ----------------------------------------------------------------------------- execution
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ARROW = re.compile(r"^-+> ?(?P<line>\d+)\s?(?P<code>.*)$")  # IPython's "----> 2 code" marker


def _first_line(source: str) -> str:
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    return lines[0][:80] if lines else ""


def _failing_line(traceback: list[str], source: str) -> str:
    """``line N: code`` of the cell's own frame, from IPython's traceback; else the cell's first line."""
    for line in _ANSI.sub("", "\n".join(traceback)).splitlines():
        match = _ARROW.match(line.strip())
        if match:
            return f"line {match['line']}: {match['code'].strip()[:80]}"
    return _first_line(source)


def _failure_from_error(err: Exception, nb_path: Path) -> Failure:
    """Turn papermill's error into a Failure, counting cells as in the template."""
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    if not isinstance(err, PapermillExecutionError):
        evalue = str(err).strip().splitlines()
        return Failure(None, None, "", type(err).__name__, evalue[0] if evalue else "")
    cells = nbformat.read(str(nb_path), as_version=4).cells if nb_path.is_file() else []
    # papermill added error markers and maybe an injected cell: count only the template's cells.
    position, injected = None, False
    ours = [c for c in cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    for index, cell in enumerate(ours):
        if cell.get("cell_type") == "code" and cell.get("execution_count") == err.exec_count and any(
            o.get("output_type") == "error" for o in cell.get("outputs", [])
        ):
            injected = INJECTED_TAG in cell.get("metadata", {}).get("tags", [])
            before = sum(INJECTED_TAG in c.get("metadata", {}).get("tags", []) for c in ours[:index])
            position = index - before + 1
            break
    return Failure(position, err.exec_count, _failing_line(err.traceback or [], err.source), err.ename, str(err.evalue).strip(), injected)


def execute(job: Job, *, execution_timeout: float | None = None) -> Outcome:
    """Execute one chapter; write its normalised notebook on success, keep it for inspection on failure."""
    import nbformat
    import papermill

    from adaptlib.book.kernels import START_TIMEOUT, AsyncIPCKernelManager

    start = time.perf_counter()
    job.output.parent.mkdir(parents=True, exist_ok=True)  # the kernel's working directory
    scratch = Path(tempfile.mkdtemp(prefix="adaptlib-run-"))
    partial = scratch / f"{job.chapter.slug}.ipynb"
    try:
        try:
            nb = papermill.execute_notebook(
                str(job.chapter.template),
                str(partial),
                parameters=job.parameters or None,
                # Not after every cell: papermill would rewrite the whole notebook (its figures
                # included) twice per cell, 2 s of chapter 09's 7. A cell error still writes it.
                request_save_on_cell_execute=False,
                kernel_name="python3",
                progress_bar=False,
                cwd=str(job.output.parent),
                execution_timeout=execution_timeout,
                start_timeout=START_TIMEOUT,
                kernel_manager_class=AsyncIPCKernelManager,
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],  # no transport notices on the terminal
            )
        except Exception as err:  # any kernel or cell error stops this chapter
            failure = _failure_from_error(err, partial)
            kept = None
            if partial.is_file():
                job.failed_output.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(partial), job.failed_output)
                kept = job.failed_output
            return Outcome(job, "failed", time.perf_counter() - start, failure, kept)
        nb = normalise_executed(nb, template=job.chapter.template, output=job.output)
        staged = job.output.with_name(f".{job.output.name}.partial")
        nbformat.write(nb, str(staged))
        os.replace(staged, job.output)
        return Outcome(job, "ok", time.perf_counter() - start)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _worker(job: Job, execution_timeout: float | None, connection: Connection) -> None:
    """Body of a worker process: run one chapter and send the outcome back, whatever happens."""
    start = time.perf_counter()
    try:
        outcome = execute(job, execution_timeout=execution_timeout)
    except Exception as err:  # a bug outside the notebook: still one tidy report
        outcome = Outcome(job, "failed", time.perf_counter() - start, Failure(None, None, "", type(err).__name__, str(err)))
    connection.send(outcome)
    connection.close()


def _prepare_environment() -> None:
    """Settings inherited by every kernel: fixed hash seed (stable set order), warm font cache."""
    os.environ.setdefault("PYTHONHASHSEED", "0")
    import matplotlib.font_manager  # noqa: F401  builds the font cache once, not inside a chapter


def run_jobs(
    jobs: Sequence[Job],
    *,
    n_jobs: int = 2,
    stop_on_failure: bool = True,
    progress: bool = True,
    execution_timeout: float | None = None,
) -> RunReport:
    """Execute ``jobs``, ``n_jobs`` at a time, each in its own process and kernel.

    With ``stop_on_failure``, the first failure terminates the running chapters ("cancelled")
    and skips the rest ("not started"). One line is printed per chapter as it finishes.
    """
    from tqdm import tqdm

    _prepare_environment()
    report = RunReport()
    bar = tqdm(total=len(jobs), unit="chapter", disable=not progress or not sys.stderr.isatty(), leave=False)

    def finish(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        bar.update(1)
        if progress:
            where = shown(outcome.job.output) if outcome.status == "ok" else outcome.status.upper()
            done = sum(o.status in ("ok", "failed") for o in report.outcomes)
            bar.write(f"[{done}/{len(jobs)}] {outcome.job.chapter.slug:<28} {outcome.seconds:6.1f} s  {where}", file=sys.stdout)

    try:
        if n_jobs <= 1 or len(jobs) <= 1:
            _run_serially(jobs, finish, report, stop_on_failure, execution_timeout)
        else:
            _run_in_parallel(jobs, n_jobs, finish, report, stop_on_failure, execution_timeout)
    finally:
        bar.close()
    order = {job.chapter.slug: i for i, job in enumerate(jobs)}
    report.outcomes.sort(key=lambda o: order[o.job.chapter.slug])
    return report


def _run_serially(jobs, finish, report, stop_on_failure, execution_timeout) -> None:
    for index, job in enumerate(jobs):
        outcome = execute(job, execution_timeout=execution_timeout)
        finish(outcome)
        if outcome.status == "failed" and stop_on_failure:
            report.outcomes.extend(Outcome(j, "not started") for j in jobs[index + 1:])
            return


def _await_outcome(process: Any, reader: Connection) -> Outcome | None:
    """In a pool thread: the outcome the worker process sends, or None if it exits without one.

    The worker holds the pipe's only write end, which closes when it exits in any way: nothing
    waits for a result that will never come.
    """
    try:
        return reader.recv()
    except (EOFError, OSError):  # exited (or was terminated) before sending all of it
        return None
    finally:
        reader.close()
        process.join()


def _run_in_parallel(jobs, n_jobs, finish, report, stop_on_failure, execution_timeout) -> None:
    """Each chapter in a worker process of its own, waited for by one of ``n_jobs`` threads.

    Only this thread starts and stops workers: a chapter starts once one has finished and its
    outcome is handled, and a cancelled chapter's worker is terminated (its kernel notices its
    parent is gone and exits). Not a ``ProcessPoolExecutor``: it cannot stop a running task, and a
    worker that dies breaks the whole pool instead of failing its own chapter.
    """
    context = multiprocessing.get_context("spawn")  # no fork of a process that holds threads
    pending = deque(jobs)
    running: dict[Future, tuple[Job, Any, float]] = {}  # -> (job, worker process, start time)
    stopping = False

    def stop() -> None:
        nonlocal stopping
        stopping = True
        for _, process, _ in running.values():
            process.terminate()
        report.outcomes.extend(Outcome(job, "not started") for job in pending)
        pending.clear()

    with ThreadPoolExecutor(max_workers=n_jobs, thread_name_prefix="adaptlib-run") as pool:
        try:
            while pending or running:
                while pending and len(running) < n_jobs and not stopping:
                    job = pending.popleft()
                    reader, writer = context.Pipe(duplex=False)
                    process = context.Process(target=_worker, args=(job, execution_timeout, writer), daemon=True)
                    started = time.perf_counter()
                    process.start()
                    writer.close()  # the worker's copy is now the only write end
                    running[pool.submit(_await_outcome, process, reader)] = (job, process, started)
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    job, process, started = running.pop(future)
                    outcome = future.result()
                    if outcome is None and stopping:
                        report.outcomes.append(Outcome(job, "cancelled", time.perf_counter() - started))
                        continue
                    if outcome is None:
                        code = process.exitcode
                        why = f"exited with code {code}" if code else "exited (code 0)"
                        failure = Failure(None, None, "", "WorkerDied", f"the process running it {why} without reporting an outcome")
                        outcome = Outcome(job, "failed", time.perf_counter() - started, failure)
                    finish(outcome)
                    if outcome.status == "failed" and stop_on_failure and not stopping:
                        stop()
        finally:
            if running:  # interrupted: no worker outlives the run (the pool then waits for them)
                stop()


# ------------------------------------------------------------------------------ messages
def shown(path: Path) -> str:
    """A path for the terminal: relative to the repository when inside it."""
    try:
        return Path(path).resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def failure_message(outcome: Outcome) -> str:
    """One tidy paragraph: chapter, cell, error; where the partial notebook is."""
    failure = outcome.failure
    assert failure is not None
    if failure.injected:
        where = "in the injected-parameters cell (a parameter value papermill could not write as Python)"
    elif failure.cell is not None:
        where = f"at cell {failure.cell} of the template (In [{failure.execution_count}]: {failure.first_line})"
    else:
        where = "before or between cells"
    lines = [f"chapter {outcome.job.chapter.slug} failed {where}:"]
    text = failure.evalue.splitlines() or [""]
    lines.append(f"    {failure.ename}: {text[0]}")
    lines.extend(f"    {line}" for line in text[1:6])
    if outcome.kept is not None:
        lines.append(f"  the notebook as far as it ran: {shown(outcome.kept)}")
    return "\n".join(lines)


def summary_message(report: RunReport) -> str:
    stopped = [o for o in report.outcomes if o.status in ("cancelled", "not started")]
    if not stopped:
        return ""
    listed = ", ".join(f"{o.job.chapter.slug} ({o.status})" for o in stopped)
    return f"  stopped the rest: {listed}"


# ---------------------------------------------------------------------------------- CLI
def register(subparsers: Any) -> None:
    """Add the ``run`` subcommand to ``adaptlib``."""
    parser = subparsers.add_parser(
        "run",
        help="execute the book's chapters (papermill), with parameters",
        description="Execute the book's chapter templates (notebooks/NN_slug.ipynb) with papermill, "
        "in parallel, into runs/ (or --output-dir), or into book/ with --to-book. Parameters come from "
        "--preset NAME (notebooks/params/NN_slug.NAME.yaml), -f FILE.yaml and -p NAME VALUE (read as "
        "YAML), later ones winning; names the chapter does not define are refused.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("chapters", nargs="*", metavar="CHAPTER", help="number (3, 03), slug (03_constant_alpha) or path to a notebook")
    parser.add_argument("--all", action="store_true", help="every chapter in notebooks/")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"), dest="parameters", help="set a parameter; VALUE is read as YAML (0.5, true, [a, b], text)")
    parser.add_argument("-f", "--parameters-file", type=Path, metavar="FILE", help="YAML file of name: value")
    parser.add_argument("--preset", metavar="NAME", help="the preset notebooks/params/NN_slug.NAME.yaml of each chapter")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--output-dir", type=Path, metavar="DIR", help="where executed notebooks go (default: runs/)")
    where.add_argument("--to-book", action="store_true", help="write into book/ (default parameters only)")
    parser.add_argument("--force", action="store_true", help="with --to-book: accept non-default parameters")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, metavar="N", help="chapters run at once (default: one per core)")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="stop a cell that runs longer than this")
    parser.add_argument("--list", action="store_true", help="list the chapters, their parameters and presets, and exit")
    parser.set_defaults(func=handle)


def _list_chapters(chapters: list[Chapter]) -> int:
    if not chapters:
        print("no chapter templates in notebooks/ yet")
    for chapter in chapters:
        presets = ", ".join(chapter.presets()) or "none"
        print(f"{chapter.slug}  (presets: {presets})")
        for p in template_parameters(chapter.template).values():
            print(f"    -p {p.name} {p.default:<16} {p.type_name:<8} {p.help}")
    return 0


def build_jobs(args: argparse.Namespace, chapters: list[Chapter]) -> list[Job]:
    """Validate the command line and turn it into jobs (ValueError on anything wrong)."""
    if args.jobs < 1:
        raise ValueError(f"--jobs {args.jobs}: give at least 1")
    if args.force and not args.to_book:
        raise ValueError("--force only applies with --to-book")
    if args.all and args.chapters:
        raise ValueError("give chapters or --all, not both")
    if not args.all and not args.chapters:
        known = ", ".join(c.slug for c in chapters) or "none yet"
        raise ValueError(f"name a chapter (e.g. 3 or 03_constant_alpha) or use --all; chapters: {known}")
    selected = chapters if args.all else [resolve_chapter(spec, chapters) for spec in args.chapters]
    selected = list({c.slug: c for c in selected}.values())  # each chapter once, in the order given
    common = load_preset(args.parameters_file) if args.parameters_file else {}
    common.update({name: parse_value(value) for name, value in args.parameters})
    output_dir = BOOK_DIR if args.to_book else _output_dir(args.output_dir or DEFAULT_OUTPUT_DIR)
    jobs = []
    for chapter in selected:
        parameters = {}
        if args.preset:
            if not chapter.preset(args.preset).is_file():
                raise ValueError(
                    f"chapter {chapter.slug} has no preset {args.preset!r} "
                    f"({relative_to_repo(chapter.preset(args.preset))}); its presets: {', '.join(chapter.presets()) or 'none'}"
                )
            parameters.update(load_preset(chapter.preset(args.preset)))
        parameters.update(common)
        check_parameters(chapter, parameters)
        if args.to_book:
            _check_book_run(chapter, parameters, args.force)
        failed_dir = DEFAULT_OUTPUT_DIR if args.to_book else output_dir
        jobs.append(Job(chapter, parameters, output_dir / f"{chapter.slug}.ipynb", failed_dir / f"{chapter.slug}.ipynb"))
    return jobs


def _output_dir(given: Path) -> Path:
    """``--output-dir``, refused where it is a file or inside ``book/`` (which --to-book owns)."""
    folder = given.expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"--output-dir {given}: is a file; give a folder (created if missing)")
    if folder.is_relative_to(BOOK_DIR.resolve()):
        raise ValueError(
            f"--output-dir {given}: is inside book/, which changes only through --to-book (default "
            "parameters, checked by the staleness tests); write this run elsewhere, e.g. runs/"
        )
    return folder


def _check_book_run(chapter: Chapter, parameters: dict[str, Any], force: bool) -> None:
    if not chapter.in_book:
        raise ValueError(
            f"{chapter.template} is not a template in notebooks/, so it cannot be executed into book/; "
            "use --output-dir"
        )
    custom = non_default(chapter, parameters)
    if custom and not force:
        shown = ", ".join(f"{k} = {v!r}" for k, v in custom.items())
        raise ValueError(
            f"--to-book takes default parameters only ({chapter.slug}: {shown}): book/ shows the paper's "
            "settings and the staleness tests check that it does. Write this run elsewhere with "
            "--output-dir DIR (default runs/), or add --force to overwrite book/ anyway"
        )


def handle(args: argparse.Namespace) -> int:
    """Run the chapters the command line names; 0 if all succeeded, 1 if one failed."""
    chapters = find_chapters(NOTEBOOKS_DIR)
    if args.list:
        return _list_chapters(chapters)
    if args.all and not chapters:
        print("no chapter templates in notebooks/ yet; nothing to run")
        return 0
    jobs = build_jobs(args, chapters)
    target = shown(jobs[0].output.parent) + "/"
    n_jobs = min(args.jobs, len(jobs))
    print(f"running {len(jobs)} chapter(s) into {target} on {n_jobs} worker(s)", flush=True)
    start = time.perf_counter()
    report = run_jobs(jobs, n_jobs=n_jobs, execution_timeout=args.timeout)
    if report.ok:
        print(f"done: {len(jobs)} chapter(s) in {time.perf_counter() - start:.1f} s")
        return 0
    for outcome in report.failed:
        print(f"adaptlib run: {failure_message(outcome)}", file=sys.stderr)
    rest = summary_message(report)
    if rest:
        print(rest, file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    """``python -m adaptlib.book.runner``: the same as ``adaptlib run``."""
    from adaptlib.cli import main as adaptlib_main

    return adaptlib_main(["run", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
