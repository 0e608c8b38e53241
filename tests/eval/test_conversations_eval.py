"""`docsight eval conversations` end to end on the two smallest real filings (PepsiCo's 5-page 8-K, Ulta
Beauty's 9-page earnings release): the rows of eval/conversations.jsonl on them, a comparison of the two, the
Ollama test server as the rewrite model (what it was sent is checked), the report's numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.cli import main
from eval.conversations_eval import load_conversations
from eval.datasets import DatasetError
from pipelines.conversation.model_rewrite import REWRITE_SYSTEM
from tests.conftest import corpus_file
from tests.support.ollama_server import FakeOllama, deterministic_answer

SET = Path(__file__).resolve().parents[2] / "eval" / "conversations.jsonl"
SMALL = ("pdfs/PEPSICO_2023_8K_dated-2023-05-05.pdf", "pdfs/ULTABEAUTY_2023Q4_EARNINGS.pdf")
COMPARISON = {
    "id": "comparison-small",
    "kind": "comparison",
    "question": "Compare the outcome of PepsiCo's May 3, 2023 shareholder vote on a congruency report with what "
    "drove Ulta Beauty's SG&A reduction in FY2023.",
    "documents": [{"doc_file": SMALL[0], "evidence_pages": [4]}, {"doc_file": SMALL[1], "evidence_pages": [2]}],
}


def test_the_set_has_the_rows_the_issue_asks_for() -> None:
    rows = load_conversations(SET)
    followups = [r for r in rows if r["kind"] == "followup"]
    comparisons = [r for r in rows if r["kind"] == "comparison"]
    assert len(followups) >= 30 and len(comparisons) >= 15
    for row in followups:  # the follow-up names neither the company nor the filing: it needs the conversation
        company = Path(row["doc_file"]).stem.split("_")[0].lower()
        assert company not in row["followup"].lower().replace(" ", ""), row["followup"]
    assert all(len({d["doc_file"] for d in r["documents"]}) == 2 for r in comparisons)
    files = {r["doc_file"] for r in followups} | {d["doc_file"] for r in comparisons for d in r["documents"]}
    assert all(corpus_file("financebench", f).is_file() for f in files)


def _rewrite(prompt: str, body: dict) -> str:
    if body["messages"][0]["content"] == REWRITE_SYSTEM:
        last = prompt.split("Last question:")[1].split("\n")[0].strip()
        return f"{last.rstrip('?')} for Ulta Beauty in FY2023?"
    return deterministic_answer(prompt)


@pytest.mark.slow
def test_conversations_report_on_the_small_filings(tmp_path: Path, monkeypatch) -> None:
    rows = [r for r in load_conversations(SET) if r.get("doc_file") in SMALL] + [COMPARISON]
    assert len(rows) >= 4
    dataset = tmp_path / "small.jsonl"
    dataset.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "run"
    with FakeOllama(answer_fn=_rewrite) as server:
        monkeypatch.setenv("DOCSIGHT_OLLAMA_URL", server.url)
        args = ["conversations", "--dataset", str(dataset), "--pdfs", str(corpus_file("financebench"))]
        assert main([*args, "--qdrant-path", str(tmp_path / "q"), "--out", str(out)]) == 0
    rewrites = [c for c in server.chats() if c["messages"][0]["content"] == REWRITE_SYSTEM]
    followups = [r for r in rows if r["kind"] == "followup"]
    assert len(rewrites) == len(followups)  # (c): one rewrite request per follow-up, with its first question
    for request, row in zip(rewrites, followups, strict=True):
        sent = request["messages"][1]["content"]
        assert row["first"] in sent and f"Last question: {row['followup']}" in sent and "Sources:" not in sent
    result = json.loads((out / "results.json").read_text())
    recall = result["summary"]["followup_recall@5"]
    assert set(recall) == {"alone", "rules", "model", "standalone"} and all(0 <= v <= 1 for v in recall.values())
    assert recall["rules"] >= recall["alone"]
    [compared] = [r for r in result["rows"] if r["id"] == "comparison-small"]
    assert [hits for _, hits in compared["split"]] == [4, 4]  # each filing its share of the 8 sources
    assert compared["balanced_per_document"] == [True, True]
    report = (out / "report.md").read_text()
    assert "(b) in the conversation, rules' rewrite (no model)" in report and "(d) the standalone question" in report
    assert f"{server.url}" in report and "one question naming two filings" in report


def test_a_row_without_what_its_kind_needs_is_a_dataset_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"kind": "followup", "first": "What was 3M's capex?"}) + "\n")
    with pytest.raises(DatasetError, match=r"bad\.jsonl:1"):
        load_conversations(bad)
