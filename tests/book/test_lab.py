"""Tier student: `make lab` opens the chapter templates in JupyterLab, in the book's environment.

The test runs the Makefile's own command, headless (``LAB_ARGS``: no browser, 127.0.0.1, a free
port, a token), waits for the server, checks that it lists the chapter templates and that a
``python3`` kernel starts from the book's ``.venv``, then stops everything it started.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from adaptlib.book.chapters import find_chapters
from adaptlib.book.paths import REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.student]
START_TIMEOUT = 120.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _request(url: str, token: str, method: str = "GET", body: dict | None = None) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _process_with(marker: str) -> list[str] | None:
    """The command line of a running process whose arguments contain ``marker``."""
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                argv = (proc / "cmdline").read_bytes().decode().split("\0")
            except OSError:
                continue
            if any(marker in arg for arg in argv):
                return argv
    return None


def _wait(condition, timeout: float, server: subprocess.Popen, log: Path, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`make lab` exited ({server.returncode}) before {what}:\n{log.read_text()[-3000:]}")
        try:
            found = condition()
        except (urllib.error.URLError, ConnectionError, OSError):
            found = None
        if found:
            return found
        time.sleep(0.5)
    pytest.fail(f"{what}: not within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def lab(tmp_path):
    """`make lab`, headless on 127.0.0.1; yields (base URL, token, log file); stopped afterwards."""
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp_path / "lab.log"
    lab_args = f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token}"
    # -o: do not reinstall .venv from here (make test has just brought it up to date).
    command = ["make", "--no-print-directory", "-o", ".venv/.installed", "lab", f"LAB_ARGS={lab_args}"]
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        yield f"http://127.0.0.1:{port}", token, log, server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # the session holds make and the server it started
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)


def test_make_lab_serves_the_templates_with_the_books_kernel(lab):
    base, token, log, server = lab
    _wait(lambda: _request(f"{base}/api/status", token)[0] == 200, START_TIMEOUT, server, log, "JupyterLab answered")

    status, page = _request(f"{base}/lab", token)
    assert status == 200 and "JupyterLab" in page
    status, listing = _request(f"{base}/api/contents", token)
    names = {item["name"] for item in json.loads(listing)["content"]}
    templates = {chapter.template.name for chapter in find_chapters()}
    assert templates and templates <= names, f"JupyterLab does not list {sorted(templates - names)}"

    status, specs = _request(f"{base}/api/kernelspecs", token)
    assert json.loads(specs)["default"] == "python3"
    status, started = _request(f"{base}/api/kernels", token, "POST", {"name": "python3"})
    assert status == 201, started
    kernel = json.loads(started)["id"]
    try:
        argv = _wait(lambda: _process_with(f"kernel-{kernel}.json"), 60, server, log, "the kernel process started")
        venv_bin = Path(sys.executable).parent
        assert Path(argv[0]).parent == venv_bin, f"the kernel runs {argv[0]}, not the book's environment {venv_bin}"
    finally:
        _request(f"{base}/api/kernels/{kernel}", token, "DELETE")
