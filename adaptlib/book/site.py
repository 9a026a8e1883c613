"""The built site: where it is, how to build it, and how to serve it on 127.0.0.1.

The book renders with Jupyter Book v1 (``jupyter-book build``). MathJax comes from the
``sphinx-mathjax-offline`` extension (MathJax 3.2.2 from PyPI, pinned with the rest of the
stack), which copies the files into the site's ``_static/mathjax/`` and points Sphinx's
``mathjax_path`` at them, so equations render with no network.
"""
from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from adaptlib.book.paths import REPO_ROOT

SITE_DIR = REPO_ROOT / "_build" / "html"
MATHJAX_EXTENSION = "sphinx-mathjax-offline"
MATHJAX_ENTRY = "mathjax/tex-chtml.js"  # relative to the site's _static/
# Folders of a built site that hold assets, not pages (Sphinx writes HTML templates there).
ASSET_DIRS = ("_static", "_sources", "_images", "_downloads")


def jupyter_book_command() -> list[str]:
    """The ``jupyter-book`` of the running environment (not whatever is first on PATH)."""
    return [str(Path(sys.executable).with_name("jupyter-book"))]


def build_site(
    source_dir: Path,
    output_dir: Path,
    *,
    config: Path | None = None,
    toc: Path | None = None,
    strict: bool = True,
    log: Path | None = None,
) -> Path:
    """Build the book in ``source_dir`` into ``output_dir/_build/html`` and return that folder.

    ``strict`` builds as `make book` does (``-W -n --keep-going``: any warning fails). A failed
    build raises RuntimeError with the warnings and the end of the log.
    """
    command = [*jupyter_book_command(), "build", str(source_dir), "--path-output", str(output_dir)]
    if config is not None:
        command += ["--config", str(config)]
    if toc is not None:
        command += ["--toc", str(toc)]
    if strict:
        command += ["-W", "-n", "--keep-going"]
    result = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))
    output = result.stdout + result.stderr
    if log is not None:
        log.write_text(output, encoding="utf-8")
    html = Path(output_dir) / "_build" / "html"
    if result.returncode != 0 or not (html / "index.html").is_file():
        warnings = [line for line in output.splitlines() if "WARNING" in line or "ERROR" in line]
        tail = "\n".join(output.splitlines()[-15:])
        raise RuntimeError(
            f"jupyter-book build of {source_dir} failed (exit {result.returncode}):\n"
            + "\n".join(warnings[:40]) + f"\n--- end of the log ---\n{tail}"
        )
    return html


def html_pages(site_dir: Path) -> list[Path]:
    """Every page of a built site, as paths relative to it, sorted (asset folders left out)."""
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise ValueError(f"site_dir {site_dir} holds no index.html: build the site first (make book)")
    pages = (p.relative_to(site_dir) for p in site_dir.rglob("*.html"))
    return sorted(p for p in pages if p.parts[0] not in ASSET_DIRS)


def mathjax_dir() -> Path:
    """The MathJax files the offline extension ships (``.../static/mathjax``)."""
    spec = importlib.util.find_spec(MATHJAX_EXTENSION)
    if spec is None or spec.origin is None:
        raise ValueError(
            f"the package {MATHJAX_EXTENSION} is not installed: run `make venv` "
            "(it is part of the book's extra in pyproject.toml)"
        )
    return Path(spec.origin).parent / "static" / "mathjax"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002  (signature of the base)
        pass


@contextmanager
def serve(site_dir: Path) -> Iterator[str]:
    """Serve ``site_dir`` over HTTP on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        raise ValueError(f"site_dir {site_dir} is not a folder: build the site first (make book)")
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

