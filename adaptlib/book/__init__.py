"""The book's machinery: the runner, chapter discovery and staleness, the site, the student
edition, link and browser checks. Nothing below it (core, datasets, analysis, plotting, chapter)
imports it, so editing it re-executes no chapter.

nbformat and papermill import jsonschema, whose format checks import rfc3987_syntax when it is
installed (JupyterLab's dependencies bring it); that import compiles a grammar, 0.8 s on these
machines, half of papermill's import, for the "iri" string format, which no notebook schema
uses. The book's processes (the runner and its workers, the site and student builds) skip it;
jsonschema then leaves "iri" unchecked, as it does when the package is absent.
"""
import sys

sys.modules.setdefault("rfc3987_syntax", None)
