"""The package's layers, read from its imports (inside functions too): no cycle, no upward edge.

core -> (nothing but core); datasets -> core; analysis -> core, datasets; plotting -> core,
datasets, analysis; chapter -> core, datasets; book -> anything; cli and report on top. The
book machinery is never imported below it, so editing it re-executes no chapter.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from adaptlib.book.deps import PACKAGE_DIR, chapters_to_run, imported_modules, module_file
from adaptlib.book.paths import REPO_ROOT

ALLOWED = {
    "core": {"core"},
    "datasets": {"core", "datasets"},
    "analysis": {"core", "datasets", "analysis"},
    "plotting": {"core", "datasets", "analysis", "plotting"},
    "chapter": {"core", "datasets", "chapter"},
}


def modules() -> dict[str, set[str]]:
    """adaptlib module -> the adaptlib modules it imports (packages resolved to their files)."""
    graph = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(REPO_ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        graph[name] = {m for m in imported_modules(path.read_text(encoding="utf-8")) if module_file(m) and m != name}
    return graph


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in ALLOWED) else "top"


def test_no_import_cycle():
    graph = modules()
    done, path = set(), []

    def visit(node):
        if node in path:
            cycle = path[path.index(node):] + [node]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if node in done:
            return
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt != "adaptlib" and not node.startswith(nxt + "."):  # a module imports its parents
                visit(nxt)
        path.pop()
        done.add(node)

    for node in graph:
        visit(node)


def test_no_layer_imports_one_above_it():
    upward = [f"{m} imports {t}" for m, targets in modules().items() if layer(m) in ALLOWED
              for t in targets if t != "adaptlib" and layer(t) not in ALLOWED[layer(m)]]
    assert not upward, "\n".join(upward)


def test_editing_the_book_machinery_executes_no_chapter_and_an_analysis_only_its_chapters():
    machinery = [p.relative_to(REPO_ROOT).as_posix() for p in (PACKAGE_DIR / "book").glob("*.py")]
    assert chapters_to_run(machinery) == []
    assert chapters_to_run(["adaptlib/analysis/agents.py"]) == ["10_beyond_the_oracle"]
    assert chapters_to_run(["notebooks/03_constant_alpha.ipynb"]) == ["03_constant_alpha"]
    assert len(chapters_to_run(["data/families.csv"])) == len(chapters_to_run(["adaptlib/core/oracle.py"])) == 10


@pytest.mark.slow
@pytest.mark.integration
def test_importing_the_core_loads_numpy_and_nothing_else():
    probe = ("import sys, pkgutil, importlib, adaptlib.core\n"
             "for m in pkgutil.iter_modules(adaptlib.core.__path__): importlib.import_module('adaptlib.core.' + m.name)\n"
             "print('\\n'.join(sorted(sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    outside = sorted({m.split(".")[0] for m in loaded if not m.startswith(("adaptlib.core", "numpy"))
                      and m != "adaptlib" and m.split(".")[0] not in sys.stdlib_module_names
                      and not m.startswith("_")})
    assert not outside and "adaptlib.datasets" not in loaded, f"import adaptlib.core loaded {outside}"


@pytest.mark.slow
@pytest.mark.integration
def test_the_package_and_a_chapters_helpers_load_no_heavy_library_until_used():
    """``import adaptlib`` and what every chapter's first cell imports (glue, show, params, the
    plot style) load no scikit-learn, seaborn, SciPy or Sphinx: a chapter pays for them only
    when it trains a model, draws with seaborn or builds a site (issue "Fast to rerun")."""
    probe = ("import sys, adaptlib, adaptlib.chapter.glue, adaptlib.chapter.show, adaptlib.chapter.params, "
             "adaptlib.plotting.style, adaptlib.exercises\n"
             "print('\\n'.join(sorted(sys.modules)))")
    loaded = {m.split(".")[0] for m in subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                                      check=True).stdout.split()}
    heavy = sorted(loaded & {"sklearn", "seaborn", "scipy", "sphinx", "docutils", "myst_nb", "sympy"})
    assert not heavy, f"loaded at import: {heavy}"


@pytest.mark.slow
@pytest.mark.integration
def test_chapter_10s_routers_train_without_scikit_learn():
    """The router's classifiers and folds are the package's own (:mod:`adaptlib.analysis.classifiers`),
    so chapter 10 trains both kinds on the digits' pixels without importing scikit-learn."""
    probe = ("import sys\n"
             "from adaptlib.analysis.agents import cross_validated_curve, digits_pixels, learned_router, router_features\n"
             "from adaptlib.datasets.digits import load_family\n"
             "f = load_family('width')\n"
             "x = router_features('pixels+state1', f.top_probability, f.predicted, digits_pixels(len(f.truth)))\n"
             "for kind in ('logistic', 'knn'):\n"
             "    cross_validated_curve(learned_router(x, f.correct, f.costs, feature_kind='pixels+state1',\n"
             "                                         classifier=kind, n_levels=3), f.correct, n_folds=2)\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]", run.stdout


def test_every_module_below_the_book_says_which_chapter_teaches_it():
    import ast

    silent = [p.relative_to(REPO_ROOT).as_posix() for layer_name in ALLOWED for p in (PACKAGE_DIR / layer_name).glob("*.py")
              if p.name != "__init__.py" and "chapter" not in (ast.get_docstring(ast.parse(p.read_text())) or "").lower()]
    assert not silent, f"docstrings that name no chapter: {silent}"


def test_the_price_rule_is_written_once():
    """What an unsolved instance costs (Eq. 4's rule and its variants) lives in core/prices.py alone."""
    import re

    rule = re.compile(r'\{\s*\\?"cheapest\\?":\s*(?![\s\\"])')  # {"cheapest": <a price>, ...}, .py or .ipynb
    files = [*PACKAGE_DIR.rglob("*.py"), *(REPO_ROOT / "notebooks").glob("*.ipynb")]
    writers = sorted(p.relative_to(REPO_ROOT).as_posix() for p in files if rule.search(p.read_text(encoding="utf-8")))
    assert writers == ["adaptlib/core/prices.py"]
