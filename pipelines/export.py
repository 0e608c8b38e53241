"""Pipeline YAML exports: the indexing and query pipelines as Haystack YAML, deployable as they are.

The query YAML carries hayhooks' top-level ``inputs``/``outputs``. Load either with
``Pipeline.loads(text, allowed_modules=ALLOWED_MODULES)`` or set
``HAYSTACK_DESERIALIZATION_ALLOWLIST=ingest,retrievers,pipelines``.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from haystack import Pipeline

from pipelines.embedders import EmbeddingSpec, embedding_model_name
from pipelines.indexing import build_indexing_pipeline
from pipelines.query import QUESTION_SOCKETS, build_query_pipeline
from pipelines.settings import Settings
from pipelines.store import store_config
from retrievers.encoders import minilm
from retrievers.store import DocsightStore

ALLOWED_MODULES = ["ingest", "retrievers", "pipelines"]

QUERY_INPUTS = {
    "question": list(QUESTION_SOCKETS),
    "mode": "prompt_builder.mode",
}
QUERY_OUTPUTS = {
    "answer": "claims.answer",
    "citations": "claims.citations",
    "uncited": "claims.uncited",
    "model": "citations.model",
    "claims": "claims.claims",
}
INDEXING_INPUTS = {"files": "router.sources", "passwords": "pdf_converter.passwords"}
INDEXING_OUTPUTS = {"documents_written": "writer.documents_written", "records": "writer.records"}


def _with_io(pipeline: Pipeline, inputs: dict, outputs: dict) -> str:
    data = yaml.safe_load(pipeline.dumps())
    data["inputs"] = inputs
    data["outputs"] = outputs
    return yaml.safe_dump(data, sort_keys=True, allow_unicode=True)


def pipeline_yamls(settings: Settings) -> dict[str, str]:
    """``{"indexing.yaml": ..., "query.yaml": ...}`` for ``settings`` (nothing is connected or downloaded)."""
    dimension = minilm.DIMENSION if not settings.embedder.startswith("ollama:") else settings.embedding_dim
    spec = EmbeddingSpec(embedding_model_name(settings), dimension)
    store = DocsightStore(store_config(settings, spec))
    return {
        "indexing.yaml": _with_io(build_indexing_pipeline(settings, store), INDEXING_INPUTS, INDEXING_OUTPUTS),
        "query.yaml": _with_io(build_query_pipeline(settings, store), QUERY_INPUTS, QUERY_OUTPUTS),
    }


def export(settings: Settings, out: Path, only: str | None = None) -> list[Path]:
    """Write ``indexing.yaml`` and ``query.yaml`` (or only ``<only>.yaml``) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in pipeline_yamls(settings).items():
        if only and name != f"{only}.yaml":
            continue
        (out / name).write_text(text, encoding="utf-8")
        written.append(out / name)
    return written
