"""Web UI fixtures: settings in a temporary folder, passed to the app through DOCSIGHT_* variables as in
production, an Ollama test server, and the process-wide services closed after each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.settings import Settings
from tests.conftest import corpus_file
from tests.support.ollama_server import FakeOllama
from webui.service import WebService

TABLE_PDF = "pdfplumber__nics-background-checks-2015-11.pdf"  # one page, one ruled table (a crop)
APP = Path(__file__).resolve().parents[2] / "webui" / "app.py"


def table_pdf() -> tuple[str, bytes]:
    return TABLE_PDF, corpus_file("parsers", TABLE_PDF).read_bytes()


def ui_environment(folder: Path, ollama_url: str, collection: str = "ui") -> dict[str, str]:
    """DOCSIGHT_* variables for a UI with its store and uploads in ``folder``."""
    return {
        "DOCSIGHT_QDRANT_PATH": str(folder / "qdrant"),
        "DOCSIGHT_UPLOAD_DIR": str(folder / "uploads"),
        "DOCSIGHT_CONVERSATIONS_DB": str(folder / "conversations.sqlite3"),
        "DOCSIGHT_COLLECTION": collection,
        "DOCSIGHT_WORKERS": "1",
        "DOCSIGHT_OLLAMA_URL": ollama_url,
    }


@pytest.fixture
def ollama():
    with FakeOllama() as server:
        yield server


@pytest.fixture
def ui_env(tmp_path: Path, monkeypatch, ollama) -> Settings:
    """The UI's settings, set in the environment; returns them as the app will read them."""
    for name, value in ui_environment(tmp_path, ollama.url).items():
        monkeypatch.setenv(name, value)
    yield Settings.from_env()
    WebService.close_all()
