"""The indexing pipeline: files -> layout blocks -> chunks -> their language -> their document's identity -> dense +
sparse vectors -> Qdrant.

One definition serves the batch job (which runs it without the writer in worker processes and writes in the main
process), the web UI and the YAML export.
"""

from __future__ import annotations

from haystack import Pipeline
from haystack.components.joiners import DocumentJoiner

from ingest.chunking.layout_chunker import LayoutChunker
from ingest.classifiers.chunk_language_classifier import ChunkLanguageClassifier
from ingest.converters.image_ocr_converter import ImageOCRConverter
from ingest.converters.pdf_layout_converter import PDFLayoutConverter
from ingest.identity.document_identifier import DocumentIdentifier
from ingest.routers.content_type_router import ContentTypeRouter
from pipelines.embedders import document_embedder
from pipelines.settings import Settings
from retrievers.document_writer import DocsightDocumentWriter
from retrievers.encoders.bm25_document_embedder import BM25SparseDocumentEmbedder
from retrievers.store import DocsightStore


def build_indexing_pipeline(settings: Settings, document_store: DocsightStore | None = None) -> Pipeline:
    """Build the indexing pipeline; without ``document_store`` it ends at the embedded chunks (``sparse_embedder``).

    Inputs: ``router.sources`` (file paths); optionally ``router.file_types``, ``pdf_converter.passwords``,
    ``*_converter.meta`` and ``*_converter.on_page``. Output: ``writer.documents_written`` and ``writer.records``,
    or, without a store, ``sparse_embedder.documents`` and ``*_converter.page_counts``.
    """
    pipe = Pipeline()
    pipe.add_component("router", ContentTypeRouter())
    pipe.add_component(
        "pdf_converter",
        PDFLayoutConverter(
            ocr_languages=settings.ocr_language_list,
            ocr_dpi=settings.ocr_dpi,
            crop_max_side=settings.crop_max_side,
            crop_jpeg_quality=settings.crop_jpeg_quality,
            max_pages=settings.max_pages,
        ),
    )
    pipe.add_component(
        "image_converter",
        ImageOCRConverter(
            ocr_languages=settings.ocr_language_list,
            crop_max_side=settings.crop_max_side,
            crop_jpeg_quality=settings.crop_jpeg_quality,
            max_image_pixels=settings.max_image_pixels,
            max_pages=settings.max_pages,
        ),
    )
    pipe.add_component("joiner", DocumentJoiner(join_mode="concatenate"))
    pipe.add_component(
        "chunker", LayoutChunker(max_tokens=settings.chunk_tokens, overlap_tokens=settings.chunk_overlap_tokens)
    )
    pipe.add_component("language_classifier", ChunkLanguageClassifier())
    pipe.add_component("identifier", DocumentIdentifier())
    pipe.add_component("dense_embedder", document_embedder(settings))
    pipe.add_component("sparse_embedder", BM25SparseDocumentEmbedder())
    pipe.connect("router.pdf", "pdf_converter.sources")
    pipe.connect("router.image", "image_converter.sources")
    pipe.connect("pdf_converter.documents", "joiner.documents")
    pipe.connect("image_converter.documents", "joiner.documents")
    pipe.connect("joiner.documents", "chunker.documents")
    pipe.connect("chunker.documents", "language_classifier.documents")
    pipe.connect("language_classifier.documents", "identifier.documents")
    pipe.connect("identifier.documents", "dense_embedder.documents")
    pipe.connect("dense_embedder.documents", "sparse_embedder.documents")
    if document_store is not None:
        writer = DocsightDocumentWriter(document_store=document_store)
        pipe.add_component("writer", writer)
        pipe.connect("sparse_embedder.documents", "writer.documents")
        pipe.connect("pdf_converter.page_counts", "writer.page_counts")
        pipe.connect("image_converter.page_counts", "writer.page_counts")
    return pipe
