"""A Sphinx extension for the book's site (listed in ``_config.yml``): fixes what a reader sees.

Sphinx 7.4 (the last major that Jupyter Book v1 supports) writes an inline ``<script>`` twice
when an extension adds it after the builder started, as sphinx-thebe does with
``const THEBE_JS_URL = ...``; the second copy throws "Identifier 'THEBE_JS_URL' has already been
declared" in every page's console. Sphinx fixed it in 8.x (sphinx-doc/sphinx pull request
13402: the builder stores such scripts under ``''`` while the application passes ``None``, so
they are not recognised as the same). Here the builder's list is normalised the same way
before pages are written, so the builder's own de-duplication applies.
"""
from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def _normalise_inline_scripts(app: Sphinx, env: Any) -> list[str]:
    builder = app.builder
    scripts = getattr(builder, "_js_files", None)
    if scripts:
        unique = []
        for script in scripts:
            if script.filename is None:
                script = type(script)("", priority=script.priority, **script.attributes)
            if script not in unique:
                unique.append(script)
        scripts[:] = unique
    return []


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-updated", _normalise_inline_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
