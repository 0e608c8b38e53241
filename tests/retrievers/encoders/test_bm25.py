from haystack import Document

from retrievers.encoders.bm25 import document_vector, query_vector, term_id, terms
from retrievers.encoders.bm25_document_embedder import BM25SparseDocumentEmbedder
from retrievers.encoders.bm25_text_embedder import BM25SparseTextEmbedder


def test_terms_stem_drop_stop_words_and_split_mixed_tokens() -> None:
    assert terms("What were the Company's revenues in FY2018?") == ["compani", "revenu", "fy2018", "fy", "2018"]


def test_document_vector_saturates_term_frequency() -> None:
    indices, values = document_vector("revenue revenue revenue growth")
    weights = dict(zip(indices, values, strict=True))
    assert weights[term_id("revenu")] > weights[term_id("growth")]
    assert weights[term_id("revenu")] < 3 * weights[term_id("growth")]
    assert indices == sorted(indices)


def test_query_vector_weighs_each_term_once() -> None:
    indices, values = query_vector("revenue revenue 2018")
    assert indices == sorted({term_id("revenu"), term_id("2018")}) and values == [1.0, 1.0]


def test_ids_are_stable_across_processes() -> None:
    assert term_id("revenu") == 2107883589  # CRC32, not Python's randomised hash


def test_embedders_and_round_trip() -> None:
    doc = BM25SparseDocumentEmbedder().run(documents=[Document(content="Net sales", meta={"title": "3M 2018 10K"})])
    sparse = doc["documents"][0].sparse_embedding
    assert term_id("3m") in sparse.indices and term_id("sale") in sparse.indices
    query = BM25SparseTextEmbedder().run(text="net sales")["sparse_embedding"]
    assert set(query.indices) <= set(sparse.indices)
    embedder = BM25SparseDocumentEmbedder(meta_fields_to_embed=["section"])
    assert BM25SparseDocumentEmbedder.from_dict(embedder.to_dict()).meta_fields_to_embed == ["section"]
