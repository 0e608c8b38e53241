"""The answer's relevance gate on real filing pages: one accidental shared word is not relevance."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from ingest.chunking.layout_chunker import LayoutChunker
from ingest.converters.pdf_layout_converter import PDFLayoutConverter
from pipelines.generation.answer_prompt_builder import AnswerPromptBuilder, dense_similarities, relevant
from pipelines.sources import Source
from tests.conftest import corpus_file


def _page_chunks(tmp_path: Path, filing: str, page: int) -> list:
    """The real chunks of one page of a corpus filing (the page cut out into its own PDF)."""
    writer = PdfWriter()
    writer.add_page(PdfReader(corpus_file("financebench", "pdfs", filing)).pages[page - 1])
    path = tmp_path / f"{Path(filing).stem}-p{page}.pdf"
    with open(path, "wb") as out:
        writer.write(out)
    blocks = PDFLayoutConverter().run(sources=[path])["documents"]
    return LayoutChunker().run(documents=blocks)["documents"]


@pytest.fixture(scope="module")
def korean_won_page(tmp_path_factory) -> list:
    """3M's 2018 10-K, page 102: the currency table that names the South Korean Won."""
    return _page_chunks(tmp_path_factory.mktemp("won"), "3M_2018_10K.pdf", 102)


def _sources(chunks) -> list[Source]:
    return [Source.from_document(n, doc) for n, doc in enumerate(chunks, start=1)]


def test_one_accidental_word_does_not_pass_the_gate(korean_won_page) -> None:
    sources = _sources(korean_won_page)
    assert any("Won" in s.text for s in sources)  # the word the question shares by accident
    assert not relevant("Who won the FIFA World Cup?", sources, 0.2)
    out = AnswerPromptBuilder().run(question="Who won the FIFA World Cup?", documents=korean_won_page)
    assert out["route"] == "none" and "text_messages" not in out


def test_questions_about_the_page_pass(korean_won_page) -> None:
    sources = _sources(korean_won_page)
    assert relevant("What is 3M's exposure to the South Korean Won?", sources, 0.2)
    assert relevant("foreign currency forward contracts", sources, 0.2)
    assert relevant("Won", sources, 0.2)  # a one-term question needs its one term


def test_one_shared_term_passes_only_with_a_close_meaning(korean_won_page) -> None:
    won = [s for s in _sources(korean_won_page) if "Won" in s.text]
    # "Korean money" shares one term with these chunks, as "Who won the FIFA World Cup?" does; only its meaning is close
    assert (
        min(dense_similarities("Korean money", won))
        > 0.3
        > 0.05
        > max(dense_similarities("Who won the FIFA World Cup?", won))
    )
    assert relevant("Korean money", won, 0.2) and not relevant("Who won the FIFA World Cup?", won, 0.2)


def test_temperature_of_one_call_overrides_the_default(korean_won_page) -> None:
    out = AnswerPromptBuilder(temperature=0.0).run(
        question="What is 3M's exposure to the South Korean Won?", documents=korean_won_page, temperature=0.7
    )
    assert out["generation_kwargs"]["temperature"] == 0.7


def test_a_question_that_names_a_chart_series_by_colour_passes(tmp_path: Path) -> None:
    """A chart's OCR text never spells the colours its series are asked about by; the gate reads its colour names."""
    from dataclasses import replace

    from ingest.converters.image_ocr_converter import ImageOCRConverter

    blocks = ImageOCRConverter().run(sources=[corpus_file("charts", "png", "group_234_chart1.png")])["documents"]
    sources = _sources(LayoutChunker().run(documents=blocks)["documents"])
    question = "What does the dark yellow bar stand for?"
    assert any(s.colours and "dark yellow" in s.colours for s in sources)
    assert relevant(question, sources, 0.2)
    assert not relevant(question, [replace(s, colours=None) for s in sources], 0.2)
