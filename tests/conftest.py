"""Shared fixtures: the real corpus in ../shared/corpus and isolated settings per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.settings import Settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("DOCSIGHT_CORPUS", REPO.parent / "shared" / "corpus"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Test files with slow tests first, each file's tests in their order: the two xdist workers (addopts in
    pyproject.toml) take whole files as they free up, so the long files start early and the short ones fill in."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)  # stable: the order within each group is kept


def corpus_file(*parts: str) -> Path:
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"test corpus file missing: {path} (set DOCSIGHT_CORPUS to ../shared/corpus)")
    return path


@pytest.fixture
def parsers() -> Path:
    return corpus_file("parsers")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with an embedded store in a temporary folder and no environment influence."""
    return Settings.from_env(environ={}, qdrant_path=str(tmp_path / "qdrant"), workers=2, collection="test")
