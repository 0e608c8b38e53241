"""Strings from files (names, paths, reasons, document text) made safe to show in a terminal.

A file name can hold ESC sequences (which would recolour, retitle or rewrite the terminal), other control
characters, bidirectional overrides (which reorder what is shown) and Rich markup (``[bold red]``, ``[link=...]``,
``[/]`` which crashes a table). Everything docsight prints that came from a file goes through :func:`plain` (for
``print`` or Rich with ``markup=False``) or :func:`markup_safe` (inside Rich markup).
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, and the Unicode bidi embeddings, overrides and isolates
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plain(text: object, *, keep_lines: bool = False) -> str:
    """``text`` with every control character shown as ``\\xNN`` / ``\\uNNNN`` (so nothing reaches the terminal raw)
    and bytes that are not UTF-8 as U+FFFD. ``keep_lines`` keeps newlines and tabs (answers, chunk text)."""
    pattern = _CONTROL_BUT_LINES if keep_lines else _CONTROL
    return pattern.sub(_visible, _unicode(str(text)))


def plain_text(text: str) -> str:
    """``text`` as valid Unicode, nothing else changed: bytes that are not UTF-8 (lone surrogates, as Python keeps
    them in ``sys.argv`` and file names; tokenizers and JSON reject them) become U+FFFD."""
    return _unicode(text)


def _unicode(text: str) -> str:
    """Bytes that are not UTF-8 (lone surrogates from ``surrogateescape``, as in argv and file names) -> U+FFFD."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate no byte maps to
        return text.encode("utf-8", "replace").decode("utf-8")


def markup_safe(text: object) -> str:
    """:func:`plain`, with Rich markup escaped: for strings placed inside a Rich markup template."""
    from rich.markup import escape  # Rich is loaded by what draws, not by every command

    return escape(plain(text))
