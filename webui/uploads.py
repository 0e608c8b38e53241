"""Uploaded files on disk: names are data, never paths.

Each upload is stored as ``<upload_dir>/<first 16 hex of its sha256>/<safe name>``: a name cannot climb out of the
folder (``../``, absolute paths, NUL and control characters are removed), cannot be empty or over-long, and a file
can only ever share its folder with identical bytes, so no upload overwrites another document's file.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

MAX_NAME_BYTES = 180
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\/]')


class UploadError(ValueError):
    """An upload was refused; the message names the file and the reason."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name, self.reason = name, reason


def safe_filename(name: str) -> str:
    """A file name that is safe to create in a folder, keeping what a user recognises (letters, the extension).

    >>> safe_filename("../../etc/passwd")
    'passwd'
    >>> safe_filename("C:\\\\reports\\\\Q3 report.pdf")
    'Q3 report.pdf'
    """
    name = unicodedata.normalize("NFC", str(name).encode("utf-8", "replace").decode("utf-8", "replace"))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().strip(".")
    if not name:
        return "upload"
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        stem, ext = name, ""
    ext_bytes = len(ext.encode()) + (1 if ext else 0)
    stem = stem.encode()[: MAX_NAME_BYTES - ext_bytes].decode("utf-8", "ignore").strip() or "upload"
    return f"{stem}.{ext}" if ext else stem


def save_upload(upload_dir: str | Path, name: str, data: bytes, *, max_bytes: int) -> Path:
    """Write ``data`` under ``upload_dir`` (see the module docstring) and return the file's path.

    :raises UploadError: the upload is empty or larger than ``max_bytes``.
    """
    display = safe_filename(name)
    if not data:
        raise UploadError(display, "empty file (0 bytes)")
    if len(data) > max_bytes:
        raise UploadError(
            display,
            f"too large: {len(data) / 1e6:.1f} MB (the limit is {max_bytes // (1024 * 1024)} MB, DOCSIGHT_MAX_FILE_MB)",
        )
    folder = Path(upload_dir) / hashlib.sha256(data).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / display
    if not target.exists() or target.stat().st_size != len(data):
        partial = folder / f".{display[:100]}.{os.getpid()}.part"
        partial.write_bytes(data)
        os.replace(partial, target)
    return target


def is_upload(path: str | Path, upload_dir: str | Path) -> bool:
    """Whether ``path`` is a file the UI stored (and may delete with its document)."""
    try:
        return Path(path).resolve().is_relative_to(Path(upload_dir).resolve())
    except (OSError, ValueError):
        return False
