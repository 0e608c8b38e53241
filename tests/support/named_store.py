"""An embedded store of real corpus files copied under names a question can spell ("NICS_2015_CHECKS.pdf")."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipelines.batch.runner import BatchIngest
from pipelines.settings import Settings
from tests.conftest import corpus_file

NICS = "NICS_2015_CHECKS.pdf"
NICS_CORPUS = ("parsers", "pdfplumber__nics-background-checks-2015-11.pdf")


def ingest_named(root: Path, files: dict[str, tuple[str, ...]]) -> Path:
    """Copy each corpus file (``name -> corpus path parts``) into ``root`` as ``name``, ingest them all into the
    embedded store ``root / "q"`` and return its path; every file must ingest."""
    paths = []
    for name, parts in files.items():
        shutil.copy(corpus_file(*parts), root / name)
        paths.append(str(root / name))
    settings = Settings.from_env(environ={}, qdrant_path=str(root / "q"), workers=1)
    assert all(r.status == "ingested" for r in BatchIngest(settings).run(paths))
    return root / "q"
