"""The book's chapters as files: templates, executed copies, presets, and the checks that tie them.

A chapter is a template ``notebooks/NN_slug.ipynb`` (outputs stripped, one cell tagged
``parameters``), executed by papermill into ``book/NN_slug.ipynb`` (committed with outputs).
Parameter presets sit in ``notebooks/params/NN_slug.NAME.yaml``; ``NAME = smoke`` is the one the
smoke tests run. This module finds them, reads parameters, normalises executed notebooks and
lists what makes an executed copy stale (used by ``adaptlib run`` and the test tiers).
"""
from __future__ import annotations

import ast
import difflib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import yaml

from adaptlib.book.paths import BOOK_DIR, NOTEBOOKS_DIR, REPO_ROOT

PARAMS_DIR_NAME = "params"
SMOKE_PRESET = "smoke"
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"  # papermill's tag on the cell it adds
INJECTED_CELL_ID = "injected-parameters"  # fixed id, so reruns do not change it
HIDDEN_TAG = "remove-cell"  # Jupyter Book drops cells with this tag from the site
# Tags that keep a cell's source off the page (the site drops it or folds it away).
SOURCE_HIDDEN_TAGS = ("remove-cell", "remove-input", "hide-input", "hide-cell")
MAX_SHOWN_CODE_LINES = 25  # a code cell the reader sees by default fits a screen
ERROR_ALLOWED_TAG = "raises-exception"  # papermill and nbval accept an error in such a cell
STDERR_ALLOWED_TAG = "allow-stderr"
SOLUTION_TAG = "solution"
KERNEL_NAME = "python3"
_CHAPTER_NAME = re.compile(r"^(?P<number>\d\d)_(?P<name>[a-z0-9_]+)$")
# Per-cell and per-notebook metadata that only records when and how long a run took.
_VOLATILE_CELL_KEYS = ("execution", "papermill")
_VOLATILE_RUN_KEYS = ("start_time", "end_time", "duration", "exception")


@dataclass(frozen=True)
class Chapter:
    """One chapter: its template and where its executed copy and presets live."""

    slug: str  # e.g. "03_constant_alpha"
    template: Path

    @property
    def number(self) -> int | None:
        match = _CHAPTER_NAME.match(self.slug)
        return int(match["number"]) if match else None

    @property
    def executed(self) -> Path:
        """The executed copy in ``book/`` (default parameters only)."""
        return BOOK_DIR / f"{self.slug}.ipynb"

    @property
    def params_dir(self) -> Path:
        return self.template.parent / PARAMS_DIR_NAME

    def preset(self, name: str) -> Path:
        return self.params_dir / f"{self.slug}.{name}.yaml"

    @property
    def smoke_preset(self) -> Path:
        return self.preset(SMOKE_PRESET)

    def presets(self) -> list[str]:
        """Names of the presets beside the template (``smoke`` included)."""
        prefix = f"{self.slug}."
        return sorted(p.name[len(prefix):-len(".yaml")] for p in self.params_dir.glob(f"{prefix}*.yaml"))

    @property
    def in_book(self) -> bool:
        """Whether this is one of the book's templates (so it may be executed into ``book/``)."""
        return self.template.resolve() == (NOTEBOOKS_DIR / f"{self.slug}.ipynb").resolve()


def find_chapters(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Chapter]:
    """Every template ``NN_slug.ipynb`` in ``notebooks_dir``, in chapter order."""
    found = [Chapter(p.stem, p) for p in Path(notebooks_dir).glob("*.ipynb") if _CHAPTER_NAME.match(p.stem)]
    return sorted(found, key=lambda c: c.slug)


def resolve_chapter(spec: str, chapters: list[Chapter]) -> Chapter:
    """A chapter from a number (``3``, ``03``), a slug (``03_constant_alpha``, ``constant_alpha``)
    or a path to a notebook (a template elsewhere is accepted too)."""
    text = str(spec).strip()
    path = Path(text)
    if text.endswith(".ipynb"):
        for chapter in chapters:  # book/03_x.ipynb or notebooks/03_x.ipynb name the chapter
            if path.stem == chapter.slug and path.resolve().parent in (BOOK_DIR.resolve(), chapter.template.parent.resolve()):
                return chapter
        if not path.is_file():
            raise ValueError(f"chapter {text!r}: no such notebook file")
        return Chapter(path.stem, path.resolve())
    if text.isdigit():
        matches = [c for c in chapters if c.number == int(text)]
    else:
        matches = [c for c in chapters if text in (c.slug, c.slug[3:])]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(c.slug for c in chapters) or "none yet (notebooks/ holds no NN_slug.ipynb template)"
    hint = difflib.get_close_matches(text, [c.slug for c in chapters] + [c.slug[3:] for c in chapters], n=1)
    did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
    raise ValueError(f"no chapter {text!r}{did_you_mean}; chapters: {known}")


@dataclass(frozen=True)
class Parameter:
    """A parameter declared in a template's ``parameters`` cell."""

    name: str
    type_name: str
    default: str  # the source text of the default value
    help: str

    @property
    def default_value(self) -> Any:
        """The default as a Python value (raises ValueError if it is not a literal)."""
        try:
            return ast.literal_eval(self.default)
        except (ValueError, SyntaxError) as err:
            raise ValueError(f"parameter {self.name!r}: default {self.default!r} is not a literal") from err


def read_notebook(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def parameters_cell_index(nb: nbformat.NotebookNode) -> int | None:
    for index, cell in enumerate(nb.cells):
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            return index
    return None


def template_parameters(template: Path) -> dict[str, Parameter]:
    """The parameters a template declares, as papermill sees them (name -> Parameter)."""
    import papermill  # imported here: the book extra, not needed by the rest of adaptlib

    found = papermill.inspect_notebook(str(template))
    return {
        name: Parameter(name, str(info.get("inferred_type_name", "None")), str(info["default"]), str(info.get("help", "")))
        for name, info in found.items()
    }


def declared_names(source: str) -> list[str]:
    """Names assigned at the top level of a parameters cell, parsed with ``ast``."""
    names: list[str] = []
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        names.extend(t.id for t in targets if isinstance(t, ast.Name))
    return names


def load_preset(path: Path) -> dict[str, Any]:
    """Read a YAML parameter file: a mapping from parameter name to value."""
    if not Path(path).is_file():
        what = "is a folder" if Path(path).is_dir() else "no such file"
        raise ValueError(f"{path}: {what}; give a YAML file of 'name: value' lines")
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not a text file ({err.reason}); give a YAML file of 'name: value' lines") from err
    except yaml.YAMLError as err:
        raise ValueError(f"{path}: not valid YAML ({err})") from err
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise ValueError(f"{path}: expected a mapping 'name: value', one parameter per line")
    return data


def same_value(given: Any, default: Parameter) -> bool:
    """Whether a given parameter value equals the template's default."""
    try:
        value = default.default_value
    except ValueError:
        return False
    if isinstance(given, bool) or isinstance(value, bool):
        return given is value
    return given == value


def relative_to_repo(path: Path) -> str:
    """``path`` relative to the repository root when inside it, else its file name."""
    try:
        return Path(path).resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return Path(path).name


def normalise_executed(nb: nbformat.NotebookNode, *, template: Path, output: Path) -> nbformat.NotebookNode:
    """Make an executed notebook deterministic and fit for the site.

    Drops run times (papermill's and nbclient's), empty tag lists, and absolute paths from the
    metadata; keeps ``metadata.papermill.parameters``; tags the injected-parameters cell
    ``remove-cell`` (hidden on the site) and gives it a fixed id; merges neighbouring chunks of
    the same stream, whose split depends on the kernel's timing, not on the chapter.
    """
    run = nb.metadata.get("papermill", {})
    for key in _VOLATILE_RUN_KEYS:
        run.pop(key, None)
    run["input_path"] = relative_to_repo(template)
    run["output_path"] = relative_to_repo(output)
    for cell in nb.cells:
        for key in _VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = _merged_streams(cell.outputs)
        tags = cell.metadata.get("tags")
        if tags == []:
            del cell.metadata["tags"]
        if tags and INJECTED_TAG in tags:
            cell["id"] = INJECTED_CELL_ID
            if HIDDEN_TAG not in tags:
                tags.append(HIDDEN_TAG)
    return nb


def _merged_streams(outputs: list) -> list:
    merged: list = []
    for out in outputs:
        previous = merged[-1] if merged else None
        if (
            out.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == out.get("name")
        ):
            previous["text"] = "".join(previous["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


def _comparable_metadata(cell: nbformat.NotebookNode) -> dict:
    meta = {k: v for k, v in cell.get("metadata", {}).items() if k not in _VOLATILE_CELL_KEYS}
    if not meta.get("tags"):
        meta.pop("tags", None)
    return meta


def _first_line(source: str) -> str:
    lines = [line for line in source.splitlines() if line.strip()]
    return (lines[0][:70] + ("..." if len(lines[0]) > 70 else "")) if lines else "(empty)"


def template_problems(chapter: Chapter) -> list[str]:
    """What is wrong with a template: outputs left in, parameters cell, validation, solutions."""
    nb = read_notebook(chapter.template)
    where = relative_to_repo(chapter.template)
    problems: list[str] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None):
            problems.append(f"{where}: cell {index} has outputs or an execution count; templates are stored stripped (clear all outputs and save)")
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != KERNEL_NAME:
        problems.append(f"{where}: kernelspec is {kernel!r}; use {KERNEL_NAME!r} (the book's Python kernel)")
    tagged = [i for i, c in enumerate(nb.cells) if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        problems.append(f"{where}: {len(tagged)} cells tagged {PARAMETERS_TAG!r}; a template has exactly one")
        return problems
    index = tagged[0]
    source = nb.cells[index].source
    try:
        declared = declared_names(source)
    except SyntaxError as err:
        return problems + [f"{where}: the parameters cell is not valid Python ({err.msg}, line {err.lineno})"]
    seen = set(template_parameters(chapter.template))
    unseen = [name for name in declared if name not in seen]
    if unseen:
        problems.append(
            f"{where}: papermill cannot read parameter(s) {', '.join(unseen)}; write each on one line as "
            "`name: type = value  # comment`, with a plain annotation (float, int, str, bool, list, Optional[str]; no `|`) "
            "and a single `=` on the line (none in the comment: write 'at least 0', not '>= 0')"
        )
    if not declared:
        problems.append(f"{where}: the parameters cell defines no parameter")
    following = next((c for c in nb.cells[index + 1:] if c.cell_type == "code"), None)
    if following is None or not re.search(r"\brequire_\w+\(", following.source):
        problems.append(f"{where}: the first code cell after the parameters cell must validate them with adaptlib.chapter.params (require_...)")
    else:
        unchecked = [n for n in declared if not re.search(rf"\b{re.escape(n)}\b", following.source)]
        if unchecked:
            problems.append(f"{where}: the validation cell after the parameters cell does not check {', '.join(unchecked)}")
    problems.extend(_solution_problems(nb, where))
    problems.extend(_reader_problems(nb, where))
    return problems


def _reader_problems(nb: nbformat.NotebookNode, where: str) -> list[str]:
    """A code cell shown on the site holds no glue call and at most MAX_SHOWN_CODE_LINES lines."""
    problems = []
    for index, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type != "code" or any(tag in SOURCE_HIDDEN_TAGS for tag in tags):
            continue
        lines = cell.source.rstrip("\n").count("\n") + 1 if cell.source.strip() else 0
        if re.search(r"\bglue\(", cell.source):
            problems.append(f"{where}: cell {index} shows a glue( call on the page; move it to a cell tagged remove-cell")
        if lines > MAX_SHOWN_CODE_LINES:
            problems.append(f"{where}: cell {index} shows {lines} lines of code (at most {MAX_SHOWN_CODE_LINES}); "
                            "split it, move helpers into adaptlib, or tag bookkeeping remove-cell")
    return problems


def _solution_problems(nb: nbformat.NotebookNode, where: str) -> list[str]:
    """Cells from a ``solution-start`` to its ``solution-end`` (inclusive) carry the tag ``solution``."""
    problems, inside = [], False
    for index, cell in enumerate(nb.cells):
        text = cell.source if cell.cell_type == "markdown" else ""
        starts, ends = "{solution-start}" in text, "{solution-end}" in text
        in_solution = inside or starts
        tagged = SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])
        if in_solution != tagged:
            state = "inside a solution but not tagged" if in_solution else "tagged but outside any solution"
            problems.append(f"{where}: cell {index} ({_first_line(cell.source)}) is {state} {SOLUTION_TAG!r}")
        inside = (inside or starts) and not ends
    if inside:
        problems.append(f"{where}: a solution-start has no solution-end")
    return problems


def staleness_problems(chapter: Chapter, executed: Path | None = None) -> list[str]:
    """Why an executed copy does not match its template run with default parameters (empty: fresh).

    Checks, in order: same cells as the template (type, source, metadata; papermill's injected
    cell aside); every code cell executed once, top to bottom, with no error output (except
    cells tagged ``raises-exception``) and no stderr (except cells tagged ``allow-stderr``);
    figures carry a caption and a name; recorded parameters equal the template's defaults;
    normalised by the runner (no run times); run from this template on this Python minor
    version; no absolute path of this checkout in any output.
    """
    executed = executed or chapter.executed
    where = relative_to_repo(executed)
    if not executed.is_file():
        return [f"{where} is missing: run `adaptlib run {chapter.slug} --to-book`"]
    template, book = read_notebook(chapter.template), read_notebook(executed)
    problems: list[str] = []
    cells = [c for c in book.cells if INJECTED_TAG not in c.get("metadata", {}).get("tags", [])]
    rerun = _rerun(chapter)
    if len(cells) != len(template.cells):
        problems.append(f"{where} has {len(cells)} cells, its template {len(template.cells)}; {rerun}")
    for index, (old, new) in enumerate(zip(template.cells, cells)):
        if (old.cell_type, old.source) != (new.cell_type, new.source):
            problems.append(f"{where}: cell {index} differs from the template ({_first_line(old.source)!r}); {rerun}")
            break
        if _comparable_metadata(old) != _comparable_metadata(new):
            problems.append(f"{where}: cell {index} metadata (tags, figure caption) differs from the template; {rerun}")
            break
    problems.extend(execution_problems(book, where))
    problems.extend(_record_problems(chapter, book, where))
    return problems


# A self-check printed as a bare truth value ("Eq. 9 == Eq. 8: True", "True", "[ True False]").
BARE_TRUTH = re.compile(r"(?:^|[:=]\s*|\[\s*)(?:np\.)?(?:True|False)\s*\]?\s*$")


def _output_text(outputs: list) -> str:
    """The text a reader sees of a cell's outputs: streams and text/plain of results."""
    parts = []
    for out in outputs:
        if out.get("output_type") == "stream":
            parts.append("".join(out.get("text", "")))
        elif "text/html" not in out.get("data", {}):
            parts.append("".join(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def execution_problems(nb: nbformat.NotebookNode, where: str) -> list[str]:
    problems: list[str] = []
    counts = [c.get("execution_count") for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    if counts != list(range(1, len(counts) + 1)):
        problems.append(f"{where}: code cells were not all executed once, top to bottom (execution counts {counts[:12]}...)")
    home = str(Path.home()) + "/"
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        outputs = cell.get("outputs", [])
        for out in outputs:
            if out.output_type == "error" and ERROR_ALLOWED_TAG not in tags:
                problems.append(f"{where}: cell {index} ({_first_line(cell.source)}) holds an error: {out.ename}: {out.evalue}")
            if out.output_type == "stream" and out.name == "stderr" and STDERR_ALLOWED_TAG not in tags:
                problems.append(f"{where}: cell {index} ({_first_line(cell.source)}) wrote to stderr: {_first_line(out.text)}")
        text = json.dumps(outputs)
        for local in (str(REPO_ROOT), home):
            if local in text:
                problems.append(f"{where}: cell {index} output shows a path of this machine ({local}); print paths relative to the repository")
        bare = [line for line in _output_text(outputs).splitlines() if BARE_TRUTH.search(line)]
        if bare and not any(tag in ("remove-cell", "remove-output") for tag in tags):
            problems.append(f"{where}: cell {index} ({_first_line(cell.source)}) prints {len(bare)} bare True/False "
                            f"line(s) such as {bare[0].strip()!r}; show self-checks with adaptlib.chapter.show.checks")
        images = [o for o in outputs if "image/png" in o.get("data", {})]
        figure = cell.get("metadata", {}).get("mystnb", {}).get("figure", {})
        if images and not (figure.get("caption") and figure.get("name")):
            problems.append(f"{where}: cell {index} draws a figure without `mystnb: figure: caption/name` in its metadata")
    return problems


def _record_problems(chapter: Chapter, nb: nbformat.NotebookNode, where: str) -> list[str]:
    problems: list[str] = []
    run = nb.metadata.get("papermill")
    if run is None:
        return [f"{where} was not executed by papermill; run `adaptlib run {chapter.slug} --to-book`"]
    leftover = [k for k in _VOLATILE_RUN_KEYS if k in run] + sorted(
        {k for c in nb.cells for k in _VOLATILE_CELL_KEYS if k in c.get("metadata", {})}
    )
    if leftover:
        problems.append(f"{where} holds run times ({', '.join(leftover)}): execute it with `adaptlib run`, not plain papermill")
    expected_input = relative_to_repo(chapter.template)
    if run.get("input_path") != expected_input:
        problems.append(f"{where} was executed from {run.get('input_path')!r}, not {expected_input!r}")
    defaults = template_parameters(chapter.template)
    for name, value in (run.get("parameters") or {}).items():
        if name not in defaults:
            problems.append(f"{where} was run with parameter {name!r}, which the template no longer declares")
        elif not same_value(value, defaults[name]):
            problems.append(
                f"{where} was run with {name} = {value!r}, not the default {defaults[name].default}; "
                "book/ holds default runs only"
            )
    version = nb.metadata.get("language_info", {}).get("version", "")
    current = f"{sys.version_info.major}.{sys.version_info.minor}"
    if not (version == current or version.startswith(current + ".")):
        problems.append(f"{where} was executed with Python {version or '(unknown)'}, the book's environment runs {current}")
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != KERNEL_NAME:
        problems.append(f"{where}: kernel {kernel!r}, expected {KERNEL_NAME!r}")
    recorded, installed = run.get("version"), _installed_version("papermill")
    if recorded != installed:
        problems.append(f"{where} was executed by papermill {recorded}, the pinned stack has {installed}; {_rerun(chapter)}")
    return problems


def _installed_version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def _rerun(chapter: Chapter) -> str:
    return f"rerun it: `adaptlib run {chapter.slug} --to-book`"
