"""Cross-validation halves: tune on one half of the questions, report the other, and swap.

Questions are split per question type (so each half has its share of every type): within a type, in the order of
the SHA-1 of their ids, they go alternately to half A and half B. The split depends only on the ids and types, so
every run, and any tool reading ``questions.csv``, sees the same halves.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

HALVES = ("A", "B")


def halves(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{id: "A" | "B"}`` for ``(id, question type)`` pairs."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for question_id, kind in items:
        by_type[kind].append(question_id)
    split = {}
    for ids in by_type.values():
        for position, question_id in enumerate(sorted(ids, key=lambda i: hashlib.sha1(i.encode()).hexdigest())):
            split[question_id] = HALVES[position % 2]
    return split
