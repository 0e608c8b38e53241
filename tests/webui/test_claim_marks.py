"""Unsupported figures marked in the chat answer, and the line under it, built from real claim checks."""

from pipelines.generation.claims import check_claims
from webui.claim_marks import answer_with_marks, claims_caption

SOURCES = [{"n": 1, "text": "(Millions) 2018 2017 Purchases of PP&E (1,577) (1,373)", "source": "3M.pdf", "page": 60}]
ANSWER = "Capex was $1,577 million in 2018 [1]. It was $1,757 million in 2017 [1]. See [](http://x.example)."


def test_unsupported_figures_are_marked_and_citations_still_link() -> None:
    claims = check_claims(ANSWER, SOURCES)
    markdown = answer_with_marks(ANSWER, claims, 0, {1})
    assert ":red-background[$1,757 million]" in markdown.replace("\\", "")
    assert ":red-background[$1,577" not in markdown.replace("\\", "")
    assert markdown.count("(#source-0-1)") == 2
    assert "](http" not in markdown  # text from models stays escaped


def test_caption_says_how_many_figures_were_found_and_which_not() -> None:
    claims = check_claims(ANSWER, SOURCES)
    caption = claims_caption(claims).replace("\\", "")
    assert caption.startswith("1 of 2 figures found in the cited sources · not found: $1,757 million")
    assert claims_caption({"total": 0}) == "" and claims_caption(None) == ""
    repaired = {**claims, "first": {"answer": "x", "claims": {"found": 0, "total": 2}}}
    assert "corrected once after checking (the first answer had 0 of 2)" in claims_caption(repaired).replace("\\", "")
