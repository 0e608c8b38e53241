"""A document's title: its PDF metadata title when that is a real title, else the most prominent text of its first
page (the largest type on a text layer; the first heading or first line of OCR text otherwise)."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pdfplumber

_MAX_TITLE = 200
# metadata titles that are not titles: file names, accession numbers, editor defaults, generated stamps
_NOT_A_TITLE = re.compile(
    r"^(untitled|title|document\d*|microsoft word\b.*|slide \d+|presentation\d*|none|null|unknown)$"
    r"|\.(pdf|docx?|pptx?|xlsx?|tex|dvi|indd|qxd|html?|txt|jpe?g|png|tiff?|exe)$|^\d{10}-\d\d-\d{6}$|^[\W\d_]+$"
    r"|\d{4}-\d\d-\d\d-\d\d|^[0-9a-f]{16,}$",
    re.IGNORECASE,
)


def meaningful(title: str) -> bool:
    """Whether a metadata title says what the document is (not a file name, an accession number, a stamp or one
    identifier-like word such as "SingleTable")."""
    title = " ".join(title.split())
    letters = sum(c.isalpha() for c in title)
    return " " in title and 4 <= len(title) <= _MAX_TITLE and letters >= 4 and not _NOT_A_TITLE.search(title)


def pdf_title(path: str | Path, password: str | None = None) -> tuple[str, str]:
    """(metadata title, largest-type text of page 1) of a PDF; empty strings when it cannot be read."""
    with contextlib.suppress(Exception), pdfplumber.open(str(path), password=password or "") as pdf:
        meta = pdf.metadata.get("Title", "") if isinstance(pdf.metadata, dict) else ""
        meta = meta.decode("utf-8", "replace") if isinstance(meta, bytes) else str(meta or "")
        prominent = largest_text(pdf.pages[0]) if pdf.pages else ""
        return " ".join(meta.split()), prominent
    return "", ""


def largest_text(page) -> str:
    """The consecutive lines set in the page's largest type (a title over two lines stays whole)."""
    words = page.dedupe_chars().extract_words(extra_attrs=["size"], keep_blank_chars=False)[:3000]
    words = [w for w in words if any(ch.isalpha() for ch in w["text"])]
    if not words:
        return ""
    biggest = max(round(w["size"], 1) for w in words)
    body = sorted(round(w["size"], 1) for w in words)[len(words) // 2]
    if biggest <= body * 1.15:  # nothing stands out: no prominent line
        return ""
    lines: list[list[dict]] = []
    for word in sorted((w for w in words if round(w["size"], 1) >= biggest - 0.5), key=lambda w: (w["top"], w["x0"])):
        if lines and abs(lines[-1][-1]["top"] - word["top"]) < 2:
            lines[-1].append(word)
        elif not lines or word["top"] - lines[-1][-1]["bottom"] < 2 * biggest:
            lines.append([word])
        else:
            break  # a second, separate run of large type: the first one is the title
    return " ".join(w["text"] for line in lines for w in line)[:_MAX_TITLE]


_NOT_A_HEADLINE = re.compile(
    r"^(data\s+)?sources?\b|^notes?\b|research\s+center|ourworldindata|https?://|www\.|\.org\b|\.com\b", re.I
)


def headline(line: str) -> bool:
    """Whether a line reads like a title: three or more words of letters, more letters than digits, not a
    publisher's or source line ("PEW RESEARCH CENTER", "Data source: ...") or a note."""
    words = re.findall(r"[^\W\d_]{2,}", line)
    letters, digits = sum(c.isalpha() for c in line), sum(c.isdigit() for c in line)
    return len(words) >= 3 and letters > 2 * digits and not _NOT_A_HEADLINE.search(line)


def first_line(text: str) -> str:
    """The first line of ``text`` that is a :func:`headline` (an OCR'd chart's title is usually there); else the
    first line with two words of letters."""
    lines = [" ".join(line.strip(" |#*").split()) for line in text.splitlines()]
    found = next((line for line in lines if headline(line)), "")
    return (found or next((line for line in lines if len(re.findall(r"[^\W\d_]{2,}", line)) >= 2), ""))[:_MAX_TITLE]
