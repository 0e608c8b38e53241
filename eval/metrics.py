"""Scores: page-level ranking metrics, answer correctness and citation quality."""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Sequence

KS = (1, 5, 10)
_NUMBER = re.compile(r"-?\(?\$?\s*\d[\d,]*(?:\.\d+)?\)?\s*%?")


def first_hit(ranking: Sequence[Hashable], relevant: set) -> int | None:
    """1-based rank of the first relevant item, or None."""
    return next((i for i, item in enumerate(ranking, start=1) if item in relevant), None)


def rank_scores(ranking: Sequence[Hashable], relevant: set) -> dict[str, float]:
    """recall@1/5/10 (any relevant item within k), MRR@10 and nDCG@5 (binary gains)."""
    first = first_hit(ranking, relevant)
    scores = {f"recall@{k}": float(first is not None and first <= k) for k in KS}
    scores["mrr@10"] = 1.0 / first if first is not None and first <= 10 else 0.0
    gains = [1.0 / math.log2(i + 2) for i, item in enumerate(ranking[:5]) if item in relevant]
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), 5)))
    scores["ndcg@5"] = sum(gains) / ideal if ideal else 0.0
    return scores


def recall_curve(first_ranks: Sequence[int | None], max_k: int = 10) -> list[float]:
    """recall@k for k = 1..max_k from each question's first hit rank."""
    n = len(first_ranks) or 1
    return [sum(1 for r in first_ranks if r is not None and r <= k) / n for k in range(1, max_k + 1)]


def percentile(values, q: float, default: float | None = None) -> float | None:
    """The ``q`` quantile (nearest rank, 0 <= q <= 1) of ``values``; ``default`` when there are none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else default


def mean(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    return {key: sum(r[key] for r in rows) / len(rows) for key in rows[0]} if rows else {}


def numbers(text: str) -> list[float]:
    """The numbers in ``text``: 1,577.00 -> 1577.0, (12.5) -> -12.5, 3% -> 3.0."""
    found = []
    for match in _NUMBER.finditer(text):
        token = match.group(0)
        digits = re.sub(r"[^\d.\-]", "", token)
        if not digits or digits in {"-", "."}:
            continue
        try:
            value = float(digits)
        except ValueError:
            continue
        found.append(-abs(value) if token.strip().startswith("(") and token.strip().endswith(")") else value)
    return found


def normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def answer_correct(predicted: str, gold: str, *, rel_tol: float = 0.02) -> bool:
    """Numbers: the gold answer's first number appears in the prediction within ``rel_tol`` (scale words and units
    aside: 1,577 matches 1577.00 and 1.577 billion is not tried). Text: the normalised gold answer is contained in
    the normalised prediction, or they start with the same yes/no."""
    gold_numbers = numbers(gold)
    if gold_numbers:
        target = gold_numbers[0]
        return any(math.isclose(abs(v), abs(target), rel_tol=rel_tol, abs_tol=1e-9) for v in numbers(predicted))
    g, p = normalise(gold), normalise(predicted)
    if not g:
        return False
    if g.split()[0] in {"yes", "no"}:
        return p.split()[:1] == g.split()[:1]
    return g in p


def citation_quality(cited: Sequence[tuple[str, int]], evidence: set[tuple[str, int]]) -> dict[str, float | None]:
    """precision: cited (document, page) pairs that are evidence; recall: evidence pages cited. None when undefined."""
    distinct = list(dict.fromkeys(cited))
    precision = sum(1 for c in distinct if c in evidence) / len(distinct) if distinct else None
    recall = sum(1 for e in evidence if e in distinct) / len(evidence) if evidence else None
    return {"citation_precision": precision, "citation_recall": recall}
