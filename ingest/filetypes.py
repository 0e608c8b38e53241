"""Detect a file's type from its first bytes, not its name."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import EmptyFileError, UnsupportedFormatError

PDF = "pdf"
PNG = "png"
JPEG = "jpeg"
TIFF = "tiff"
HEIC = "heic"
IMAGE_TYPES = frozenset({PNG, JPEG, TIFF, HEIC})
SUPPORTED_TYPES = frozenset({PDF}) | IMAGE_TYPES
MIME_TYPES = {
    PDF: "application/pdf",
    PNG: "image/png",
    JPEG: "image/jpeg",
    TIFF: "image/tiff",
    HEIC: "image/heic",
}

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}


def sniff_bytes(head: bytes) -> str | None:
    """Return the docsight type of content starting with ``head`` (>= 32 bytes is enough), or None."""
    # PDF readers accept a header anywhere in the first 1024 bytes.
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    return None


def detect_type(path: Path) -> str:
    """Detect the type of the file at ``path`` by content.

    :returns: one of ``SUPPORTED_TYPES``.
    :raises EmptyFileError: the file has no bytes.
    :raises UnsupportedFormatError: the content is not a PDF or a supported image, with what it looks like.
    """
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if not head:
        raise EmptyFileError(path.name, "the file has 0 bytes")
    kind = sniff_bytes(head)
    if kind is None:
        raise UnsupportedFormatError(
            path.name, f"not a PDF, PNG, JPEG, TIFF or HEIC file (content starts with {head[:8]!r})"
        )
    return kind
