import json
import subprocess
import sys
from pathlib import Path

from haystack import Document

from ingest.classifiers.chunk_language_classifier import ChunkLanguageClassifier
from retrievers.encoders.bm25 import document_vector, query_vector, stop_words, term_id, terms
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


GOLDEN = Path(__file__).parent / "fixtures" / "bm25_english_golden.json"


def test_english_text_gives_the_vectors_of_the_english_only_encoder() -> None:
    """Chunks and questions of real 10-K filings, with the vectors the encoder gave before it learnt other
    languages (see the file's "from"): unchanged, whether the language is unknown, English, or detected."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    docs = [Document(content=d["text"], meta={"doc_id": d["source"]}) for d in golden["documents"]]
    tagged = ChunkLanguageClassifier().run(documents=docs)["documents"]
    assert {d.meta["document_language"] for d in tagged} == {"en"}
    embedded = BM25SparseDocumentEmbedder(meta_fields_to_embed=["none"]).run(documents=tagged)["documents"]
    for expected, doc in zip(golden["documents"], embedded, strict=True):
        assert document_vector(expected["text"]) == (expected["indices"], expected["values"])
        assert document_vector(expected["text"], "en") == (expected["indices"], expected["values"])
        assert (doc.sparse_embedding.indices, doc.sparse_embedding.values) == (expected["indices"], expected["values"])
    for query in golden["queries"]:
        assert BM25SparseTextEmbedder().run(text=query["text"])["sparse_embedding"].indices == query["indices"]


def test_cjk_runs_become_bigrams_and_are_found_by_a_word_inside_them() -> None:
    assert terms("盐城高新区投资集团", "zh") == ["盐城", "城高", "高新", "新区", "区投", "投资", "资集", "集团"]
    assert terms("元来日本語は", "ja")[:3] == ["元来", "来日", "日本"]
    assert terms("저희는 YGE소속", "ko") == ["저희", "희는", "yge", "소속"]  # Korean particles stay attached
    assert terms("年", "zh") == ["年"]
    doc = dict(zip(*document_vector("第七章 企业资信状况 发行人历史信用评级情况", "zh"), strict=True))
    query, _ = query_vector("信用评级", ["en", "zh"])
    assert set(query) <= set(doc)


def test_stemming_and_stop_words_follow_the_language() -> None:
    assert terms("Les résumés des requêtes", "fr") == ["résum", "requêt"]  # French stop words, French stems
    assert terms("Les résumés des requêtes") == ["les", "résumé", "des", "requêt"]  # read as English
    assert terms("Die Ergebnisse der Anfragen", "de") == ["ergebnis", "anfrag"]
    assert "habibi" in terms("حَبيبي habibi", "ar") and "حبيب" in terms("حَبيبي habibi", "ar")  # vowel marks dropped
    assert terms("שלום עולם", "he") == ["שלום", "עולם"]  # no Hebrew stemmer: words as they are
    assert stop_words("xx") == frozenset()


def test_a_french_query_matches_french_documents_and_english_queries_are_unchanged() -> None:
    doc = BM25SparseDocumentEmbedder(meta_fields_to_embed=["none"]).run(
        documents=[Document(content="Nous proposons un algorithme de résumé des logs", meta={"language": "fr"})]
    )["documents"][0]
    query = BM25SparseTextEmbedder().run(text="Quelle est la méthode proposée pour résumer les logs ?")[
        "sparse_embedding"
    ]
    assert term_id("résum") in set(query.indices) & set(doc.sparse_embedding.indices)


def test_cjk_term_ids_are_stable_across_processes() -> None:
    code = "from retrievers.encoders.bm25 import document_vector; print(document_vector('信用评级 저희는', 'zh'))"
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout for _ in "ab"
    }
    assert len(runs) == 1 and runs.pop().strip() == str(document_vector("信用评级 저희는", "zh"))
