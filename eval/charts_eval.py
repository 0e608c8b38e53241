"""Chart retrieval: the unit is the image. Does retrieval rank an evidence chart first?

All charts of the dataset are ingested (OCR'd by docsight) into the evaluation collection; each question is
searched and images are ranked by their best chunk — across all charts, and within the question's chart group (the
charts a user asks about, given to the search as an ordered document filter, so "the second chart" can be
resolved). Results are split by ``task``: content questions name what a
chart shows (retrieval is the right test: target rank-1 >= 0.80); structure questions ("the tick spacing in the
second chart") carry no content words and are evaluated by ``docsight eval answers`` with the chart group given.
The baselines, in the same run, are plain BM25 and plain dense (MiniLM, best 200-word window) over each image's OCR
text (the text docsight extracted). Every question is in a cross-validation half (:mod:`eval.splits`).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from eval.baselines import PlainBM25
from eval.datasets import ChartQuestion, dataset_files
from eval.metrics import first_hit, mean, rank_scores
from eval.retrieval_eval import ingest_documents
from eval.splits import HALVES, halves
from pipelines.batch.report import FAILED
from pipelines.retrieval import build_retrieval_pipeline, retrieve
from pipelines.settings import Settings
from pipelines.store import open_store
from retrievers.filters import COMMITTED

SYSTEMS = (
    "docsight",
    "bm25_ocr",
    "dense_ocr",
    "docsight_group",
    "docsight_group_content",
    "bm25_ocr_group",
    "dense_ocr_group",
)
_WINDOW = 200  # words per window of the plain dense baseline, as for pages (eval.baselines.PlainDense)


class PlainDenseText:
    """all-MiniLM-L6-v2 over 200-word windows of each image's text; an image is scored by its best window."""

    def __init__(self, texts: dict[str, str], encoder=None) -> None:
        from retrievers.encoders.minilm_onnx import shared_onnx_encoder

        self.encoder = encoder or shared_onnx_encoder()
        self.keys, windows = [], []
        for name, text in texts.items():
            tokens = text.split() or [""]
            for start in range(0, len(tokens), _WINDOW):
                self.keys.append(name)
                windows.append(" ".join(tokens[start : start + _WINDOW]))
        vectors = self.encoder.encode(windows) if windows else np.zeros((0, 384), dtype=np.float32)
        self.vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def rank(self, question: str, *, only: set[str] | None = None, n: int = 10) -> list[str]:
        query = self.encoder.encode([question])[0]
        scores = self.vectors @ (query / max(float(np.linalg.norm(query)), 1e-12))
        ranking: list[str] = []
        for i in np.argsort(-scores, kind="stable"):
            if (only is None or self.keys[i] in only) and self.keys[i] not in ranking:
                ranking.append(self.keys[i])
                if len(ranking) >= n:
                    break
        return ranking


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
        for doc in store.filter_documents(COMMITTED):
            ocr_text[doc.meta.get("source", "")].append(doc.content or "")
        bm25 = PlainBM25({(name, 1): "\n".join(texts) for name, texts in ocr_text.items()})
        dense = PlainDenseText({name: "\n".join(texts) for name, texts in ocr_text.items()})
        split = halves((q.id, q.task) for q in questions)
        pipeline = build_retrieval_pipeline(settings, store)
        content_only = build_retrieval_pipeline(settings, store)  # no "second chart" resolution: words alone
        content_only.get_component("retriever").scope_by_name = False
        doc_ids = {r.source: r.doc_id for r in registry.all()}
        rows = []
        for q in questions:
            relevant = {p.name for p in q.evidence}
            group = [doc_ids[p.name] for p in q.images if p.name in doc_ids]
            names = {p.name for p in q.images}
            ranked = {
                "docsight": image_ranking(retrieve(pipeline, q.question, top_k=max(30, 3 * top_k)), top_k),
                "bm25_ocr": [name for name, _ in bm25.rank(q.question, n=top_k)],
                "dense_ocr": dense.rank(q.question, n=top_k),
                "docsight_group": image_ranking(
                    retrieve(pipeline, q.question, top_k=max(30, 3 * top_k), doc_ids=group), top_k
                ),
                "docsight_group_content": image_ranking(
                    retrieve(content_only, q.question, top_k=max(30, 3 * top_k), doc_ids=group), top_k
                ),
                "bm25_ocr_group": [name for name, _ in bm25.rank(q.question, only=names, n=top_k)],
                "dense_ocr_group": dense.rank(q.question, only=names, n=top_k),
            }
            rows.append(
                {
                    "id": q.id,
                    "task": q.task,
                    "half": split[q.id],
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
        "by_half": {
            h: {s: mean([r[f"{s}_scores"] for r in content if r["half"] == h]) for s in SYSTEMS}
            for h in HALVES
            if any(r["half"] == h for r in content)
        },
        "by_task": by_task,
        "questions": len(rows),
        "content_questions": len(content),
        "documents": len(files),
        "failed_documents": [f"{Path(r.file).name}: {r.error}" for r in failed],
    }
