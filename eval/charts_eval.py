"""Chart retrieval: the unit is the image. Does retrieval rank an evidence chart first?

All charts of the dataset are ingested (OCR'd by docsight) into the evaluation collection; each question is
searched and images are ranked by their best chunk — across all charts, and within the question's chart group (the
charts a user asks about, given to the search as an ordered document filter, so "the second chart" can be
resolved). Results are split by ``task``: content questions name what a
chart shows (retrieval is the right test: target rank-1 >= 0.80); structure questions ("the tick spacing in the
second chart") carry no content words and are evaluated by ``docsight eval answers`` with the chart group given.
The baseline is plain BM25 over each image's OCR text (the text docsight extracted), in the same run.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from eval.baselines import PlainBM25
from eval.datasets import ChartQuestion, dataset_files
from eval.metrics import first_hit, mean, rank_scores
from eval.retrieval_eval import ingest_documents
from pipelines.batch.report import FAILED
from pipelines.retrieval import build_retrieval_pipeline, retrieve
from pipelines.settings import Settings
from pipelines.store import open_store

SYSTEMS = ("docsight", "bm25_ocr", "docsight_group", "docsight_group_content", "bm25_ocr_group")


def image_ranking(documents, n: int = 10) -> list[str]:
    ranking: list[str] = []
    for doc in documents:
        source = doc.meta.get("source", "")
        if source not in ranking:
            ranking.append(source)
            if len(ranking) >= n:
                break
    return ranking


def evaluate_charts(settings: Settings, questions: list[ChartQuestion], *, top_k: int = 10, console=None) -> dict:
    files = dataset_files(questions)
    failed = [r for r in ingest_documents(settings, files, console) if r.status == FAILED]
    store = open_store(settings)
    registry = store.registry
    try:
        ocr_text: dict[str, list[str]] = defaultdict(list)
        for doc in store.filter_documents({"field": "meta.committed", "operator": "==", "value": True}):
            ocr_text[doc.meta.get("source", "")].append(doc.content or "")
        bm25 = PlainBM25({(name, 1): "\n".join(texts) for name, texts in ocr_text.items()})
        pipeline = build_retrieval_pipeline(settings, store)
        content_only = build_retrieval_pipeline(settings, store)  # no "second chart" resolution: words alone
        content_only.get_component("retriever").scope_by_name = False
        doc_ids = {r.source: r.doc_id for r in registry.all()}
        rows = []
        for q in questions:
            relevant = {p.name for p in q.evidence}
            group = [doc_ids[p.name] for p in q.images if p.name in doc_ids]
            ranked = {
                "docsight": image_ranking(retrieve(pipeline, q.question, top_k=max(30, 3 * top_k)), top_k),
                "bm25_ocr": [name for name, _ in bm25.rank(q.question, n=top_k)],
                "docsight_group": image_ranking(
                    retrieve(pipeline, q.question, top_k=max(30, 3 * top_k), doc_ids=group), top_k
                ),
                "docsight_group_content": image_ranking(
                    retrieve(content_only, q.question, top_k=max(30, 3 * top_k), doc_ids=group), top_k
                ),
                "bm25_ocr_group": [name for name, _ in bm25.rank(q.question, only={p.name for p in q.images}, n=top_k)],
            }
            rows.append(
                {
                    "id": q.id,
                    "task": q.task,
                    "group": [p.name for p in q.images],
                    "evidence": sorted(relevant),
                    "question": q.question,
                    **{f"{s}_rank": first_hit(r, relevant) for s, r in ranked.items()},
                    **{f"{s}_scores": rank_scores(r, relevant) for s, r in ranked.items()},
                    "docsight_top3": ranked["docsight"][:3],
                }
            )
    finally:
        store.close()
    by_task: dict[str, dict] = {}
    for task in sorted({r["task"] for r in rows}):
        subset = [r for r in rows if r["task"] == task]
        by_task[task] = {s: mean([r[f"{s}_scores"] for r in subset]) for s in SYSTEMS}
        by_task[task]["questions"] = len(subset)
    content = [r for r in rows if r["task"].endswith("/Content")]
    return {
        "rows": rows,
        "summary": {s: mean([r[f"{s}_scores"] for r in content]) for s in SYSTEMS} if content else {},
        "by_task": by_task,
        "questions": len(rows),
        "content_questions": len(content),
        "documents": len(files),
        "failed_documents": [f"{Path(r.file).name}: {r.error}" for r in failed],
    }
