"""Shared fixtures: paths to ../shared (read at run time, never copied) and small fictional articles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SPEC = SHARED / "spec" / "stories.schema.json"

# Tests never touch the user's ./tidings.db.
os.environ.pop("TIDINGS_DB", None)
# Test inputs are small: spaCy reads them in the test process (tests/test_text.py checks the worker processes).
os.environ.setdefault("TIDINGS_SPACY_WORKERS", "1")


def require_shared(path: Path) -> Path:
    """Skip the calling test, with the reason, when a ../shared resource is absent."""
    if not path.exists():
        pytest.skip(f"{path} is absent (tests read ../shared at run time; nothing from it is copied here)")
    return path


@pytest.fixture
def seeds_dir() -> Path:
    return require_shared(SEEDS)


@pytest.fixture
def schema() -> dict:
    import json

    return json.loads(require_shared(SPEC).read_text(encoding="utf-8"))


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "test.db")
