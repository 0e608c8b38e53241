"""Text from documents and models shown as Markdown without letting it become markup.

Streamlit renders Markdown (never raw HTML unless asked); a document or a model could still inject links or remote
images (a tracking pixel, a link to a look-alike site). Every Markdown character is escaped, then docsight adds its
own markup: citation markers that jump to the answer's source cards.
"""

from __future__ import annotations

import ast
import re

from pipelines.generation.citation_checker import parse_citations

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=$:@%&^])")
_BYTES = re.compile(r"""\bb(['"])(?:\\.|(?!\1).)*\1""")
_CITED = re.compile(r"\\\[((?:\d|,|\s|\\-|–|and)+)\\\]")


def escape_markdown(text: str) -> str:
    """``text`` with every character Markdown (and Streamlit's extensions) would interpret backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", text)


CLI_HINTS = (" (pass --password FILE=PASSWORD)",)  # the UI has its own way: a password field on the failed row


def readable_reason(reason: str) -> str:
    """A failure reason for the UI: Python bytes literals (``b'PK\\x03\\x04'``) shown as text or hex bytes, no
    command-line hints."""
    for hint in CLI_HINTS:
        reason = reason.replace(hint, "")

    def plain(match: re.Match) -> str:
        try:
            data = ast.literal_eval(match.group(0))
        except (ValueError, SyntaxError):
            return match.group(0)
        if data.isascii() and data.decode().isprintable():
            return '"' + data.decode() + '"'
        return "bytes " + data.hex(" ").upper()

    return _BYTES.sub(plain, reason)


def short_name(name: str, limit: int = 34) -> str:
    """``name`` cut in the middle so a chip shows its start and its end (the extension, the period)."""
    if len(name) <= limit:
        return name
    head = (limit - 1) * 3 // 5
    return name[:head] + "…" + name[-(limit - 1 - head) :]


def source_anchor(turn: int, n: int) -> str:
    return f"source-{turn}-{n}"


def answer_markdown(answer: str, turn: int, cited: set[int]) -> str:
    """The escaped answer with each valid citation ``[n]`` turned into a link to ``#source-<turn>-<n>``."""

    def link(match: re.Match) -> str:
        numbers = [n for n in parse_citations("[" + match.group(1).replace("\\", "") + "]") if n in cited]
        if not numbers:
            return match.group(0)
        return " ".join(f"[\\[{n}\\]](#{source_anchor(turn, n)})" for n in numbers)

    return _CITED.sub(link, escape_markdown(answer))
