from haystack import Document

from retrievers.encoders.embedding_text import text_to_embed


def test_an_image_chunk_embeds_its_colour_names_after_its_title() -> None:
    doc = Document(content="Rep/Lean Rep 60", meta={"title": "poll", "kind": "page", "colours": ["dark brown", "beige"]})
    assert text_to_embed(doc) == "poll\ncolours: dark brown, beige\nRep/Lean Rep 60"


def test_a_chunk_without_colours_embeds_as_before() -> None:
    doc = Document(content="Net sales 5,363", meta={"title": "3M 2018 10K", "section": "Results", "colours": []})
    assert text_to_embed(doc) == "3M 2018 10K\nResults\nNet sales 5,363"
