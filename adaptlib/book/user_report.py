"""``adaptlib report``: a report on your own correctness matrix, as a notebook and an HTML page.

    adaptlib report correct.csv --costs costs.csv --unit USD -o my_report

The template ``templates/user_report.ipynb`` is executed with papermill in a fresh kernel (the
book's ``python3``), on the two files, and converted to a standalone HTML page by nbconvert
with the plumbing removed (cells tagged ``remove-cell`` go, cells tagged ``remove-input`` keep
only their output). The files are read and checked here first, with the reader of
``adaptlib oracle`` (:func:`adaptlib.datasets.user.load_user_inputs`): bad input is refused in
one line before any kernel starts. Its tables and figure are those of chapters 02, 03, 05 and 10.
"""
from __future__ import annotations

import argparse
import importlib.resources
import sys
from pathlib import Path

from adaptlib.book.paths import BOOK_DIR, REPO_ROOT
from adaptlib.core.oracle import COST_MODELS, NONE_CORRECT_RULES
from adaptlib.datasets.user import load_user_inputs

TEMPLATE = "templates/user_report.ipynb"
NOTEBOOK_NAME = "report.ipynb"
HTML_NAME = "report.html"
PROTECTED = {"book/": BOOK_DIR, "data/": REPO_ROOT / "data"}  # folders only their own commands write
HIDDEN_CELL_TAGS = {"remove-cell", "parameters", "injected-parameters"}
# On top of book.css: a readable column, and row labels left-aligned against JupyterLab's styles.
PAGE_CSS = """body.jp-Notebook { max-width: 52rem; margin: 0 auto; padding: 0 0.5rem; }
.jp-RenderedHTMLCommon .book-table .book-table-label { text-align: left; }
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="a report on your own correctness matrix: executed notebook and HTML page",
        description="Execute the report template on a correctness matrix (one 0/1 column per state, one "
        "row per instance) and its costs: the states and Eq. 2-3, alpha_i with bootstrap intervals, the "
        "exact oracle, the bounds of Eq. 8-9 and the budgeted frontier, with one figure. Writes "
        f"{NOTEBOOK_NAME} and {HTML_NAME} into the output folder.",
    )
    parser.add_argument("correct", metavar="CORRECT", help="CSV or Parquet: one column per state, 0/1 or true/false")
    parser.add_argument("--costs", required=True, metavar="COSTS", help="CSV with columns state,cost")
    parser.add_argument("-o", "--output-dir", type=Path, default=Path("report"), metavar="DIR",
                        help="folder of the notebook and the HTML page (created; default: ./report)")
    parser.add_argument("--unit", default="cost units", help="unit of the costs (e.g. GFLOPs, USD per query)")
    parser.add_argument("--none-correct", choices=NONE_CORRECT_RULES, default="cheapest",
                        help="cost of an instance no state gets right (default: cheapest, as the paper)")
    parser.add_argument("--cost-model", choices=COST_MODELS, default="routing",
                        help="routing pays the chosen state; cascade pays every state up to it")
    parser.add_argument("--n-boot", type=int, default=1000, metavar="B", help="bootstrap replicates (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    parser.add_argument("--level", type=float, default=0.95, help="level of the bootstrap intervals (default 0.95)")
    parser.set_defaults(func=run)


def output_folder(given: Path) -> Path:
    """The output folder, resolved; refused where it is a file or inside book/ or data/."""
    folder = given.expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"--output-dir {given}: is a file; give a folder (created if missing)")
    for name, protected in PROTECTED.items():
        if folder.is_relative_to(protected.resolve()):
            raise ValueError(
                f"--output-dir {given}: is inside the repository's {name}, which holds the book's own "
                "files; write the report elsewhere, e.g. -o runs/report"
            )
    return folder


def check_options(args: argparse.Namespace) -> None:
    """The options the template also checks, refused here so that no kernel starts for them."""
    if not args.unit.strip():
        raise ValueError("--unit is empty; give the unit of the costs (e.g. --unit 'USD per query')")
    if args.n_boot < 10:
        raise ValueError(f"--n-boot {args.n_boot}: give at least 10 bootstrap replicates")
    if not 0 <= args.seed < 2**32:
        raise ValueError(f"--seed {args.seed}: give a whole number from 0 to {2**32 - 1}")
    if not 0.5 <= args.level < 1:
        raise ValueError(f"--level {args.level:g}: give a level from 0.5 up to (not including) 1, e.g. 0.95")


def run(args: argparse.Namespace) -> int:
    check_options(args)
    correct, costs = Path(args.correct).expanduser().resolve(), Path(args.costs).expanduser().resolve()
    load_user_inputs(correct, costs)  # refuses a bad file in one line, before a kernel starts
    folder = output_folder(args.output_dir)
    parameters = {
        "correct_path": str(correct), "costs_path": str(costs), "unit": args.unit,
        "none_correct": args.none_correct, "cost_model": args.cost_model, "n_boot": args.n_boot,
        "seed": args.seed, "level": args.level,
    }
    import papermill  # the book extra: imported only once the input is known to be good
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from papermill.exceptions import PapermillExecutionError

    from adaptlib.book.kernels import START_TIMEOUT, AsyncIPCKernelManager

    folder.mkdir(parents=True, exist_ok=True)
    notebook, page = folder / NOTEBOOK_NAME, folder / HTML_NAME
    try:  # papermill writes the notebook as it runs: a failed report keeps the cells that ran
        with importlib.resources.as_file(importlib.resources.files("adaptlib.book") / TEMPLATE) as template:
            executed = papermill.execute_notebook(
                str(template), str(notebook), parameters=parameters, kernel_name="python3",
                progress_bar=False, cwd=str(folder), start_timeout=START_TIMEOUT,
                kernel_manager_class=AsyncIPCKernelManager,
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
    except PapermillExecutionError as err:
        print(f"adaptlib report: the report stopped at cell {err.cell_index}: {err.ename}: "
              f"{' '.join(str(err.evalue).split())}; the notebook as far as it ran: {notebook}", file=sys.stderr)
        return 1
    exporter = HTMLExporter(exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=HIDDEN_CELL_TAGS, remove_input_tags={"remove-input"}), enabled=True
    )
    body, _ = exporter.from_notebook_node(executed)
    page.write_text(with_book_styles(body), encoding="utf-8")
    print(f"wrote {notebook} (the executed notebook) and {page} (the report as a web page)")
    return 0


def with_book_styles(html: str) -> str:
    """The page with the book's styles for tables (``static/book.css``) and ``PAGE_CSS`` in its head."""
    css = (importlib.resources.files("adaptlib.book") / "static" / "book.css").read_text(encoding="utf-8")
    return html.replace("</head>", f"<style>\n{css}{PAGE_CSS}</style>\n</head>", 1)
