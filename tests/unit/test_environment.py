"""The pinned stack is one: pyproject's direct dependencies, requirements.lock, environment.yml, .venv."""
from __future__ import annotations

import importlib.util
import sys
from importlib.metadata import PackageNotFoundError, version

import pytest
import tomllib
import yaml
from packaging.utils import canonicalize_name

from adaptlib.book.paths import REPO_ROOT

spec = importlib.util.spec_from_file_location("write_environment", REPO_ROOT / "tools" / "write_environment.py")
write_environment = importlib.util.module_from_spec(spec)
spec.loader.exec_module(write_environment)

DIRECT = write_environment.direct_requirements()
LOCK = write_environment.read_lock()


def conda_pins() -> dict[str, str]:
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    pins = {}
    for line in pip:
        if "==" in line:
            name, pinned = line.split("==", 1)
            pins[canonicalize_name(name)] = pinned
    return pins


def test_every_direct_dependency_is_locked_within_its_range():
    for requirement in DIRECT:
        key = canonicalize_name(requirement.name)
        assert key in LOCK, f"{requirement.name} is in pyproject.toml but not pinned in requirements.lock; run make lock"
        pinned = LOCK[key][1]
        assert requirement.specifier.contains(pinned, prereleases=True), (
            f"requirements.lock pins {requirement.name}=={pinned}, outside pyproject's {requirement}"
        )


def test_environment_yml_pins_every_direct_dependency_at_the_locked_version():
    pins = conda_pins()
    for requirement in DIRECT:
        key = canonicalize_name(requirement.name)
        assert key in LOCK, f"{requirement.name} is not pinned in requirements.lock; run make lock"
        assert pins.get(key) == LOCK[key][1], (
            f"environment.yml pins {requirement.name} at {pins.get(key)}, the lock at {LOCK[key][1]}; "
            "run tools/write_environment.py"
        )
    extra = set(pins) - {canonicalize_name(r.name) for r in DIRECT}
    assert not extra, f"environment.yml pins packages that are not direct dependencies: {sorted(extra)}"


def test_environment_yml_is_what_the_generator_writes():
    assert (REPO_ROOT / "environment.yml").read_text() == write_environment.render(), (
        "environment.yml is out of step with pyproject.toml/requirements.lock; run tools/write_environment.py"
    )


def test_environment_yml_python_matches_pyproject_and_this_interpreter():
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    wanted = python.split("=", 1)[1]
    requires = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    from packaging.specifiers import SpecifierSet

    assert SpecifierSet(requires).contains(wanted + ".0")
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == wanted, (
        f"the tests run on Python {sys.version_info.major}.{sys.version_info.minor}, the book pins {wanted}: "
        "executed notebooks record the Python they ran on"
    )


@pytest.mark.parametrize("requirement", DIRECT, ids=lambda r: r.name)
def test_installed_version_is_the_locked_one(requirement):
    key = canonicalize_name(requirement.name)
    if key not in LOCK:
        pytest.fail(f"{requirement.name} is a direct dependency that requirements.lock does not pin; run make lock")
    try:
        installed = version(requirement.name)
    except PackageNotFoundError:
        pytest.fail(f"{requirement.name} is not installed; run make venv")
    assert installed == LOCK[key][1], f"{requirement.name} {installed} is installed, the lock pins {LOCK[key][1]}; run make venv"


def test_every_package_the_code_imports_is_declared():
    """An import of adaptlib, tools/ or tests/ that no dependency of pyproject.toml provides fails here."""
    import ast
    from importlib.metadata import packages_distributions

    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    texts = [*project["dependencies"], *(t for extra in project["optional-dependencies"].values() for t in extra)]
    declared = {canonicalize_name(write_environment.Requirement(t).name) for t in texts}
    providers = packages_distributions()
    local = {"adaptlib", *(p.stem for p in (REPO_ROOT / "tests").glob("*.py"))}  # conftest, strategies, ...
    undeclared = {}
    for path in sorted([*(REPO_ROOT / "adaptlib").rglob("*.py"), *(REPO_ROOT / "tools").glob("*.py"),
                        *(REPO_ROOT / "tests").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in local:
                    continue
                distributions = {canonicalize_name(d) for d in providers.get(top, [top])}
                if not distributions & declared:
                    undeclared.setdefault(top, path.relative_to(REPO_ROOT).as_posix())
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_the_licence_and_the_citation_agree_with_pyproject():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    citation = yaml.safe_load((REPO_ROOT / "CITATION.cff").read_text())
    assert (REPO_ROOT / "LICENSE").read_text().splitlines()[0] == f"{project['license']} License"
    assert citation["cff-version"] == "1.2.0" and citation["license"] == project["license"]
    assert citation["version"] == project["version"]
    assert any("Adaptive Inference" in r["title"] for r in citation["references"])
