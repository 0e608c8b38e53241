"""Ingestion errors: one type per reason a file cannot be ingested.

Each error carries the file name and a short machine-readable ``reason`` (used in reports); ``str(error)`` is a
sentence a user can act on. Errors are raised where the fault is found and rendered once, by the batch job.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TypeVar

E = TypeVar("E", bound=BaseException)


def causes(exc: BaseException | None, *, depth: int = 8) -> Iterator[BaseException]:
    """``exc`` and the exceptions behind it (``__cause__``, else ``__context__``), at most ``depth`` of them."""
    for _ in range(depth):
        if exc is None:
            return
        yield exc
        exc = exc.__cause__ or exc.__context__


def find_cause(exc: BaseException | None, kind: type[E], *, depth: int = 8) -> E | None:
    """``exc`` or the first exception behind it that is a ``kind``.

    Wrappers hide the real error — Haystack's PipelineRuntimeError as ``__cause__``, pdfplumber's PdfminerException
    as an argument — so this follows ``__cause__``/``__context__`` and looks at exception arguments too.
    """
    for link in causes(exc, depth=depth):
        if isinstance(link, kind):
            return link
        for arg in link.args:
            if isinstance(arg, kind):
                return arg
    return None


_BYTES_LITERAL = re.compile(r"""b(['"]).*?(?<!\\)\1""")


def summarize(exc: BaseException, limit: int = 200) -> str:
    """``Type: message`` of a parser's exception for a reason: bytes it quotes from the file become ``<bytes>`` and
    unprintable characters ``?`` (a reason is shown in terminals, reports and the UI)."""
    text = _BYTES_LITERAL.sub("<bytes>", str(exc))
    text = "".join(c if c.isprintable() else "?" for c in text)
    return (f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:limit]


class IngestError(Exception):
    """A file could not be ingested. ``reason`` is a stable short code, ``detail`` the specifics."""

    reason = "failed"

    def __init__(self, file: str, detail: str = "") -> None:
        self.file = file
        self.detail = detail
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


class EncryptedError(IngestError):
    reason = "encrypted"

    @property
    def message(self) -> str:
        return f"encrypted: {self.detail or 'password required'}"


class EmptyFileError(IngestError):
    reason = "empty file"


class CorruptFileError(IngestError):
    reason = "corrupt"


class UnsupportedFormatError(IngestError):
    reason = "unsupported format"


class TooLargeError(IngestError):
    reason = "too large"


class OutOfMemoryError(TooLargeError):
    """Parsing the file needs more memory than a worker may use; the batch job adds its limit to the message."""


class NoTextError(IngestError):
    reason = "no text"


class OCRUnavailableError(IngestError):
    reason = "OCR unavailable"
