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

# What unsupported content is, by signature at offset 0, for reasons that never quote the file's bytes.
_OTHER_SIGNATURES = [
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
    (b"GIF8", "GIF image"),
    (b"BM", "BMP image"),
    (b"\x7fELF", "executable"),
    (b"MZ", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
]


def sniff_bytes(head: bytes) -> str | None:
    """Return the docsight type of content starting with ``head`` (>= 32 bytes is enough), or None.

    Image signatures sit at offset 0 and are checked first: an image whose metadata mentions ``%PDF-`` is an image.
    """
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    # PDF readers accept a header anywhere in the first 1024 bytes.
    if b"%PDF-" in head[:1024]:
        return PDF
    return None


def describe_content(head: bytes) -> str:
    """What content starting with ``head`` looks like, in words ("text", "ZIP archive", "unknown binary")."""
    for signature, kind in _OTHER_SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP image"
    if head[4:8] == b"ftyp":
        return "MP4/QuickTime media or an unsupported HEIF variant"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:  # a multi-byte character cut by the 1024-byte window is still text
        if exc.start < len(head) - 3:
            return "unknown binary"
        text = head[: exc.start].decode("utf-8")
    if not text or any(c < " " and c not in "\t\n\r\f" for c in text):
        return "unknown binary"
    start = text.lstrip().lower()
    if start.startswith(("<!doctype html", "<html")):
        return "HTML"
    if start.startswith("<?xml") or start.startswith("<svg"):
        return "XML"
    return "text"


def detect_type(path: Path) -> str:
    """Detect the type of the file at ``path`` by content.

    :returns: one of ``SUPPORTED_TYPES``.
    :raises EmptyFileError: the file has no bytes.
    :raises UnsupportedFormatError: the content is not a PDF or a supported image; the message names what it looks
        like and never quotes the content.
    """
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if not head:
        raise EmptyFileError(path.name, "the file has 0 bytes")
    kind = sniff_bytes(head)
    if kind is None:
        raise UnsupportedFormatError(
            path.name, f"not a PDF, PNG, JPEG, TIFF or HEIC file (detected: {describe_content(head)})"
        )
    return kind
