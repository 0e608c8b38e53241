"""``docsight eval retrieval``: page-level retrieval quality on a FinanceBench-shaped dataset, docsight beside the
plain BM25 and plain dense baselines measured in the same run.

The dataset's documents are ingested into the evaluation collection first (unchanged files are skipped, so a
second run reuses it). Each question is answered corpus-wide (every document in one collection) and within its own
document; a hit is an evidence page of the question's document; ranks count distinct (document, page) pairs.
"""

from __future__ import annotations

import time
from pathlib import Path

from eval.baselines import PlainBM25, PlainDense, page_texts
from eval.datasets import Question, dataset_files
from eval.metrics import KS, first_hit, mean, rank_scores
from eval.splits import HALVES, halves
from pipelines.batch.report import FAILED
from pipelines.batch.runner import BatchIngest
from pipelines.progress_display import IngestProgressDisplay
from pipelines.retrieval import build_retrieval_pipeline, retrieve
from pipelines.settings import Settings
from pipelines.store import open_store

SYSTEMS = ("docsight", "docsight_own_doc", "bm25", "dense", "dense_own_doc")
ANSWER_TOP_K = 8  # the sources an answer is given (DocsightService.ask's top_k)


def page_ranking(documents, n: int = 10) -> list[tuple[str, int]]:
    """Distinct (source, page) pairs in the order of their best chunk."""
    ranking: list[tuple[str, int]] = []
    for doc in documents:
        key = (doc.meta.get("source", ""), int(doc.meta.get("page", 0)))
        if key not in ranking:
            ranking.append(key)
            if len(ranking) >= n:
                break
    return ranking


def _summary(rows: list[dict], systems: list[str], selected) -> dict:
    chosen = [r for r in rows if selected(r)]
    return {"questions": len(chosen), **{s: mean([r[f"{s}_scores"] for r in chosen]) for s in systems}}


def _share(rows: list[dict], key: str, half: str) -> float:
    chosen = [r[key] for r in rows if half == "all" or r["half"] == half]
    return sum(chosen) / len(chosen) if chosen else 0.0


def ingest_documents(settings: Settings, files: list[Path], console=None) -> list:
    """Ingest what is not stored yet; returns the per-file results (failures are reported, not raised)."""
    if console is None:
        return BatchIngest(settings).run([str(f) for f in files])
    display = IngestProgressDisplay(console, bar=True)
    try:
        return BatchIngest(settings, on_progress=display).run([str(f) for f in files])
    finally:
        display.close()


def evaluate(
    settings: Settings,
    questions: list[Question],
    *,
    top_k: int = 10,
    baselines: bool = True,
    console=None,
    retriever_options: dict | None = None,
) -> dict:
    """Rank pages for every question with every system; returns ``rows`` (per question) and ``summary``.

    :param retriever_options: attributes of the retriever to change for this run (ablations), e.g.
        ``{"scope_by_name": False, "dense_weight": 1.0}``.
    """
    files = dataset_files(questions)
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise FileNotFoundError(f"dataset documents not found: {', '.join(missing[:5])}")
    failed = [r for r in ingest_documents(settings, files, console) if r.status == FAILED]
    bm25 = dense = None
    if baselines:
        bm25 = PlainBM25({(f.name, i): text for f in files for i, text in enumerate(page_texts(f), start=1)})
        cache = Path(settings.cache_dir or Path.home() / ".cache" / "docsight") / "eval"
        dense = PlainDense(files, cache_dir=cache)
    store = open_store(settings)
    registry = store.registry
    try:
        doc_ids = {r.source: r.doc_id for r in registry.all()}
        pipeline = build_retrieval_pipeline(settings, store)
        for name, value in (retriever_options or {}).items():
            setattr(pipeline.get_component("retriever"), name, value)
        retrieve(pipeline, "warm up", top_k=1)
        rows, latencies = [], []
        split = halves((q.id, q.kind) for q in questions)
        for q in questions:
            relevant = {(q.source, p) for p in q.evidence_pages}
            start = time.perf_counter()
            ranked = {"docsight": page_ranking(retrieve(pipeline, q.question, top_k=max(30, 3 * top_k)), top_k)}
            latencies.append(time.perf_counter() - start)
            own = [doc_ids.get(q.source, "-")]
            ranked["docsight_own_doc"] = page_ranking(
                retrieve(pipeline, q.question, top_k=max(30, 3 * top_k), doc_ids=own), top_k
            )
            given = {
                "sources": page_ranking(retrieve(pipeline, q.question, top_k=ANSWER_TOP_K), ANSWER_TOP_K),
                "sources_own_doc": page_ranking(
                    retrieve(pipeline, q.question, top_k=ANSWER_TOP_K, doc_ids=own), ANSWER_TOP_K
                ),
            }
            if bm25 is not None and dense is not None:
                ranked["bm25"] = bm25.rank(q.question, n=top_k)
                ranked["dense"] = dense.rank(q.question, n=top_k)
                ranked["dense_own_doc"] = dense.rank(q.question, only={q.source}, n=top_k)
            rows.append(
                {
                    "id": q.id,
                    "type": q.kind,
                    "half": split[q.id],
                    "document": q.source,
                    "evidence_pages": list(q.evidence_pages),
                    "question": q.question,
                    **{f"{s}_rank": first_hit(r, relevant) for s, r in ranked.items()},
                    **{f"{s}_scores": rank_scores(r, relevant) for s, r in ranked.items()},
                    **{f"{s}_hit": bool(relevant & set(r)) for s, r in given.items()},
                    **{f"{s}_pages": len(r) for s, r in given.items()},
                    "docsight_top5": [f"{s} p.{p}" for s, p in ranked["docsight"][:5]],
                }
            )
    finally:
        store.close()
    systems = [s for s in SYSTEMS if f"{s}_scores" in rows[0]] if rows else []
    summary = {s: mean([r[f"{s}_scores"] for r in rows]) for s in systems}
    latencies.sort()
    return {
        "sources": {
            scope: {
                "hit": {h: _share(rows, f"{scope}_hit", h) for h in ("all", *HALVES)},
                "pages": sum(r[f"{scope}_pages"] for r in rows) / max(len(rows), 1),
            }
            for scope in ("sources", "sources_own_doc")
        },
        "rows": rows,
        "summary": summary,
        "by_half": {h: _summary(rows, systems, lambda r, h=h: r["half"] == h) for h in HALVES},
        "by_type": {
            t: _summary(rows, systems, lambda r, t=t: r["type"] == t) for t in sorted({r["type"] for r in rows})
        },
        "latency_ms": [1000 * t for t in latencies],
        "questions": len(rows),
        "documents": len(files),
        "failed_documents": [f"{Path(r.file).name}: {r.error}" for r in failed],
        "ks": list(KS),
    }
