"""Choose the embedders from settings: the packaged MiniLM by default, or an Ollama embedding model."""

from __future__ import annotations

from dataclasses import dataclass

from haystack_integrations.components.embedders.ollama import OllamaDocumentEmbedder, OllamaTextEmbedder

from pipelines.settings import Settings, SettingsError
from retrievers.encoders import bm25, minilm
from retrievers.encoders.embedding_text import DEFAULT_META_FIELDS
from retrievers.encoders.minilm_document_embedder import MiniLMDocumentEmbedder
from retrievers.encoders.minilm_text_embedder import MiniLMTextEmbedder

OLLAMA_PREFIX = "ollama:"


@dataclass(frozen=True)
class EmbeddingSpec:
    """The dense model a collection is written with: recorded in the collection and checked on every open."""

    name: str
    dimension: int


def embedding_model_name(settings: Settings) -> str:
    """The name a collection records for the configured dense embedder (no server needed)."""
    if settings.embedder == "minilm":
        return minilm.MODEL_NAME
    if settings.embedder == "minilm-int8":
        return minilm.MODEL_NAME + "@int8"
    if settings.embedder.startswith(OLLAMA_PREFIX):
        return "ollama/" + settings.embedder.removeprefix(OLLAMA_PREFIX)
    raise SettingsError(f"DOCSIGHT_EMBEDDER={settings.embedder!r}: use 'minilm', 'minilm-int8' or 'ollama:<model>'")


def embedding_spec(settings: Settings) -> EmbeddingSpec:
    """Name and dimension of the configured dense embedder (asks Ollama once for its models' dimension).

    :raises SettingsError: DOCSIGHT_EMBEDDER is not ``minilm``, ``minilm-int8`` or ``ollama:<model>``.
    """
    name = embedding_model_name(settings)
    if not settings.embedder.startswith(OLLAMA_PREFIX):
        return EmbeddingSpec(name, minilm.DIMENSION)
    model = settings.embedder.removeprefix(OLLAMA_PREFIX)
    import ollama

    client = ollama.Client(host=settings.ollama_url, timeout=settings.ollama_timeout)
    vector = client.embed(model=model, input="dimension probe").embeddings[0]
    return EmbeddingSpec(name, len(vector))


def document_embedder(settings: Settings) -> MiniLMDocumentEmbedder | OllamaDocumentEmbedder:
    if settings.embedder.startswith(OLLAMA_PREFIX):
        return OllamaDocumentEmbedder(
            model=settings.embedder.removeprefix(OLLAMA_PREFIX),
            url=settings.ollama_url,
            timeout=settings.ollama_timeout,
            meta_fields_to_embed=list(DEFAULT_META_FIELDS),
            batch_size=settings.embed_batch_size,
            progress_bar=False,
        )
    embedding_model_name(settings)  # rejects unknown names
    return MiniLMDocumentEmbedder(
        batch_size=settings.embed_batch_size,
        quantized=settings.embedder == "minilm-int8",
        cache_dir=settings.cache_dir or None,
    )


def text_embedder(settings: Settings) -> MiniLMTextEmbedder | OllamaTextEmbedder:
    if settings.embedder.startswith(OLLAMA_PREFIX):
        return OllamaTextEmbedder(
            model=settings.embedder.removeprefix(OLLAMA_PREFIX),
            url=settings.ollama_url,
            timeout=settings.ollama_timeout,
        )
    embedding_model_name(settings)
    return MiniLMTextEmbedder(quantized=settings.embedder == "minilm-int8", cache_dir=settings.cache_dir or None)


SPARSE_MODEL = bm25.MODEL_NAME


def prepare_embedder(settings: Settings) -> str:
    """Build what the configured embedder needs on disk (MiniLM's ONNX file; nothing for Ollama); returns where."""
    if settings.embedder.startswith(OLLAMA_PREFIX):
        return f"{settings.embedder} is served by Ollama at {settings.ollama_url}"
    embedding_model_name(settings)  # rejects an unknown embedder
    from retrievers.encoders.minilm_onnx import model_path

    return str(model_path(quantized=settings.embedder == "minilm-int8", cache_dir=settings.cache_dir or None))
