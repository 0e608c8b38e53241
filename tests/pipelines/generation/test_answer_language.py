"""Questions and sources in different languages: the prompt asks for the question's language, and a passage that
shares no word with the question because it is in another script still reaches the model."""

from haystack import Document

from pipelines.generation.answer_prompt_builder import AnswerPromptBuilder
from pipelines.generation.prompt import SYSTEM_PROMPT

CHINESE = Document(
    content="截至 2023 年 3 月末，发行人各类授信额度总额达 372.53 亿元，其中已使用额度 252.06 亿元。",
    meta={"source": "pymupdf__chinese-tables.pdf", "doc_id": "zh", "page": 1, "kind": "text", "language": "zh"},
)


def test_the_system_prompt_asks_for_the_language_of_the_question() -> None:
    assert "Answer in the language of the question" in SYSTEM_PROMPT


def test_a_passage_in_another_script_reaches_the_model() -> None:
    result = AnswerPromptBuilder(mode="text").run(question="How much credit had the issuer used?", documents=[CHINESE])
    assert result["route"] == "text"
    assert "252.06" in result["text_messages"][-1].text


def test_an_unrelated_passage_in_the_same_language_still_means_nothing_found() -> None:
    english = Document(
        content="The anodic polarization curve of stainless steel.",
        meta={"source": "a.pdf", "doc_id": "a", "page": 1, "kind": "text", "language": "en"},
    )
    result = AnswerPromptBuilder(mode="text").run(
        question="quantum chromodynamics of neutron stars", documents=[english]
    )
    assert result["route"] == "none"
