"""``docsight eval answers``: answer accuracy, citation quality and latency through the real query pipeline and a
reachable Ollama.

FinanceBench-shaped questions are asked corpus-wide (as a user would); chart questions are asked about their chart
group (the search is restricted to the group's images and the vision model answers). Accuracy: numbers within a
relative tolerance, text by normalised match, and optionally an LLM judge (``--judge MODEL``) through Ollama.
Figures: the share of the generated answers' figures that the claim checker finds in the cited sources (supported or
computed), after the repair round and, for repaired answers, before it.
"""

from __future__ import annotations

import time

import httpx

from eval.datasets import ChartQuestion, Question, dataset_files
from eval.metrics import answer_correct, citation_quality, percentile
from eval.retrieval_eval import ingest_documents
from pipelines.generation.ollama_chat_generator import auth_headers
from pipelines.generation.ollama_status import check_ollama
from pipelines.service import DocsightService
from pipelines.settings import Settings

JUDGE_PROMPT = (
    "You grade answers to questions about documents.\nQuestion: {question}\nReference answer: {gold}\n"
    "Candidate answer: {answer}\nDoes the candidate state the same facts or numbers as the reference (rounding and "
    "units aside)? Reply with one word: yes or no."
)


def judge(settings: Settings, model: str, question: str, gold: str, answer: str) -> bool:
    """An LLM's yes/no verdict through Ollama's chat API."""
    response = httpx.post(
        f"{settings.ollama_url.rstrip('/')}/api/chat",
        json={
            "model": model,
            "stream": False,
            "messages": [{"role": "user", "content": JUDGE_PROMPT.format(question=question, gold=gold, answer=answer)}],
            "options": {"temperature": 0, "num_ctx": 4096},
        },
        timeout=settings.ollama_timeout,
        headers=auth_headers(settings.ollama_api_key),
    )
    response.raise_for_status()
    return response.json()["message"]["content"].strip().lower().startswith("yes")


def evaluate_answers(
    settings: Settings,
    questions: list[Question] | list[ChartQuestion],
    *,
    mode: str = "auto",
    top_k: int = 8,
    judge_model: str | None = None,
    console=None,
) -> dict:
    """Ask every question; returns ``rows`` and ``summary``.

    :raises OllamaError: Ollama is not reachable or lacks a model the run needs.
    """
    charts = bool(questions) and isinstance(questions[0], ChartQuestion)
    needed = [settings.vision_model] if charts or mode == "vision" else [settings.text_model]
    if mode == "auto" and not charts:
        needed.append(settings.vision_model)
    check_ollama(settings.ollama_url, needed + ([judge_model] if judge_model else []), api_key=settings.ollama_api_key)
    files = dataset_files(questions)
    ingest_documents(settings, files, console)
    service = DocsightService(settings)
    try:
        doc_ids = {d.source: d.doc_id for d in service.documents()}
        rows = [_ask_one(settings, service, q, doc_ids, charts, mode, top_k, judge_model) for q in questions]
    finally:
        service.close()
    return {"rows": rows, "summary": summarise(rows), "questions": len(rows)}


def _ask_one(settings, service: DocsightService, q, doc_ids, charts, mode, top_k, judge_model) -> dict:
    first_token: list[float] = []
    start = time.perf_counter()

    def on_token(_text: str) -> None:
        if not first_token:
            first_token.append(time.perf_counter() - start)

    chosen = [doc_ids[p.name] for p in q.images if p.name in doc_ids] if charts else None
    result = service.ask(q.question, mode="vision" if charts else mode, top_k=top_k, on_token=on_token, doc_ids=chosen)
    total = time.perf_counter() - start
    cited = [(c.source, c.page) for c in result.citations]
    claims = result.claims or {"total": 0, "found": 0}
    first = claims.get("first", {}).get("claims", claims)
    evidence = {(p.name, 1) for p in q.evidence} if charts else {(q.source, p) for p in q.evidence_pages}
    row = {
        "id": q.id,
        "task": getattr(q, "task", ""),
        "question": q.question,
        "gold": q.answer,
        "answer": result.answer,
        "correct": answer_correct(result.answer, q.answer),
        "judge": judge(settings, judge_model, q.question, q.answer, result.answer) if judge_model else None,
        "cited": [f"{s} p.{p}" for s, p in cited],
        "no_citation": not cited,
        "route": result.route,
        "model": result.model,
        "figures": claims["total"],
        "figures_found": claims["found"],
        "figures_before_repair": first["total"],
        "figures_found_before_repair": first["found"],
        "repaired": "first" in claims,
        "ttft_s": first_token[0] if first_token else None,
        "total_s": total,
        **citation_quality(cited, evidence),
    }
    return row


def summarise(rows: list[dict]) -> dict:
    def avg(key: str) -> float | None:
        values = [r[key] for r in rows if r[key] is not None]
        return sum(values) / len(values) if values else None

    def share(found: str, total: str) -> float | None:
        count = sum(r.get(total, 0) for r in rows)
        return sum(r.get(found, 0) for r in rows) / count if count else None

    ttft = [r["ttft_s"] for r in rows if r["ttft_s"] is not None]
    total = [r["total_s"] for r in rows]
    return {
        "accuracy": avg("correct"),
        "judge_accuracy": avg("judge"),
        "citation_precision": avg("citation_precision"),
        "citation_recall": avg("citation_recall"),
        "no_citation_share": avg("no_citation"),
        "figures": sum(r.get("figures", 0) for r in rows),
        "figures_supported_share": share("figures_found", "figures"),
        "figures_supported_share_before_repair": share("figures_found_before_repair", "figures_before_repair"),
        "repaired_answers": sum(bool(r.get("repaired")) for r in rows),
        "ttft_p50_s": percentile(ttft, 0.5),
        "total_p50_s": percentile(total, 0.5),
        "total_p95_s": percentile(total, 0.95),
    }
