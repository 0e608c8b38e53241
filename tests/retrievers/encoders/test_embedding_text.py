from haystack import Document

from ingest.layout.statements import INCOME_STATEMENT
from retrievers.encoders.embedding_text import DENSE_META_FIELDS, text_to_embed


def test_an_image_chunk_embeds_its_colour_names_and_not_its_file_name() -> None:
    meta = {"title": "group 7 chart2", "mime_type": "image/png", "colours": ["dark brown", "beige"]}
    doc = Document(content="Rep/Lean Rep 60", meta=meta)
    assert text_to_embed(doc) == "colours: dark brown, beige\nRep/Lean Rep 60"


def test_a_chunk_without_colours_embeds_as_before() -> None:
    meta = {"title": "3M 2018 10K", "section": "Results", "mime_type": "application/pdf", "colours": []}
    doc = Document(content="Net sales 5,363", meta=meta)
    assert text_to_embed(doc) == "3M 2018 10K\nResults\nNet sales 5,363"


def test_the_dense_text_leaves_the_title_to_the_sparse_text() -> None:
    meta = {"title": "3M 2018 10K", "section": "Results", "statement": INCOME_STATEMENT, "mime_type": "application/pdf"}
    doc = Document(content="Net sales 5,363", meta=meta)
    assert text_to_embed(doc, DENSE_META_FIELDS) == "Results\nincome statement\nNet sales 5,363"
    assert text_to_embed(doc).startswith("3M 2018 10K\n")
