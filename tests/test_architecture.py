"""The shape of the code: the import contracts hold, they fail on a wrong import or a cycle, and the diagram shows them.

The contracts live in pyproject.toml; .ci/run checks them with `lint-imports` before the tests. These tests
show the check has teeth: in a copy of the tree, a part that imports the command line, or two modules that
import each other, break it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("leerstroom", "ingest", "transform", "dashboards")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    # PYTHONPATH first, so the packages are read from `root`, not from the editable install.
    env = {**os.environ, "PYTHONPATH": str(root), "NO_COLOR": "1"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the code and its contracts."""
    for package in PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_its_import_contracts() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_part_importing_the_command_line_breaks_the_contract(tree: Path) -> None:
    with (tree / "dashboards" / "charts.py").open("a") as fh:
        fh.write("\nimport leerstroom.cli.main  # a part reaching up into the command line\n")

    result = lint_imports(tree)

    assert result.returncode == 1, result.stdout
    assert "Nothing imports the command line BROKEN" in result.stdout
    assert "dashboards.charts -> leerstroom.cli.main" in result.stdout


def test_a_part_importing_another_parts_internals_breaks_the_contract(tree: Path) -> None:
    with (tree / "transform" / "runner.py").open("a") as fh:
        fh.write("\nfrom ingest.lrs import store  # transform reading the LRS store behind ingest's back\n")

    result = lint_imports(tree)

    assert result.returncode == 1, result.stdout
    assert "Only the command line imports ingest; other parts use ingest.status BROKEN" in result.stdout
    assert "transform.runner -> ingest.lrs.store" in result.stdout


def test_an_import_cycle_breaks_the_contract_even_under_type_checking(tree: Path) -> None:
    scopes = tree / "ingest" / "lrs" / "scopes.py"
    cycle = (
        "from typing import TYPE_CHECKING, Protocol\n\n"
        "if TYPE_CHECKING:\n    from ingest.lrs.credentials import Credential\n"
    )
    scopes.write_text(scopes.read_text().replace("from typing import Protocol\n", cycle))

    result = lint_imports(tree)

    assert result.returncode == 1, result.stdout
    assert "No import cycles inside any package, TYPE_CHECKING imports included BROKEN" in result.stdout
    assert ".scopes -> .credentials" in result.stdout or ".credentials -> .scopes" in result.stdout


def test_the_architecture_diagram_shows_the_contracts() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "docs" / "diagram.py"), "--check"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
