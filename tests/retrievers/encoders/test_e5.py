import numpy as np
from haystack import Document

from retrievers.encoders.e5 import shared_e5_encoder
from retrievers.encoders.e5_document_embedder import E5DocumentEmbedder
from retrievers.encoders.e5_text_embedder import E5TextEmbedder


def test_documents_and_questions_get_unit_vectors_with_their_own_prefixes() -> None:
    docs = [
        Document(content="팬으로서, HARUTO 씨 받는 대우에 대해 의구심과 불공평함을 느꼈으며", meta={"title": "flyer"}),
        Document(content="Net sales rose 3.5% to $32.8 billion in 2018.", meta={"title": "3M 2018 10K"}),
        Document(content=""),
    ]
    out = E5DocumentEmbedder().run(documents=docs)["documents"]
    vectors = np.array([d.embedding for d in out])
    assert vectors.shape == (3, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    question = np.array(E5TextEmbedder().run(text="How do the fans feel about Haruto's treatment?")["embedding"])
    assert int(np.argmax(vectors[:2] @ question)) == 0  # an English question finds the Korean passage
    encoder = shared_e5_encoder()
    assert not np.allclose(encoder.query("net sales"), encoder.passages(["net sales"])[0])  # "query: " vs "passage: "


def test_to_dict_from_dict_round_trip() -> None:
    embedder = E5DocumentEmbedder(meta_fields_to_embed=["section"], batch_size=4)
    again = E5DocumentEmbedder.from_dict(embedder.to_dict())
    assert (again.meta_fields_to_embed, again.batch_size) == (["section"], 4)
    assert isinstance(E5TextEmbedder.from_dict(E5TextEmbedder().to_dict()), E5TextEmbedder)
