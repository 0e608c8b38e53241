"""Questions that name a document: "What was 3M's FY2018 capital expenditure?" is about the 10-K whose cover names
"3M COMPANY" and "the fiscal year ended December 31, 2018", whatever its file is called.

A document's *names* come from its content first (:mod:`ingest.identity`: the organisation's core name and short
forms, "3M", "MGM RESORTS", "JPMorgan"; its tickers) and its *years* from its period ("FY2024 Q2" of a quarter
ended July 2023: 2023 and 2024). Documents whose content names no organisation fall back to their file name: the
part of its title before the first year (``3M_2018_10K.pdf`` -> ``3M``) and the years in it; content names win
when both would scope a question. A question names a document when a run of its words, joined, spells a name
(``American Water Works`` = ``AMERICAN WATER WORKS``), an all-capital word of three or more letters starts one or
is a ticker (``MGM`` for ``MGM RESORTS``, ``JPM``), or it uses the initials of a name of several words (``J&J``,
``JnJ``). Among the documents a question names, those whose year the question mentions are preferred.
Names that are common words (stop words, or generic titles such as "report") never scope a search, and a question
that names no document is searched corpus-wide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from retrievers.encoders import bm25

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_WORD = re.compile(r"[a-z0-9]+")
_GENERIC = {"report", "annual", "document", "scan", "page", "file", "paper", "chart", "image", "figure", "form"}


@dataclass(frozen=True)
class NamedDocument:
    doc_id: str
    name: str  # its main name, lower-case letters and digits only
    years: frozenset[str]
    initials: frozenset[str] = frozenset()  # of a name of several words: JOHNSON JOHNSON -> jj, jnj (J&J, JnJ)
    aliases: frozenset[str] = frozenset()  # other names (short forms), spelled like ``name``
    tickers: frozenset[str] = frozenset()  # lower case
    from_content: bool = False  # named by its content (organisation), not by its file name

    @property
    def names(self) -> frozenset[str]:
        return self.aliases | {self.name}


def _spelled(text: str) -> tuple[str, list[str]]:
    parts = _WORD.findall(text.lower())
    return "".join(parts), parts


def _usable(name: str) -> bool:
    return len(name) >= 2 and name not in _GENERIC and name not in bm25.STOP_WORDS


def named_document(doc_id: str, title: str) -> NamedDocument | None:
    """The name and years of a document titled ``title`` (from its file name); None when it has no usable name."""
    words = title.split()
    name_words = []
    for word in words:
        if _YEAR.search(word):
            break
        name_words.append(word)
    name, parts = _spelled(" ".join(name_words))
    if not _usable(name):
        return None
    letters = [part[0] for part in parts]
    initials = frozenset({"".join(letters), "n".join(letters)}) if len(letters) >= 2 else frozenset()
    return NamedDocument(doc_id, name, frozenset(_YEAR.findall(title)), initials)


def identified_document(
    doc_id: str, organisation: str, aliases: Iterable[str], years: Iterable[str]
) -> NamedDocument | None:
    """The names and years of a document whose content names ``organisation`` (see :mod:`ingest.identity`), with
    its short forms and tickers ``aliases``; None when no name is usable."""
    aliases = [a for a in aliases if a]
    own_words = set(_WORD.findall(organisation.lower()))  # "NIKE" of "NIKE, Inc." is a name, not (only) a ticker
    tickers = frozenset(
        a.lower() for a in aliases if a.isupper() and a.isalpha() and len(a) <= 5 and a.lower() not in own_words
    )
    spellings = [_spelled(a) for a in aliases if a.lower() not in tickers] or [_spelled(organisation)]
    usable = [(name, parts) for name, parts in spellings if _usable(name)]
    if not usable:
        return None
    name, parts = usable[0]
    letters = [part[0] for part in parts]
    initials = frozenset({"".join(letters), "n".join(letters)}) if len(letters) >= 2 else frozenset()
    others = frozenset(n for n, _ in usable[1:])
    return NamedDocument(doc_id, name, frozenset(years), initials, others, tickers, from_content=True)


def question_words(question: str) -> list[str]:
    text = re.sub(r"['’]s\b", "", question.lower())
    return _WORD.findall(text)


def abbreviations(question: str) -> set[str]:
    """All-capital words of three or more letters ("MGM", "JPM"): a document's name may start with one."""
    return {w.lower() for w in re.findall(r"\b[A-Z][A-Z0-9&]{2,}\b", question.replace("&", ""))}


def _initialisms(question: str) -> set[str]:
    """Words written as initials: two or more capitals, maybe joined by '&' or a small 'n' ("J&J", "JnJ", "GE").
    Initials are matched only against these: the initials of "Adobe Systems" spell the word "as"."""
    found = re.findall(r"(?<![\w&])([A-Z](?:&?n?[A-Z])+)(?![\w&])", question)
    return {w.replace("&", "").lower() for w in found}


def scope(question: str, documents: Iterable[NamedDocument]) -> list[str]:
    """Doc ids of the documents ``question`` names (preferring the years it mentions); empty when it names none.
    Documents named by their content are preferred to documents named only by their file name."""
    words = question_words(question)
    spelled = {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(i + 5, len(words)) + 1)}
    short = abbreviations(question) - bm25.STOP_WORDS
    initialisms = _initialisms(question)
    named = [
        d
        for d in documents
        if d.names & spelled
        or any(n.startswith(a) for n in d.names for a in short)
        or d.initials & initialisms
        or d.tickers & short
    ]
    if not named:
        return []
    named = [d for d in named if d.from_content] or named
    years = set(_YEAR.findall(question)) | {m for w in words for m in _YEAR.findall(w)}
    dated = [d for d in named if d.years & years]
    return list(dict.fromkeys(d.doc_id for d in (dated or named)))


_ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "sixth": 5, "seventh": 6, "eighth": 7}
_ORDINAL_REF = re.compile(
    r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|last|[1-8](?:st|nd|rd|th))\s+"
    r"(?:chart|figure|image|plot|graph|picture|document|file|diagram)s?\b",
    re.IGNORECASE,
)


def ordinal_scope(question: str, chosen: list[str]) -> list[str]:
    """The documents among ``chosen`` (in the order the user chose them) that ``question`` points at by position:
    "in the second chart" -> ``chosen[1]``; empty when it points at none (or at a position beyond the list)."""
    picked = []
    for match in _ORDINAL_REF.finditer(question):
        word = match.group(1).lower()
        index = (
            len(chosen) - 1 if word == "last" else _ORDINALS.get(word, int(word[0]) - 1 if word[0].isdigit() else -1)
        )
        if 0 <= index < len(chosen) and chosen[index] not in picked:
            picked.append(chosen[index])
    return picked
