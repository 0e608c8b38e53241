"""A paper's authors: the names its first page lists between the title and the abstract ("Zejiang Shen 1 ( ),
Ruochen Zhang 2 , ... and Weining Li 5"), without footnote marks; affiliation and e-mail lines are skipped."""

from __future__ import annotations

import re

_MAX_AUTHORS = 30
_WINDOW = 30  # lines after the title in which the author list is looked for
_STOP = re.compile(r"^\W*(abstract|introduction|keywords|summary)\b", re.IGNORECASE)
_AFFILIATION = re.compile(
    r"universit|institut|department|dept\.|laborator|\blab\b|school|college|faculty|academy|hospital|\binc\b|"
    r"corporation|research|centre|center|@|\.edu\b|\.com\b|\.org\b|https?:|www\.",
    re.IGNORECASE,
)
_MARKS = re.compile(r"[\d*†‡§¶∗()\[\]{}|✉]+")
_PARTICLES = {"de", "van", "der", "von", "da", "di", "del", "la", "le", "du", "bin", "al"}


def paper_authors(text: str, title: str = "") -> list[str]:
    """The author names of a paper whose first page reads ``text`` (after ``title`` when it is found there, up to
    the abstract); [] when no line reads like a list of names."""
    lines = [" ".join(line.strip(" |").split()) for line in text.splitlines()]
    start = 0
    if title:
        key = title.split(":")[0].split()[0].lower() if title.split() else ""
        start = next((i + 1 for i, line in enumerate(lines[:_WINDOW]) if key and line.lower().startswith(key)), 0)
    found: list[str] = []
    for line in lines[start : start + _WINDOW]:
        if _STOP.match(line):
            break
        if not line or _AFFILIATION.search(line):
            continue
        names = _names(line)
        if names:
            found += names
        elif found:
            break  # the list has ended
    return list(dict.fromkeys(found))[:_MAX_AUTHORS]


def _names(line: str) -> list[str]:
    """The names of a line that is nothing but names separated by commas or "and"; [] otherwise."""
    names = []
    for part in re.split(r",|;|\band\b|&", line):
        words = _MARKS.sub(" ", part).split()
        if not words:
            continue
        if not 2 <= len(words) <= 5 or not all(_name_word(w) for w in words):
            return []
        names.append(" ".join(words))
    return names


def _name_word(word: str) -> bool:
    bare = word.replace(".", "").replace("-", "").replace("'", "")
    return bare.isalpha() and (word[0].isupper() or word.lower() in _PARTICLES)
