"""``docsight eval conversations``: follow-up questions and comparisons across filings, on the FinanceBench filings.

The set (``eval/conversations.jsonl``, written by hand; how, in the README's Evaluation section) has three kinds of
row:

- ``followup``: a FinanceBench question (``first``), then a follow-up as a user would say it (``followup``: it names
  neither the company nor the filing) standing for another FinanceBench question (``standalone``, the ceiling),
  with that question's filing and evidence pages. Scored: page recall@k of the follow-up (a) asked alone,
  (b) as the second turn of the conversation with the rules' rewrite (no model), (c) with the model's rewrite
  when an Ollama is reachable, (d) the standalone question alone.
- ``comparison``: one question naming two filings, with the evidence pages of each. Scored at top-k 8: whether the
  sources include an evidence page of each filing (per filing and both), with per-document shares and, as a
  baseline in the same run, without them (the retriever's ``balance_comparisons`` off).
- ``comparing_followup``: a FinanceBench question, then a follow-up that adds a filing to compare with ("How does
  that compare with Amcor?"); scored like a comparison, and the follow-up alone as its baseline.

Retrieval only: no answer is generated, the turns are not saved.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

from eval.datasets import DatasetError
from eval.metrics import first_hit
from pipelines.conversation.turns import Conversation
from pipelines.retrieval import build_retrieval_pipeline, search
from pipelines.service import DocsightService, sources_of
from pipelines.settings import Settings
from pipelines.sources import Source

KINDS = ("followup", "comparison", "comparing_followup")
SYSTEMS = ("alone", "rules", "model", "standalone")
POOL = 30  # hits retrieved to rank distinct pages from (as eval retrieval does)


def load_conversations(path: Path) -> list[dict]:
    """The rows of a conversations set; :raises DatasetError: a row lacks what its kind needs."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        needs = {
            "followup": ("first", "followup", "standalone", "doc_file", "evidence_pages"),
            "comparison": ("question", "documents"),
            "comparing_followup": ("first", "followup", "documents"),
        }.get(row.get("kind", ""))
        if needs is None or any(not row.get(k) for k in needs):
            raise DatasetError(f"{path}:{number}: a row of kind {row.get('kind')!r} needs {needs or KINDS}")
        rows.append(row)
    return rows


def dataset_files(rows: list[dict], pdfs: Path) -> list[Path]:
    """The filings the rows need: their ``doc_file`` relative to ``pdfs`` (the FinanceBench folder)."""
    paths = {r["doc_file"] for r in rows if r.get("doc_file")}
    paths |= {d["doc_file"] for r in rows for d in r.get("documents", [])}
    return sorted(pdfs / path for path in paths)


def page_ranking(sources: list[Source]) -> list[tuple[str, int]]:
    """Distinct (file, page) pairs in the order of their best source."""
    return list(dict.fromkeys((s.source, s.page) for s in sources))


def _evidence(item: dict) -> set[tuple[str, int]]:
    return {(Path(item["doc_file"]).name, p) for p in item["evidence_pages"]}


def evaluate_conversations(
    settings: Settings,
    rows: list[dict],
    *,
    top_k: int = 5,
    compare_k: int = 8,
    model_rewrite: bool = False,
    console=None,
) -> dict:
    """Score every row (see the module docstring); ``model_rewrite``: also (c), the text model's rewrite;
    ``console``: a Rich console for a line per row."""
    service = DocsightService(replace(settings, rewrite="auto" if model_rewrite else "rules"))
    try:
        unbalanced = build_retrieval_pipeline(settings, service.store)
        unbalanced.get_component("retriever").balance_comparisons = False
        scored = []
        start = time.monotonic()
        for row in rows:
            if row["kind"] == "followup":
                scored.append(_followup(service, row, top_k, model_rewrite))
            else:
                scored.append(_comparison(service, unbalanced, row, compare_k))
            if console is not None:
                console.print(f"{len(scored)}/{len(rows)} {row['id']}", highlight=False)
        seconds = time.monotonic() - start
    finally:
        service.close()
    columns = list(dict.fromkeys(k for r in scored for k in r))  # one table for every kind of row (questions.csv)
    rows = [{k: r.get(k) for k in columns} for r in scored]
    return {"rows": rows, "summary": summarise(scored, top_k), "seconds": seconds, "model_rewrite": model_rewrite}


def _followup(service: DocsightService, row: dict, top_k: int, model_rewrite: bool) -> dict:
    relevant = _evidence(row)
    ranks = {
        "alone": first_hit(page_ranking(service.retrieve(row["followup"], top_k=POOL)), relevant),
        "standalone": first_hit(page_ranking(service.retrieve(row["standalone"], top_k=POOL)), relevant),
    }
    conversation = Conversation(name=row["id"])
    service.answer_turn(conversation, row["first"], top_k=POOL, generate=False, save=False)
    context = conversation.context()
    turn = service.answer_turn(conversation, row["followup"], top_k=POOL, generate=False, save=False)
    ranks["rules"] = first_hit(page_ranking(turn.sources), relevant)
    searched = {"rules": turn.standalone}
    if model_rewrite:
        rewrite = service.rewrite(row["followup"], context, earlier=[row["first"]])
        hits = service.retrieve(rewrite.standalone, top_k=POOL, doc_ids=rewrite.doc_ids)
        ranks["model"] = first_hit(page_ranking(hits), relevant) if rewrite.how == "model" else None
        searched["model"] = rewrite.standalone if rewrite.how == "model" else "(no model rewrite: rules' form)"
    return {
        "id": row["id"],
        "kind": "followup",
        "document": Path(row["doc_file"]).name,
        "evidence_pages": row["evidence_pages"],
        "followup": row["followup"],
        "searched_for": searched,
        **{f"{system}_rank": rank for system, rank in ranks.items()},
        **{f"{system}_hit": rank is not None and rank <= top_k for system, rank in ranks.items()},
    }


def _comparison(service: DocsightService, unbalanced, row: dict, k: int) -> dict:
    documents = row["documents"]
    if row["kind"] == "comparison":
        question = row["question"]
        found = service.search(question, top_k=k)
        baseline = sources_of(search(unbalanced, question, top_k=k))
        searched = question
    else:
        conversation = Conversation(name=row["id"])
        service.answer_turn(conversation, row["first"], top_k=k, generate=False, save=False)
        turn = service.answer_turn(conversation, row["followup"], top_k=k, generate=False, save=False)
        found = None
        balanced, split, searched = turn.sources, turn.split, turn.standalone
        baseline = service.retrieve(row["followup"], top_k=k)  # the follow-up alone
    if found is not None:
        balanced, split = sources_of(found), found.split
    pages = {"balanced": set(page_ranking(balanced)), "baseline": set(page_ranking(baseline))}
    hits = {system: [bool(_evidence(d) & got) for d in documents] for system, got in pages.items()}
    return {
        "id": row["id"],
        "kind": row["kind"],
        "documents": [Path(d["doc_file"]).name for d in documents],
        "searched_for": searched,
        "split": [(g["sources"], g["hits"]) for g in split],
        **{f"{system}_per_document": h for system, h in hits.items()},
        **{f"{system}_both": all(h) for system, h in hits.items()},
    }


def summarise(rows: list[dict], top_k: int) -> dict:
    """Recall@k per follow-up system; shares of comparisons with evidence of both filings and per filing."""
    followups = [r for r in rows if r["kind"] == "followup"]
    systems = [s for s in SYSTEMS if followups and f"{s}_hit" in followups[0]]
    summary: dict = {
        "followups": len(followups),
        f"followup_recall@{top_k}": {s: _share([r[f"{s}_hit"] for r in followups]) for s in systems},
    }
    for kind in ("comparison", "comparing_followup"):
        chosen = [r for r in rows if r["kind"] == kind]
        summary[kind] = {
            "questions": len(chosen),
            **{
                system: {
                    "both": _share([r[f"{system}_both"] for r in chosen]),
                    "per_document": _share([h for r in chosen for h in r[f"{system}_per_document"]]),
                }
                for system in ("balanced", "baseline")
            },
        }
    return summary


def _share(values: list[bool]) -> float | None:
    return sum(values) / len(values) if values else None
