"""ClaimChecker: serialisation, and the repair round against the real HTTP test server speaking Ollama's API."""

import re

import pytest

from pipelines.generation.claim_checker import ClaimChecker
from retrievers.query_expansion.glossary import GlossaryError, load_glossary
from tests.support.ollama_server import FakeOllama

STATEMENT = (
    "Consolidated Statement of Cash Flows (Millions) 2018 2017 2016 Net cash provided by operating activities "
    "6,439 6,240 6,662 Purchases of property, plant and equipment (PP&E) (1,577) (1,373) (1,420)"
)
SOURCES = [
    {
        "n": 1,
        "source": "3M_2018_10K.pdf",
        "doc_id": "d",
        "page": 60,
        "kind": "text",
        "bbox": [0, 0, 1, 1],
        "section": "",
        "text": STATEMENT,
        "score": 1.0,
    },
    {
        "n": 2,
        "source": "3M_2018_10K.pdf",
        "doc_id": "d",
        "page": 61,
        "kind": "text",
        "bbox": [0, 0, 1, 1],
        "section": "",
        "text": "Notes to the statements.",
        "score": 0.5,
    },
]
WRONG = "3M spent $1,757 million on PP&E in 2018 [1]. Operating cash flow was $6,439 million in 2018 [1]."
RIGHT = "3M spent $1,577 million on PP&E in 2018 [1]. Operating cash flow was $6,439 million in 2018 [1]."
QUESTION = "What did 3M spend on PP&E in 2018?"


def _run(checker: ClaimChecker, answer: str) -> dict:
    return checker.run(
        answer=answer,
        citations=[{"n": 1, "source": "3M_2018_10K.pdf", "page": 60}],
        sources=SOURCES,
        question=QUESTION,
        model="llama3.2:3b",
    )


def test_round_trips_through_to_dict() -> None:
    checker = ClaimChecker(model="m", url="http://ollama:1", timeout=5, keep_alive="1m", max_context=4096)
    again = ClaimChecker.from_dict(checker.to_dict())
    assert again.to_dict() == checker.to_dict()
    assert "DOCSIGHT_OLLAMA_API_KEY" in str(checker.to_dict())  # the variable's name, never a key


def test_supported_answer_needs_no_repair() -> None:
    with FakeOllama() as server:
        out = _run(ClaimChecker(url=server.url), RIGHT)
    assert out["claims"]["line"] == "2 of 2 figures found in the cited sources"
    assert out["answer"] == RIGHT and "first" not in out["claims"] and server.chats() == []


def test_one_repair_round_names_the_figures_and_is_checked_again() -> None:
    with FakeOllama(answer_fn=lambda prompt, body: RIGHT) as server:
        out = _run(ClaimChecker(url=server.url, model="llama3.2:3b"), WRONG)
    (chat,) = server.chats()
    messages = chat["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert STATEMENT in messages[1]["content"] and QUESTION in messages[1]["content"]
    assert messages[2]["content"] == WRONG
    assert '"$1,757 million" (the sentence cites [1])' in messages[3]["content"]
    assert "$6,439" not in messages[3]["content"]  # only the unsupported figures are named
    assert chat["stream"] is False and chat["options"]["num_ctx"] >= 2048
    assert out["answer"] == RIGHT and out["citations"][0]["n"] == 1 and not out["uncited"]
    claims = out["claims"]
    assert claims["unsupported"] == 0 and claims["repair"] == {"attempted": True, "error": ""}
    assert claims["first"]["answer"] == WRONG and claims["first"]["claims"]["unsupported"] == 1
    first = claims["first"]["claims"]["sentences"][0]["figures"][0]
    assert first["status"] == "unsupported" and re.search(r"\[1\]", first["reason"])


def test_a_repair_that_is_still_wrong_stays_flagged_and_there_is_one_round_only() -> None:
    with FakeOllama(answer_fn=lambda prompt, body: WRONG.replace("1,757", "1,775")) as server:
        out = _run(ClaimChecker(url=server.url), WRONG)
    assert len(server.chats()) == 1
    assert out["claims"]["unsupported"] == 1 and out["claims"]["first"]["answer"] == WRONG


def test_a_worse_repair_does_not_replace_the_answer() -> None:
    worse = WRONG.replace("$6,439 million", "$9,999 million")
    with FakeOllama(answer_fn=lambda prompt, body: worse) as server:
        out = _run(ClaimChecker(url=server.url), WRONG)
    assert len(server.chats()) == 1 and out["answer"] == WRONG
    assert out["claims"]["repair"]["rejected"] and out["claims"]["repaired"]["answer"] == worse
    assert out["claims"]["repaired"]["claims"]["unsupported"] == 2 and out["claims"]["unsupported"] == 1


def test_unreachable_ollama_keeps_the_first_answer_flagged() -> None:
    with FakeOllama() as server:
        url = server.url
    out = _run(ClaimChecker(url=url, timeout=2), WRONG)  # the server is gone
    assert out["answer"] == WRONG and out["claims"]["unsupported"] == 1
    assert out["claims"]["repair"]["attempted"] and out["claims"]["repair"]["error"]


def test_no_model_answer_means_nothing_to_check() -> None:
    out = ClaimChecker(repair=False).run(answer="I found nothing.", citations=[], sources=SOURCES, model="")
    assert out["claims"]["total"] == 0 and out["claims"]["repair"]["attempted"] is False


def test_the_repair_request_is_bounded_in_length_and_in_time() -> None:
    with FakeOllama(answer_fn=lambda prompt, body: RIGHT) as server:
        _run(ClaimChecker(url=server.url, num_predict=77, deadline_s=30), WRONG)
    (chat,) = server.chats()
    assert chat["options"]["num_predict"] == 77
    checker = ClaimChecker(num_predict=77, deadline_s=30)
    assert ClaimChecker.from_dict(checker.to_dict()).to_dict()["init_parameters"]["deadline_s"] == 30


def test_a_repair_that_outlives_its_deadline_keeps_the_first_answer_flagged() -> None:
    with FakeOllama(answer_fn=lambda prompt, body: RIGHT, trickle_s=1.0) as server:
        out = _run(ClaimChecker(url=server.url, deadline_s=2, timeout=30), WRONG)
    assert out["answer"] == WRONG and out["claims"]["unsupported"] == 1
    assert out["claims"]["repair"]["attempted"] and out["claims"]["repair"]["error"]


def test_a_users_glossary_gives_the_named_formulas_and_a_bad_one_fails_at_construction(tmp_path) -> None:
    glossary = tmp_path / "mine.yaml"
    glossary.write_text(
        "formulas:\n  - terms: [capex intensity]\n"
        "    formula: purchases of property plant and equipment / net cash provided by operating activities\n"
    )
    checker = ClaimChecker(glossary_path=str(glossary), repair=False)
    assert ClaimChecker.from_dict(checker.to_dict()).glossary_path == str(glossary)
    claims = _run(checker, "3M's capex intensity was 0.245 in 2018 [1].")["claims"]  # 1,577 / 6,439
    (figure,) = claims["sentences"][0]["figures"]
    assert figure["status"] == "computed" and figure["operation"] == "capex intensity"
    assert _run(ClaimChecker(repair=False), "3M's capex intensity was 0.245 in 2018 [1].")["claims"]["unsupported"]
    glossary.write_text("formulas:\n  - terms: [x]\n    formula: median(sales)\n")
    load_glossary.cache_clear()
    with pytest.raises(GlossaryError, match=f"{glossary}: formula entry 1: .*unknown function 'median'"):
        ClaimChecker(glossary_path=str(glossary))
