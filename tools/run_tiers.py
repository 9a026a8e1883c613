#!/usr/bin/env python3
"""Run the book's test tiers, each as its own pytest run, in two lanes side by side (`make test`).

    python tools/run_tiers.py                 # every tier
    python tools/run_tiers.py unit staleness  # some tiers
    python tools/run_tiers.py --fail-fast     # stop at the first failing tier

Tiers: unit (tests not marked slow), integration (subprocesses, kernels, the refit), smoke (every template run with its smoke preset), nbval
(book/*.ipynb re-executed and compared), staleness (book/ matches notebooks/), site (the
Jupyter Book build with warnings as errors), links (internal links and anchors of that build),
browser (its pages in headless Chromium), student (the edition without solutions, JupyterLab),
pdf (the book and the student edition as PDFs, read back with pdftotext).
The tiers of one run share a single site build (built once, under a lock, by the first tier
that needs it). The two lanes (LANES) run at the same time, each tier of a lane after the one
before it: the machine has two cores, and much of a tier's time is a kernel or a browser
starting. A tier's output is printed when it ends. A tier that collects no test fails, unless
its emptiness is legitimate (smoke and nbval before any chapter exists), which is said aloud.
Ends with one line per tier and a total line "N passed, N failed, N skipped".
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NO_TESTS_COLLECTED = 5  # pytest's exit status


def templates() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def executed() -> list[Path]:
    return sorted((ROOT / "book").glob("*.ipynb"))


@dataclass(frozen=True)
class Tier:
    name: str
    what: str
    args: Callable[[], list[str]]
    # Returns a reason when an empty tier is legitimate, None when it must run tests.
    empty_is_fine: Callable[[], str | None] = lambda: None
    # Files the tier checks, one pytest process each, run WORKERS at a time.
    files: Callable[[], list[str]] | None = None


def _no_chapters() -> str | None:
    return None if templates() else "no chapter templates in notebooks/ yet"


TIERS = [
    Tier("unit", "unit and property tests", lambda: ["tests", "-m", "not slow"]),
    Tier("integration", "subprocesses, kernels, the real refit", lambda: ["tests", "-m", "integration"]),
    Tier("smoke", "every template with its smoke preset", lambda: ["tests", "-m", "smoke"], _no_chapters),
    Tier(
        "nbval",
        "book/ notebooks re-executed and compared",
        lambda: ["-q", "-p", "adaptlib.book.kernels", "--nbval", "--nbval-current-env",
                 "--nbval-kernel-startup-timeout", "300", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
                 "--nbval-cell-timeout", "900"],
        _no_chapters,
        lambda: [p.relative_to(ROOT).as_posix() for p in executed()],
    ),
    Tier("staleness", "book/ executed from the current templates", lambda: ["tests", "-m", "staleness"]),
    Tier("site", "Jupyter Book build, warnings as errors", lambda: ["tests", "-m", "site"]),
    Tier("links", "every internal link and anchor of the built site", lambda: ["tests", "-m", "links"]),
    Tier("browser", "every page in headless Chromium: console, offline, images, math, references, search",
         lambda: ["tests", "-m", "browser"]),
    Tier("student", "the student edition holds no solution; JupyterLab starts", lambda: ["tests", "-m", "student"]),
    Tier("pdf", "the book and its student edition as PDFs (XeLaTeX), read back with pdftotext",
         lambda: ["tests", "-m", "pdf"]),
]


# The tiers that run one after the other; the lanes run side by side. The first lane is the
# package and the notebooks' kernels, the second the built site, the browser and TeX.
LANES = (("unit", "integration", "staleness", "smoke", "nbval"), ("site", "links", "browser", "student", "pdf"))


@dataclass
class Result:
    tier: Tier
    status: str  # PASSED, FAILED, EMPTY (legitimately)
    note: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0


def _counts(junit: Path) -> tuple[int, int, int]:
    """(passed, failed, skipped) from pytest's JUnit XML report."""
    if not junit.is_file():
        return 0, 0, 0
    root = ET.parse(junit).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    tests = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    return tests - failed - skipped, failed, skipped


WORKERS = min(2, os.cpu_count() or 1)
_PRINT = threading.Lock()  # one tier's output at a time


def _run_pytest(commands: list[list[str]], env: dict[str, str], log_prefix: Path, out) -> int:
    """Run the pytest commands, WORKERS at a time when several, each one's output written to ``out``
    as it ends.

    Returns the worst exit status: a failure (1-4) over "no tests collected" (5) over success.
    """
    def run(number: int) -> int:
        log = log_prefix.with_name(f"{log_prefix.name}-{number}.log")
        with log.open("w") as handle:
            status = subprocess.run(commands[number], cwd=ROOT, env=env, stdout=handle,
                                    stderr=subprocess.STDOUT).returncode
        with _PRINT:
            out.write(log.read_text())
            out.flush()
        return status

    with ThreadPoolExecutor(max_workers=min(WORKERS, len(commands))) as pool:
        statuses = list(pool.map(run, range(len(commands))))
    failures = [s for s in statuses if s not in (0, NO_TESTS_COLLECTED)]
    if failures:
        return failures[0]
    return 0 if 0 in statuses else NO_TESTS_COLLECTED


def run_tier(tier: Tier, index: int, scratch: Path) -> Result:
    """Run one tier; its output (pytest's, and any note) is printed in one piece when it ends."""
    with _PRINT:
        print(f"----- tier {index} {tier.name} started", flush=True)
    log = scratch / f"{tier.name}.out"
    with log.open("w") as out:
        result = _run_tier(tier, scratch, out)
    with _PRINT:
        print(f"\n===== tier {index}/{len(TIERS)}: {tier.name} ({tier.what}) =====")
        print(log.read_text(), end="")
        print(f"----- tier {index} {tier.name}: {result.status} in {result.seconds:.1f} s", flush=True)
    return result


def _run_tier(tier: Tier, scratch: Path, out) -> Result:
    start = time.perf_counter()
    reason = tier.empty_is_fine()
    if tier.name == "nbval" and not executed():
        if reason:
            print(f"nothing to check: {reason}", file=out)
            return Result(tier, "EMPTY", reason)
        return Result(tier, "FAILED", "book/ holds no executed notebook; run `make book`")
    groups = [[f] for f in tier.files()] if tier.files else [[]]  # one pytest per file, WORKERS at a time
    junits = [scratch / f"{tier.name}-{i}.xml" for i in range(len(groups))]
    commands = [[sys.executable, "-m", "pytest", *tier.args(), *files, f"--junitxml={junit}"]
                for files, junit in zip(groups, junits)]
    env = dict(os.environ, PYTHONHASHSEED="0")  # the same hash seed as the runner's kernels
    env["BOOK_TEST_SITE"] = str(scratch / "site")  # one site build, shared by the tiers (tests/conftest.py)
    status = _run_pytest(commands, env, scratch / tier.name, out)
    counts = [_counts(j) for j in junits]
    passed, failed, skipped = (sum(c[i] for c in counts) for i in range(3))
    seconds = time.perf_counter() - start
    result = Result(tier, "PASSED", "", passed, failed, skipped, seconds)
    if status == NO_TESTS_COLLECTED or (status == 0 and passed == 0):
        if reason:
            result.status, result.note = "EMPTY", reason
            print(f"no test ran in this tier: {reason}", file=out)
        else:
            result.status, result.note = "FAILED", "ran no test, but this tier must"
    elif status != 0:
        result.status, result.note = "FAILED", f"pytest exit status {status}"
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [t.name for t in TIERS]
    parser.add_argument("tiers", nargs="*", metavar="TIER", help=f"tiers to run (default all): {', '.join(names)}")
    parser.add_argument("--fail-fast", action="store_true", help="stop after the first failing tier")
    args = parser.parse_args(argv)
    unknown = [t for t in args.tiers if t not in names]
    if unknown:
        parser.error(f"unknown tier(s) {', '.join(unknown)}; tiers: {', '.join(names)}")
    chosen = [t for t in TIERS if not args.tiers or t.name in args.tiers]
    import matplotlib.font_manager  # noqa: F401  build matplotlib's font cache before any kernel starts

    results: list[Result] = []
    failed = threading.Event()

    def run_lane(lane: list[Tier]) -> None:
        for tier in lane:
            if failed.is_set() and args.fail_fast:
                return
            result = run_tier(tier, TIERS.index(tier) + 1, Path(scratch))
            results.append(result)
            if result.status == "FAILED":
                failed.set()

    lanes = [[t for t in chosen if t.name in names] for names in LANES]
    with tempfile.TemporaryDirectory(prefix="book-tiers-") as scratch:
        with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
            list(pool.map(run_lane, [lane for lane in lanes if lane]))
    results.sort(key=lambda r: TIERS.index(r.tier))
    print("\n===== test tiers =====")
    for r in results:
        counts = f"{r.passed} passed, {r.failed} failed, {r.skipped} skipped"
        note = f"  ({r.note})" if r.note else ""
        print(f"tier {TIERS.index(r.tier) + 1} {r.tier.name:<10} {r.status:<7} {counts:<36} {r.seconds:7.1f} s{note}")
    bad = [r for r in results if r.status == "FAILED"]
    print(f"tiers: {len(results) - len(bad)} passed, {len(bad)} failed")
    print(f"total: {sum(r.passed for r in results)} passed, {sum(r.failed for r in results)} failed, "
          f"{sum(r.skipped for r in results)} skipped")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
