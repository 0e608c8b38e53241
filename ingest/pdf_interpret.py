"""Interpret one PDF page with bounded work, and learn how much of its text is invisible.

pdfminer's cost on a hostile page has no bound: it lexes a 64 MiB number token in quadratic time (9 minutes for a
66 KB file), and 200,000 text operators on one page take minutes and gigabytes before docsight's layout code even
starts. So before pdfplumber touches a page, :func:`interpret_page` decodes the page's content streams (and the form
XObjects they can draw) with a cap, checks their size, longest unbroken token and operator count, then interprets the
page with a device that counts the characters, paths and images it creates and stops at the limits. The layout it
builds is handed to pdfplumber (``Page.layout`` caches it in ``_layout``), so nothing is interpreted twice.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream, resolve1
from pdfplumber.page import PDFPageAggregatorWithMarkedContent
from pdfplumber.utils.exceptions import PdfminerException

from ingest.errors import OutOfMemoryError, TooLargeError

MAX_CONTENT_BYTES = 32 << 20  # decoded content of a page, forms included
MAX_TOKEN_BYTES = 1 << 20  # pdfminer lexes a token in time quadratic in its length
MAX_OPERATORS = 1_000_000
MAX_CHARS = 100_000
MAX_PATHS = 50_000
MAX_IMAGES = 10_000
_INVISIBLE_MODES = (3, 7)  # text render modes that paint nothing (7 only clips)
_DELIMITER = np.zeros(256, dtype=bool)
_DELIMITER[list(b"\x00\t\n\x0c\r ()<>[]{}/%")] = True
_OPERATOR_START = np.zeros(256, dtype=bool)
_OPERATOR_START[list(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'\"")] = True


@dataclass
class PageInk:
    """What interpreting a page drew: characters (and how many of them invisible), paths and their segments."""

    chars: int = 0
    invisible_chars: int = 0
    paths: int = 0
    path_segments: int = 0
    images: int = 0


class _OverBudget(Exception):
    pass


def interpret_page(page, number: int, *, file: str = "") -> PageInk:
    """Build ``page.layout`` (a pdfplumber page) under the limits above.

    :returns: counts of what the page draws.
    :raises TooLargeError: ``page N has ...`` when a limit is exceeded.
    :raises PdfminerException: the content cannot be interpreted (as pdfplumber would raise).
    """
    try:
        _check_content(page.page_obj)
        device = _CountingAggregator(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
        PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    except _OverBudget as exc:
        raise TooLargeError(file, f"page {number} has {exc}") from None
    except MemoryError:
        raise OutOfMemoryError(file, f"page {number} needs more memory to interpret than a worker may use") from None
    except Exception as exc:
        raise PdfminerException(exc) from exc
    page._layout = device.get_result()
    return device.ink


def _check_content(page_obj) -> None:
    """Size, longest token and operator count of the page's content streams and the forms they can draw."""
    streams = resolve1(page_obj.contents) if page_obj.contents is not None else []
    if not isinstance(streams, list):
        streams = [streams]
    pending = [resolve1(s) for s in streams] + _forms(page_obj.resources)
    seen: set[int] = set()
    total = operators = 0
    while pending:
        stream = pending.pop()
        if not isinstance(stream, PDFStream) or id(stream) in seen:
            continue
        seen.add(id(stream))
        data = _decoded(stream, MAX_CONTENT_BYTES - total)
        longest, start, count = _tokens(data)
        if longest > MAX_TOKEN_BYTES:
            what = "number" if data[start : start + 64].strip(b"0123456789.+-") == b"" else "unbroken token"
            raise _OverBudget(f"a {what} of at least {_mib(longest)} in its content (the limit is 1 MiB)")
        total += len(data)
        if total > MAX_CONTENT_BYTES:
            raise _OverBudget(f"over {MAX_CONTENT_BYTES >> 20} MiB of content (the limit)")
        operators += count
        if operators > MAX_OPERATORS:
            raise _OverBudget(f"over {MAX_OPERATORS:,} operators (the limit)")
        if stream.get("Subtype") is not None:  # a form: the forms it draws
            pending.extend(_forms(stream.get("Resources")))


def _forms(resources) -> list:
    resources = resolve1(resources)
    xobjects = resolve1(resources.get("XObject")) if isinstance(resources, dict) else None
    if not isinstance(xobjects, dict):
        return []
    forms = []
    for ref in xobjects.values():
        obj = resolve1(ref)
        if isinstance(obj, PDFStream) and getattr(resolve1(obj.get("Subtype")), "name", None) == "Form":
            forms.append(obj)
    return forms


def _tokens(data: bytes) -> tuple[int, int, int]:
    """(length and offset of the longest run between delimiters, number of operator-like tokens) of content.

    Operators are short keywords between delimiters; strings can hold look-alikes, so the count is an upper bound.
    Vectorised: a regular expression for long runs backtracks quadratically on runs just under the limit.
    """
    if not data:
        return 0, 0, 0
    codes = np.frombuffer(data, dtype=np.uint8)
    delimiter = np.concatenate(([True], _DELIMITER[codes], [True]))
    edges = np.flatnonzero(delimiter[1:] != delimiter[:-1])
    starts, ends = edges[0::2], edges[1::2]
    if starts.size == 0:
        return 0, 0, 0
    lengths = ends - starts
    longest = int(lengths.argmax())
    after_slash = codes[np.maximum(starts - 1, 0)] == ord("/")
    after_slash[starts == 0] = False
    operators = (lengths <= 3) & _OPERATOR_START[codes[starts]] & ~after_slash
    return int(lengths[longest]), int(starts[longest]), int(operators.sum())


def _decoded(stream: PDFStream, budget: int) -> bytes:
    """The stream's decoded bytes; a plain Flate stream is inflated only up to ``budget`` + 1 bytes, so a
    compression bomb stops at the limit instead of filling memory."""
    filters = stream.get_filters()
    if (
        stream.data is None
        and stream.rawdata is not None
        and not stream.decipher
        and len(filters) == 1
        and filters[0][0] in LITERALS_FLATE_DECODE
        and not filters[0][1]
    ):
        data = _inflate(stream.rawdata, max(budget, 0) + 1)
        if len(data) <= budget:
            stream.data, stream.rawdata = data, None  # what pdfminer's decode would give: not inflated again
        return data
    return stream.get_data()


def _inflate(raw: bytes, limit: int) -> bytes:
    """Inflate ``raw`` up to ``limit`` bytes, recovering from damage the way pdfminer's ``decode`` does: when the
    damage lies in the last 3 bytes (the checksum), what inflated before it; earlier damage gives no data.

    pdfminer finds the damage by feeding the stream one byte at a time into a growing ``bytes``, which is quadratic
    in the output (two and a half minutes for one 66 KB page); this feeds 64 KiB at a time and goes byte by byte
    only through the block where inflating failed."""
    inflater, out = zlib.decompressobj(), bytearray()
    for start in range(0, len(raw), 1 << 16):
        block, before = raw[start : start + (1 << 16)], inflater.copy()
        try:
            out += inflater.decompress(block, limit - len(out))
        except zlib.error:
            return _inflate_to_damage(before, block, start, len(raw), out, limit)
        if len(out) >= limit:
            break
    return bytes(out)


def _inflate_to_damage(inflater, block: bytes, start: int, size: int, out: bytearray, limit: int) -> bytes:
    for offset in range(len(block)):
        try:
            out += inflater.decompress(block[offset : offset + 1], limit - len(out))
        except zlib.error:
            return bytes(out) if start + offset >= size - 3 else b""
        if len(out) >= limit:
            break
    return bytes(out)


def _mib(n: int) -> str:
    return f"{n / (1 << 20):.0f} MiB" if n >= 1 << 20 else f"{n / 1024:.0f} KiB"


class _CountingAggregator(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's aggregator, counting what it creates and stopping at the limits."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ink = PageInk()
        self._invisible = False

    def render_string(self, textstate, seq, ncs, graphicstate) -> None:
        self._invisible = textstate.render in _INVISIBLE_MODES
        super().render_string(textstate, seq, ncs, graphicstate)

    def render_char(self, *args, **kwargs) -> float:
        ink = self.ink
        ink.chars += 1
        ink.invisible_chars += self._invisible
        if ink.chars > MAX_CHARS:
            raise _OverBudget(f"over {MAX_CHARS:,} characters (the limit)")
        return super().render_char(*args, **kwargs)

    def paint_path(self, gstate, stroke, fill, evenodd, path) -> None:
        self.ink.paths += 1
        self.ink.path_segments += len(path)
        if self.ink.paths > MAX_PATHS:
            raise _OverBudget(f"over {MAX_PATHS:,} vector paths (the limit)")
        super().paint_path(gstate, stroke, fill, evenodd, path)

    def render_image(self, name, stream) -> None:
        self.ink.images += 1
        if self.ink.images > MAX_IMAGES:
            raise _OverBudget(f"over {MAX_IMAGES:,} images (the limit)")
        super().render_image(name, stream)
