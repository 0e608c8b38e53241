"""A Haystack tracer that adds up the run time of each pipeline component (for stage splits in benchmarks)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from haystack.tracing import Span, Tracer


class _NullSpan(Span):
    def set_tag(self, key: str, value: Any) -> None:
        pass


class ComponentTimer(Tracer):
    """Records seconds per component name; use ``take()`` after each pipeline run."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)

    @contextmanager
    def trace(
        self, operation_name: str, tags: dict[str, Any] | None = None, parent_span: Span | None = None
    ) -> Iterator[Span]:
        start = time.perf_counter()
        try:
            yield _NullSpan()
        finally:
            if operation_name == "haystack.component.run" and tags:
                self.totals[str(tags.get("haystack.component.name"))] += time.perf_counter() - start

    def current_span(self) -> Span | None:
        return None

    def take(self) -> dict[str, float]:
        out = dict(self.totals)
        self.totals.clear()
        return out
