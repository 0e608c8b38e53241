"""Split a batch across machines without coordination: ``docsight ingest --shard I/N``.

A file belongs to shard ``hash(key) mod N`` where the key is its path relative to the ingest argument that found
it (the file name for a file argument). Every worker that is given the same folder, wherever it is mounted,
computes the same split, so N workers (containers, a Kubernetes indexed Job) together ingest each file once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def parse_shard(value: str) -> tuple[int, int]:
    """``"I/N"`` -> ``(I, N)`` with ``0 <= I < N``.

    :raises ValueError: with a message that shows the expected form.
    """
    index, sep, count = value.partition("/")
    try:
        i, n = int(index), int(count)
    except ValueError:
        raise ValueError(f"--shard takes I/N (for example 0/4), got {value!r}") from None
    if not sep or n < 1 or not 0 <= i < n:
        raise ValueError(f"--shard I/N needs 0 <= I < N (for example 0/4 ... 3/4), got {value!r}")
    return i, n


def shard_key(path: Path, roots: list[str | Path]) -> str:
    """``path`` relative to the first of ``roots`` that contains it, as a POSIX string."""
    resolved = path.resolve()
    for root in roots:
        base = Path(root).resolve()
        if resolved == base:
            return base.name
        if resolved.is_relative_to(base):
            return resolved.relative_to(base).as_posix()
    return resolved.name


def shard_of(key: str, count: int) -> int:
    return int.from_bytes(hashlib.sha256(key.encode("utf-8", "surrogateescape")).digest()[:8], "big") % count


def in_shard(files: list[Path], roots: list[str | Path], index: int, count: int) -> list[Path]:
    """The files of shard ``index`` out of ``count``."""
    return [f for f in files if shard_of(shard_key(f, roots), count) == index]
