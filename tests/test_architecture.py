"""The layers the README states hold, and stay held: the import contracts in pyproject.toml
([tool.importlinter], run by `lint-imports` in .ci/run) pass on the code, fail on a deliberately bad
import, and cover every shared module; and no code outside migrations reaches another app's models
by name through the app registry, which would step round the contracts unseen.

Both keep a ratchet of today's violations (the contracts' ignore_imports, GET_MODEL_OFFENDERS
below), each named with the #17 Build item that removes it: nothing new may join, and an entry whose
violation is gone fails until it is deleted, so the lists only shrink."""

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
ROOT_PACKAGES: list[str] = CONFIG["root_packages"]
# healthyplaces/ holds the shared code and, above every app, the board and the demo.
ABOVE_THE_APPS = {"healthyplaces.board", "healthyplaces.demo"}


def run_lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    # lint-imports puts its working directory first on sys.path, so it reads the code under cwd
    # (not the checkout the virtualenv was installed from); PYTHONPATH says the same for certain.
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(  # noqa: S603 - our own virtualenv's lint-imports on our own files
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def contract(contract_id: str) -> dict[str, Any]:
    contracts: list[dict[str, Any]] = CONFIG["contracts"]
    [found] = [c for c in contracts if c["id"] == contract_id]
    return found


def test_the_contracts_hold_on_the_code() -> None:
    result = run_lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


@pytest.fixture
def code_copy(tmp_path: Path) -> Path:
    """A copy of the code and its contracts, so a test adds a bad module without touching the tree."""
    for package in ROOT_PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_a_bad_import_breaks_a_contract(code_copy: Path) -> None:
    """A copy of the code with one module in actions importing the board: lint-imports refuses it
    and names the import."""
    assert run_lint_imports(code_copy).returncode == 0, "the copy passes before the bad import is added"

    (code_copy / "actions" / "bad_import.py").write_text("from healthyplaces.board import selectors  # noqa\n")
    result = run_lint_imports(code_copy)

    assert result.returncode != 0
    assert "No app or shared module imports the board or the demo BROKEN" in result.stdout
    assert "actions.bad_import -> healthyplaces.board.selectors" in result.stdout


def test_a_type_checking_import_counts(code_copy: Path) -> None:
    """An import for types only is still knowledge of the module: the contracts see it."""
    (code_copy / "insights" / "bad_import.py").write_text(
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from funding.models import Application  # noqa\n"
    )
    result = run_lint_imports(code_copy)

    assert result.returncode != 0
    assert "insights.bad_import -> funding.models" in result.stdout


def in_project(path: str) -> bool:
    """An app whose code is this project's: under ROOT, but not a package installed into a
    virtualenv that happens to live there (CI's fresh clone keeps its .venv inside the clone)."""
    resolved = Path(path).resolve()
    return resolved.is_relative_to(ROOT) and "site-packages" not in resolved.parts


def shared_modules() -> set[str]:
    """Every direct child of healthyplaces/ (package or module) that is shared code."""
    children = {
        f"healthyplaces.{path.stem}"
        for path in (ROOT / "healthyplaces").iterdir()
        if (path.is_dir() and (path / "__init__.py").exists()) or (path.suffix == ".py" and path.stem != "__init__")
    }
    return children - ABOVE_THE_APPS


def test_the_contracts_cover_every_shared_module_and_app() -> None:
    """A new shared module or app is under the contracts the day it is added, not when someone
    remembers to list it."""
    project_packages = {config.name.split(".")[0] for config in apps.get_app_configs() if in_project(config.path)}
    assert project_packages == set(ROOT_PACKAGES)
    apps_ = [package for package in ROOT_PACKAGES if package != "healthyplaces"]
    assert set(contract("actions-imports-no-app")["forbidden_modules"]) == set(apps_) - {"actions"}
    assert set(contract("shared-imports-no-app")["source_modules"]) == shared_modules()
    assert set(contract("shared-imports-no-app")["forbidden_modules"]) == set(apps_)
    assert set(contract("nothing-imports-board-or-demo")["source_modules"]) == shared_modules() | set(apps_)
    assert set(contract("nothing-imports-board-or-demo")["forbidden_modules"]) == ABOVE_THE_APPS


# Today's code that reaches another app's models by name, as (file, label). The later #17 session
# empties this list; nothing may be added to it.
GET_MODEL_OFFENDERS = {
    # #17 Build 3: the action page's loop is composed from sections funding and insights register.
    ("actions/selectors.py", "insights"),
    ("actions/selectors.py", "funding"),
    # #17 Build 3: the public responses' funded grants become a section funding registers.
    ("insights/selectors.py", "funding"),
}
# Helpers whose label is an argument, not a name in the code: fill_uuids is called by migrations
# with their historical app registry and their own app's label.
GENERIC_GET_MODEL = {"healthyplaces/accounts/migration_utils.py"}


def owning_label(relative: Path) -> str | None:
    """The label of the app a file belongs to (the app whose folder holds it most closely)."""
    owners = [
        config for config in apps.get_app_configs() if (ROOT / relative).is_relative_to(Path(config.path).resolve())
    ]
    return max(owners, key=lambda config: len(config.path)).label if owners else None


def registry_lookups(source: str) -> list[str | None]:
    """The app label of every apps.get_model(...) / apps.get_app_config(...) call in the source:
    "funding" for get_model("funding", "Application") or get_model("funding.Application"), None when
    the label is not written in the call. An AppConfig's own get_model("Place") names its own app's
    model and is left out."""
    labels: list[str | None] = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        arguments = [*node.args, *(k.value for k in node.keywords if k.arg in {"app_label", "model_name"})]
        if node.func.attr not in {"get_model", "get_app_config"} or not arguments:
            continue
        first = arguments[0]
        written = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        if node.func.attr == "get_model" and len(arguments) == 1 and written is not None and "." not in written:
            continue
        labels.append(written.split(".")[0] if written is not None else None)
    return labels


def test_registry_lookups_are_found() -> None:
    """The finder itself: each way of naming an app through the registry is seen."""
    found = registry_lookups(
        "from django.apps import apps\n"
        'apps.get_model("funding", "Application")\n'
        'apps.get_model("insights.Insight")\n'
        'apps.get_model(app_label="connectors", model_name="Place")\n'
        'django.apps.apps.get_app_config("board")\n'
        "apps.get_model(label, name)\n"
        'config.get_model("Place")\n'
    )
    assert found == ["funding", "insights", "connectors", "board", None]


def test_no_code_reaches_another_apps_models_by_name() -> None:
    project_labels = {config.label for config in apps.get_app_configs() if in_project(config.path)}
    found: set[tuple[str, str]] = set()
    for package in ROOT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue  # a migration reads its historical models through the registry it is given
            own = owning_label(relative)
            for label in registry_lookups(path.read_text()):
                if label is None and str(relative) not in GENERIC_GET_MODEL:
                    found.add((str(relative), "<a label not written in the call>"))
                elif label is not None and label in project_labels and label != own:
                    found.add((str(relative), label))

    assert found - GET_MODEL_OFFENDERS == set(), "reach another app through its public modules or a registry"
    assert GET_MODEL_OFFENDERS - found == set(), "fixed: delete these from GET_MODEL_OFFENDERS"


def test_an_ignored_import_that_is_gone_fails(code_copy: Path) -> None:
    """The ratchet's other half: once a violation is fixed, its ignore_imports entry must go too."""
    config = code_copy / "pyproject.toml"
    stale = '    "insights.services -> connectors.models",\n'
    assert stale in config.read_text()
    config.write_text(config.read_text().replace(stale, stale + '    "insights.views -> connectors.models",\n'))
    result = run_lint_imports(code_copy)

    assert result.returncode != 0
    assert "No matches for ignored import insights.views -> connectors.models" in result.stdout + result.stderr
