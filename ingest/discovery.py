"""Find the files to ingest under the given paths."""

from __future__ import annotations

import os
from pathlib import Path


def discover(paths: list[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files and folders (recursively) into a sorted, de-duplicated list of files.

    Hidden files and folders (names starting with '.') inside folders are skipped; symlinks are followed once (a
    symlink loop ends the walk of that branch instead of hanging it).

    :returns: (files, problems) where problems are (path, reason) pairs for paths that do not exist or cannot be
        read.
    """
    files: dict[str, Path] = {}
    problems: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            problems.append((str(raw), "not found"))
        elif path.is_dir():
            _walk(path, files, problems, set())
        elif path.is_file():
            files.setdefault(os.path.realpath(path), path)
        else:
            problems.append((str(raw), "not a regular file"))
    return sorted(files.values(), key=lambda p: str(p)), problems


def _walk(folder: Path, files: dict[str, Path], problems: list[tuple[str, str]], seen: set[str]) -> None:
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        problems.append((str(folder), f"cannot list folder: {exc.strerror or exc}"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=True):
                _walk(path, files, problems, seen)
            elif entry.is_file(follow_symlinks=True):
                files.setdefault(os.path.realpath(path), path)
        except OSError as exc:
            problems.append((str(path), f"cannot read: {exc.strerror or exc}"))
