"""The multilingual evaluation's pieces on one small real file (the whole run ingests 8 files per embedder)."""

from eval.multilingual_eval import _chunks, character_error_rate
from pipelines.settings import Settings


def test_chunks_come_from_the_indexing_pipeline_without_embedding() -> None:
    chunks = _chunks(["samplefiles__habibi.pdf"], Settings.from_env(workers=1))
    assert chunks and all(c.embedding is None for c in chunks)
    assert {c.meta["language"] for c in chunks if c.meta["kind"] == "text"} == {"ar"}
    assert any("\u0600" <= ch <= "\u06ff" for c in chunks for ch in c.content or "")


def test_character_error_rate_is_zero_for_a_span_of_the_text_and_counts_edits() -> None:
    assert character_error_rate("营业收入", "本期营业收入增长", "zh") == 0.0
    assert character_error_rate("capital", "the capitol building", "en") == 1 / 7
