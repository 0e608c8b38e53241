import numpy as np

from retrievers.encoders.minilm import DIMENSION
from retrievers.encoders.minilm_document_embedder import MiniLMDocumentEmbedder
from retrievers.encoders.minilm_onnx import MiniLMOnnxEncoder, model_path, shared_onnx_encoder
from retrievers.encoders.minilm_text_embedder import MiniLMTextEmbedder
from tests.conftest import corpus_file
from tests.support.minilm_numpy import shared_encoder

# sentence-transformers' all-MiniLM-L6-v2 output for "This is an example sentence" (first 5 dimensions)
REFERENCE = [0.0676569, 0.0634959, 0.0487131, 0.0793050, 0.0374480]


def _filing_texts(n: int = 40) -> list[str]:
    import pdfplumber

    texts = []
    with pdfplumber.open(corpus_file("financebench", "pdfs", "BESTBUY_2024Q2_10Q.pdf")) as pdf:
        for page in pdf.pages[2:12]:
            words = (page.extract_text() or "").split()
            texts += [" ".join(words[i : i + 150]) for i in range(0, len(words), 150)]
    return texts[:n]


def test_onnx_model_gives_the_reference_vectors() -> None:
    texts = _filing_texts()
    reference = shared_encoder().encode(texts)
    onnx = shared_onnx_encoder().encode(texts)
    assert np.allclose(onnx, reference, atol=2e-4)
    assert np.allclose(shared_onnx_encoder().encode(["This is an example sentence"])[0][:5], REFERENCE, atol=1e-4)


def test_int8_model_stays_close_to_the_float_model(tmp_path) -> None:
    path = model_path(quantized=True, cache_dir=tmp_path)
    # the encoder weights shrink 4x; the 47 MB word-embedding table stays float
    assert path.parent == tmp_path and path.stat().st_size < 0.7 * model_path(cache_dir=tmp_path).stat().st_size
    texts = _filing_texts()
    cosine = (MiniLMOnnxEncoder(path).encode(texts) * shared_onnx_encoder().encode(texts)).sum(1)
    assert cosine.mean() > 0.985 and cosine.min() > 0.95


def test_encoder_matches_the_reference_implementation() -> None:
    vector = shared_encoder().encode(["This is an example sentence"])[0]
    assert vector.shape == (DIMENSION,)
    assert np.allclose(vector[:5], REFERENCE, atol=1e-4)
    assert abs(np.linalg.norm(vector) - 1.0) < 1e-5


def test_batching_and_padding_do_not_change_vectors() -> None:
    texts = ["short", "a much longer sentence about quarterly revenue and operating income in 2018"] * 3
    together = shared_encoder().encode(texts, batch_size=4)
    alone = np.stack([shared_encoder().encode([t])[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-5)


def test_similar_texts_are_closer() -> None:
    q, pos, neg = shared_onnx_encoder().encode(
        ["What were 3M's net sales in 2018?", "3M net sales totaled $32.8 billion in 2018.", "The cat sat on a mat."]
    )
    assert q @ pos > q @ neg + 0.3


def test_document_embedder_uses_the_section_and_not_the_title() -> None:
    from haystack import Document

    doc = Document(content="Revenue grew.", meta={"title": "NIKE 2019 10K", "section": "Results"})
    untitled = Document(content="Revenue grew.", meta={"section": "Results"})
    plain = Document(content="Revenue grew.")
    out = MiniLMDocumentEmbedder().run(documents=[doc, untitled, plain])["documents"]
    assert len(out[0].embedding) == DIMENSION
    assert np.allclose(out[0].embedding, out[1].embedding, atol=1e-6)
    assert not np.allclose(out[0].embedding, out[2].embedding)
    query = MiniLMTextEmbedder().run(text="Revenue grew.")["embedding"]
    assert np.allclose(query, out[2].embedding, atol=1e-5)
    titled = MiniLMDocumentEmbedder(meta_fields_to_embed=["title", "section"]).run(documents=[doc])["documents"]
    assert not np.allclose(titled[0].embedding, out[0].embedding)


def test_to_dict_from_dict_round_trip() -> None:
    embedder = MiniLMDocumentEmbedder(meta_fields_to_embed=["title"], batch_size=8, quantized=True, cache_dir="/c")
    assert MiniLMDocumentEmbedder.from_dict(embedder.to_dict()).to_dict() == embedder.to_dict()
    text = MiniLMTextEmbedder(prefix="query: ", quantized=True)
    again = MiniLMTextEmbedder.from_dict(text.to_dict())
    assert (again.prefix, again.quantized) == ("query: ", True)


def test_a_batch_holds_at_most_its_token_budget_and_the_vectors_do_not_depend_on_it() -> None:
    from retrievers.encoders import minilm

    encoder = shared_onnx_encoder()
    texts = [*_filing_texts(12), "short", "a few more words"]
    shapes = []

    def recording(ids, mask):
        shapes.append(ids.shape)
        return encoder._hidden_states(ids, mask)

    budgeted = minilm.encode_batched(encoder._tokenizer, texts, 16, recording, batch_tokens=512)
    # full-length chunks (~200 word pieces and more) go two at a time; the short ones share a wider batch
    assert all(rows * length <= 512 or rows == 1 for rows, length in shapes) and len(shapes) >= 5
    assert max(rows for rows, length in shapes if length > 200) == 2 and shapes[0][0] >= 3
    assert sum(rows for rows, _ in shapes) == len(texts)
    unbounded = minilm.encode_batched(encoder._tokenizer, texts, 16, encoder._hidden_states, batch_tokens=10**9)
    assert np.allclose(budgeted, unbounded, atol=1e-5)
