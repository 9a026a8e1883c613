"""adaptlib used without the repository: a wheel installed into a new virtual environment.

The wheel is built offline (``--no-build-isolation``, with this venv's setuptools) from a copy
of the repository's package sources, so the build writes nothing (``build/``, ``*.egg-info``)
into the clone. The new environment sees this venv's third-party packages through a ``.pth``
file listing its site-packages; the ``.pth`` files *inside* that folder (the editable install's
finder among them) are not processed, so ``import adaptlib`` can only come from the wheel.
Every command runs from a folder outside the clone.
"""
from __future__ import annotations

import argparse
import email
import importlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from adaptlib import cli
from adaptlib.book.paths import REPO_ROOT

# What the wheel is built from: pyproject.toml's packages (adaptlib/, data/ as its package data).
SOURCES = ("pyproject.toml", "README.md", "adaptlib", "data")
IN_WHEEL = (
    "adaptlib/cli.py",
    "adaptlib/book/templates/user_report.ipynb",  # the template of `adaptlib report`
    "adaptlib/datasets/data/families.csv",
    "adaptlib/datasets/data/predictions/width/correct.csv",
    "adaptlib/datasets/data/predictions/width/predictions.csv",
    # the imagenet family travels with its licence (CC BY-NC 4.0) and its README
    "adaptlib/datasets/data/predictions/imagenet/correct.csv",
    "adaptlib/datasets/data/predictions/imagenet/LICENSE",
    "adaptlib/datasets/data/predictions/imagenet/README.md",
)
# The book extra's modules (and pyarrow): hidden to stand for an install of the core alone.
NOT_CORE = ("yaml", "tqdm", "nbformat", "papermill", "jupyter_client", "IPython", "matplotlib_inline",
            "sphinx", "myst_nb", "jupyter_book", "nbval", "playwright", "pyarrow")

# The hand-computable example of tests/test_cli_oracle.py: oracle cost 3.75, accuracy 3/4.
EXAMPLE_CORRECT = "C,A,B\n1,1,0\n1,0,1\n1,0,0\n0,0,0\n"
EXAMPLE_COSTS = "state,cost\nB,3\nC,10\nA,1\n"


class Installed:
    """A virtual environment holding the wheel of adaptlib, and a folder outside the clone."""

    def __init__(self, root: Path, wheel: Path, work: Path):
        self.root, self.wheel, self.work = root, wheel, work
        self.python = root / "bin" / "python"
        self.adaptlib = root / "bin" / "adaptlib"

    def run(self, *args: str | Path, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "PYTHONHOME", "ADAPTLIB_DATA", "VIRTUAL_ENV")}
        env.update(PYTHONNOUSERSITE="1", MPLBACKEND="Agg", **(extra_env or {}))
        return subprocess.run([str(a) for a in args], cwd=self.work, env=env, capture_output=True,
                              text=True, timeout=600)

    def python_c(self, code: str, **kwargs) -> subprocess.CompletedProcess:
        return self.run(self.python, "-c", textwrap.dedent(code), **kwargs)


def _check(result: subprocess.CompletedProcess, code: int = 0) -> subprocess.CompletedProcess:
    assert result.returncode == code, (
        f"{' '.join(result.args)} exited {result.returncode}, expected {code}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    setuptools = version("setuptools")
    if Version(setuptools) < Version("77"):
        pytest.fail(f"setuptools {setuptools} cannot build adaptlib offline (pyproject needs >=77); run make venv")
    tmp = tmp_path_factory.mktemp("installed")

    source = tmp / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        path = REPO_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(path, source / name)
    wheels = tmp / "wheels"
    _check(subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "--quiet", "-w", str(wheels), str(source)],
        capture_output=True, text=True, timeout=600,
    ))
    (wheel,) = wheels.glob("adaptlib-*.whl")

    root = tmp / "venv"
    _check(subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)],
                          capture_output=True, text=True, timeout=600))
    env = Installed(root, wheel, tmp / "work")
    env.work.mkdir()
    # This venv's pip, run by the new interpreter, installs into the new environment. The .pth
    # is written after: pip must not see this venv's (editable) adaptlib as already installed.
    _check(subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(env.python), "install", "--no-deps", "--no-index",
         "--disable-pip-version-check", "--quiet", str(wheel)],
        capture_output=True, text=True, timeout=600,
    ))
    target = _check(env.python_c("import sysconfig; print(sysconfig.get_paths()['purelib'])")).stdout.strip()
    ours = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (Path(target) / "outer_venv_packages.pth").write_text("".join(f"{p}\n" for p in ours))
    return env


@pytest.fixture(scope="module")
def example(installed) -> dict[str, Path]:
    folder = installed.work / "example"
    folder.mkdir()
    paths = {"csv": folder / "correct.csv", "parquet": folder / "correct.parquet", "costs": folder / "costs.csv"}
    paths["csv"].write_text(EXAMPLE_CORRECT)
    paths["costs"].write_text(EXAMPLE_COSTS)
    pd.read_csv(paths["csv"]).astype(bool).to_parquet(paths["parquet"])
    return paths


@pytest.mark.slow
@pytest.mark.integration
def test_the_wheel_holds_the_data_and_lists_the_book_dependencies_as_an_extra(installed):
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(wheel.read(metadata_name))
    missing = [n for n in IN_WHEEL if n not in names]
    assert not missing, f"not in {installed.wheel.name}: {missing}"
    core = {Requirement(r).name.lower() for r in metadata.get_all("Requires-Dist") if ";" not in r}
    assert {"numpy", "pandas", "scikit-learn", "scipy", "sympy"} <= core
    assert not core & {"pyyaml", "tqdm", "nbformat", "papermill", "pyarrow", "jupyter-book"}, core


@pytest.mark.slow
@pytest.mark.integration
def test_adaptlib_is_imported_from_the_wheel(installed):
    out = _check(installed.python_c("""
        import adaptlib
        from adaptlib.datasets.locate import DATA_DIR
        print(adaptlib.__file__)
        print(DATA_DIR)
    """)).stdout.split("\n")
    for line in out[:2]:
        assert Path(line).resolve().is_relative_to(installed.root.resolve()), line


@pytest.mark.slow
@pytest.mark.integration
def test_help_lists_the_subcommands(installed):
    out = _check(installed.run(installed.adaptlib, "--help")).stdout
    for name in ("oracle", "run", "predictions", "student", "check-links", "check-site"):
        assert f"    {name}" in out, out


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.parametrize("matrix", ["csv", "parquet"])
def test_oracle_on_a_csv_and_a_parquet_matrix(installed, example, matrix):
    table = _check(installed.run(installed.adaptlib, "oracle", example[matrix], "--costs", example["costs"])).stdout
    assert "Exact Oracle Agent over 4 instances and 3 states" in table, table
    summary = json.loads(_check(installed.run(
        installed.adaptlib, "oracle", example[matrix], "--costs", example["costs"], "--format", "json")).stdout)
    assert summary["states"] == ["A", "B", "C"]
    assert summary["oracle"]["cost"] == pytest.approx(3.75)
    assert summary["oracle"]["accuracy"] == pytest.approx(0.75)


@pytest.mark.slow
@pytest.mark.integration
def test_the_packaged_data_loads(installed):
    from adaptlib.datasets.public import load_public_family

    out = _check(installed.python_c("""
        import json
        import adaptlib
        from adaptlib.datasets import digits, public

        vit = public.load_public_family("vit")
        width = digits.load_family("width")
        imagenet = digits.load_family("imagenet")
        print(json.dumps({"vit": list(vit.names), "vit_costs": [float(c) for c in vit.costs],
                          "width": list(width.names), "shape": list(width.correct.shape),
                          "imagenet": list(imagenet.names), "imagenet_shape": list(imagenet.correct.shape)}))
    """)).stdout
    loaded = json.loads(out)
    assert loaded["imagenet"] == ["ResNet50", "SimCLR", "DINO", "ViT"] and loaded["imagenet_shape"] == [50_000, 4]
    vit = load_public_family("vit")
    assert loaded["vit"] == list(vit.names) and len(vit.names) > 1
    assert loaded["vit_costs"] == pytest.approx([float(c) for c in vit.costs])
    assert loaded["shape"][0] == 1797  # scikit-learn's digits
    assert loaded["shape"][1] == len(loaded["width"]) > 1


@pytest.mark.slow
@pytest.mark.integration
def test_adaptlib_data_points_at_another_data_folder(installed):
    mine = installed.work / "my data"
    shutil.copytree(REPO_ROOT / "data" / "predictions" / "width", mine / "predictions" / "width",
                    ignore=shutil.ignore_patterns("__pycache__"))
    out = _check(installed.python_c("""
        from adaptlib.datasets import digits
        from adaptlib.datasets.locate import DATA_DIR

        print(DATA_DIR)
        print(digits.load_family("width").correct.shape[0])
        try:
            digits.load_family("resolution")
        except ValueError as err:
            print(err)
    """, extra_env={"ADAPTLIB_DATA": str(mine)})).stdout.splitlines()
    assert Path(out[0]) == mine
    assert out[1] == "1797"
    assert str(mine / "predictions" / "resolution") in out[2]  # only the copy is read


@pytest.mark.slow
@pytest.mark.integration
def test_without_the_extras_the_commands_name_the_extra_to_install(installed, example):
    """The book extra's modules and pyarrow hidden: --help and oracle on a CSV work, the book's
    subcommands and a Parquet matrix say in one line what to install and exit 2."""
    out = _check(installed.python_c(f"""
        import contextlib, importlib.abc, io, json, sys

        class Hide(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {NOT_CORE!r}:
                    raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)

        sys.meta_path.insert(0, Hide())
        from adaptlib.cli import main

        def call(*argv):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(list(argv))
                except SystemExit as end:
                    code = end.code
            return {{"code": code, "out": out.getvalue(), "err": err.getvalue()}}

        results = {{"help": call("--help")}}
        results["imported"] = sorted(m for m in sys.modules if m.startswith("adaptlib.book")
                                     or m.split(".")[0] in {NOT_CORE!r})
        results["csv"] = call("oracle", {str(example["csv"])!r}, "--costs", {str(example["costs"])!r})
        results["parquet"] = call("oracle", {str(example["parquet"])!r}, "--costs", {str(example["costs"])!r})
        for name in ("run", "student"):
            results[name] = call(name)
        results["report"] = call("report", {str(example["csv"])!r}, "--costs", {str(example["costs"])!r},
                                 "-o", {str(installed.work / "report")!r})
        print(json.dumps(results))
    """)).stdout
    results = json.loads(out)
    assert results["help"]["code"] == 0 and "check-site" in results["help"]["out"]
    assert results["imported"] == []
    assert results["csv"]["code"] == 0 and "Exact Oracle Agent" in results["csv"]["out"]
    for name, extra in (("parquet", "parquet"), ("run", "book"), ("student", "book"), ("report", "book")):
        result = results[name]
        assert result["code"] == 2, result
        assert len(result["err"].splitlines()) == 1, result["err"]
        assert f"pip install 'adaptlib[{extra}]'" in result["err"], result["err"]
    assert "'yaml'" in results["run"]["err"]
    assert "pyarrow" in results["parquet"]["err"]


def test_the_static_help_of_each_subcommand_is_its_modules():
    """`adaptlib --help` lists cli.HELP without importing the modules; it must say what they say."""
    assert set(cli.HELP) == set(cli.SUBCOMMANDS)
    for name, module in cli.SUBCOMMANDS.items():
        parser = argparse.ArgumentParser()
        importlib.import_module(module).register(parser.add_subparsers())
        (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        (choice,) = action._choices_actions
        assert (choice.dest, choice.help) == (name, cli.HELP[name])
