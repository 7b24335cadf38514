"""The import direction of docs/architecture.md holds: the contracts in pyproject.toml pass,
and the pure text helpers load without the ORM or any model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE_HELPERS = [
    "articles.figures",
    "articles.figures.finder",
    "articles.quotes",
    "articles.placeholders",
    "articles.links",
    "articles.sanitize",
    "articles.charts",
    "articles.wording",
    "articles.spreadsheets",
    "comments.text",
    "comments.spam_score",
    "comments.sorting",
]


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "broken" not in result.stdout.split("Contracts:")[-1].replace("0 broken", "")


# Loaded by a helper, any of these would mean it reaches the database.
ORM_MODULES = ("django.db.models", "articles.models", "comments.models", "newsroom.models")


@pytest.mark.parametrize("module", PURE_HELPERS)
def test_a_text_helper_loads_without_the_orm(module):
    probe = (
        f"import sys, {module}; "
        f"print(sorted(m for m in sys.modules if m.startswith({ORM_MODULES!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
