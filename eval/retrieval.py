"""Page-level retrieval quality on a FinanceBench-shaped JSONL: recall@k, MRR@10, nDCG@5.

``python -m eval.retrieval --dataset ../shared/corpus/financebench/questions.jsonl --collection financebench``

Each line needs ``question``, ``doc_file`` (relative to the dataset's folder) and ``evidence_pages`` (1-based). A hit
is a retrieved chunk from the question's document on an evidence page; ranks count distinct (document, page) pairs.
Runs corpus-wide (all documents in one collection) and within the question's own document.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

from pipelines.retrieval import build_retrieval_pipeline, retrieve
from pipelines.settings import Settings
from pipelines.store import open_store

KS = (1, 5, 10)


def page_ranking(docs, top_pages: int = 10) -> list[tuple[str, int]]:
    """Distinct (source, page) in rank order."""
    seen: list[tuple[str, int]] = []
    for doc in docs:
        key = (doc.meta.get("source", ""), int(doc.meta.get("page", 0)))
        if key not in seen:
            seen.append(key)
        if len(seen) >= top_pages:
            break
    return seen


def score(ranking: list[tuple[str, int]], source: str, pages: set[int]) -> dict[str, float]:
    hits = [i for i, (s, p) in enumerate(ranking) if s == source and p in pages]
    first = hits[0] + 1 if hits else None
    out = {f"recall@{k}": float(first is not None and first <= k) for k in KS}
    out["mrr@10"] = 1.0 / first if first and first <= 10 else 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i in hits if i < 5)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(pages), 5)))
    out["ndcg@5"] = dcg / ideal if ideal else 0.0
    return out


def evaluate(settings: Settings, dataset: Path, *, top_k: int = 30) -> dict:
    questions = [json.loads(line) for line in dataset.read_text().splitlines() if line.strip()]
    store, registry = open_store(settings)
    by_source = {r.source: r.doc_id for r in registry.all()}
    pipeline = build_retrieval_pipeline(settings, store)
    rows, latencies = [], []
    for q in questions:
        source = Path(q["doc_file"]).name
        pages = set(q["evidence_pages"])
        start = time.perf_counter()
        corpus = page_ranking(retrieve(pipeline, q["question"], top_k=top_k))
        latencies.append(time.perf_counter() - start)
        own = page_ranking(retrieve(pipeline, q["question"], top_k=top_k, doc_ids=[by_source.get(source, "-")]))
        rows.append(
            {
                "id": q.get("id"),
                "source": source,
                "evidence_pages": sorted(pages),
                "corpus": score(corpus, source, pages),
                "own_doc": score(own, source, pages),
                "corpus_top5": corpus[:5],
            }
        )
    store.close()
    summary = {
        scope: {m: sum(r[scope][m] for r in rows) / len(rows) for m in rows[0][scope]}
        for scope in ("corpus", "own_doc")
    }
    latencies.sort()
    summary["latency_ms"] = {
        "p50": 1000 * latencies[len(latencies) // 2],
        "p95": 1000 * latencies[int(len(latencies) * 0.95) - 1],
    }
    summary["questions"] = len(rows)
    summary["documents_missing"] = sorted({r["source"] for r in rows} - set(by_source))
    return {"summary": summary, "rows": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.retrieval")
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--collection", default=None)
    parser.add_argument("--qdrant-path", default=None)
    parser.add_argument("--out", type=Path, default=None, help="write per-question results as JSON")
    args = parser.parse_args(argv)
    settings = Settings.from_env(collection=args.collection, qdrant_path=args.qdrant_path)
    result = evaluate(settings, args.dataset)
    print(json.dumps(result["summary"], indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
