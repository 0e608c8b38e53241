"""Process-wide stage clocks for the parts of a converter that benchmarks report separately (crops, OCR)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

_totals: dict[str, float] = defaultdict(float)


@contextmanager
def timed(stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        _totals[stage] += time.perf_counter() - start


def take() -> dict[str, float]:
    """Return the accumulated seconds per stage and reset them."""
    out = dict(_totals)
    _totals.clear()
    return out
