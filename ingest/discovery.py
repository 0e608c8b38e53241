"""Find the files to ingest under the given paths."""

from __future__ import annotations

import os
from pathlib import Path

SKIPPED = "skipped: "  # the prefix of a problem that is a deliberate skip (a symlink), not a failure


def discover(paths: list[str | Path], *, follow_symlinks: bool = False) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files and folders (recursively, without recursion: any depth) into a sorted, de-duplicated list of
    files.

    Hidden files and folders (names starting with '.') inside folders are skipped. A symlink found inside a folder
    is followed only when its target lies inside one of the named folders, unless ``follow_symlinks``; a link
    leading elsewhere, or to nothing, is reported as skipped. Paths named directly are always taken. A symlink loop
    ends the walk of that branch.

    :returns: (files, problems) where problems are (path, reason) pairs for paths that do not exist, cannot be read
        or were skipped (reasons starting with :data:`SKIPPED`).
    """
    files: dict[tuple[int, int], Path] = {}  # by (device, inode): a file reached twice is listed once
    problems: list[tuple[str, str]] = []
    roots = [os.path.realpath(p) for p in paths if Path(p).is_dir()]
    seen: set[tuple[int, int]] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            why = "broken symlink: its target does not exist" if path.is_symlink() else "not found"
            problems.append((str(raw), why))
        elif path.is_dir():
            _walk(path, files, problems, seen, None if follow_symlinks else roots)
        elif path.is_file():
            files.setdefault(_identity(os.stat(path)), path)
        else:
            problems.append((str(raw), "not a regular file"))
    return sorted(files.values(), key=lambda p: str(p)), problems


def _identity(stat: os.stat_result) -> tuple[int, int]:
    # not os.path.realpath: it checks every ancestor, which makes a deep tree cost depth^2 per entry
    return stat.st_dev, stat.st_ino


def _inside(real: str, roots: list[str]) -> bool:
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _walk(
    top: Path,
    files: dict[tuple[int, int], Path],
    problems: list[tuple[str, str]],
    seen: set[tuple[int, int]],
    roots: list[str] | None,
) -> None:
    """Walk ``top`` depth-first with an explicit stack; ``roots``: the folders symlinks may lead into (None: any)."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            identity = _identity(os.stat(folder))
            if identity in seen:
                continue
            seen.add(identity)
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            problems.append((str(folder), f"cannot list folder: {exc.strerror or exc}"))
            continue
        folders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    target = os.path.realpath(path)
                    if not os.path.exists(target):
                        problems.append((str(path), f"{SKIPPED}broken symlink (to {os.readlink(path)})"))
                        continue
                    if roots is not None and not _inside(target, roots):
                        problems.append(
                            (
                                str(path),
                                f"{SKIPPED}symlink to {target}, outside the folders being ingested "
                                "(--follow-symlinks includes it)",
                            )
                        )
                        continue
                if entry.is_dir(follow_symlinks=True):
                    folders.append(path)
                elif entry.is_file(follow_symlinks=True):
                    files.setdefault(_identity(entry.stat(follow_symlinks=True)), path)
            except OSError as exc:
                problems.append((str(path), f"cannot read: {exc.strerror or exc}"))
        stack.extend(reversed(folders))
