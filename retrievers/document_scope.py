"""Questions that name a document: "What was 3M's FY2018 capital expenditure?" is about the 10-K whose cover names
"3M COMPANY" and "the fiscal year ended December 31, 2018", whatever its file is called.

A document's *names* come from its content first (:mod:`ingest.identity`: the organisation's core name and short
forms, "3M", "MGM RESORTS", "JPMorgan"; its tickers) and its *years* from its period ("FY2024 Q2" of a quarter
ended July 2023: 2023 and 2024). Documents whose content names no organisation fall back to their file name: the
part of its title before the first year (``3M_2018_10K.pdf`` -> ``3M``) and the years in it; content names win
when both would scope a question. A question names a document when a run of its words, joined, spells a name
(``American Water Works`` = ``AMERICAN WATER WORKS``), an all-capital word of three or more letters starts one or
is a ticker (``MGM`` for ``MGM RESORTS``, ``JPM``), or it uses the initials of a name of several words (``J&J``,
``JnJ``). Among the documents a question names, those whose year the question mentions are preferred, and among
those the ones of the period's kind it asks for: a quarter's own documents (a 10-Q, a quarter's earnings
release) when it names one of the first three quarters ("Q2", "the second quarter"), else the full year's (a 10-K,
a fourth quarter's release) when there are any.
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
_QUARTER = re.compile(
    r"(?<![a-z])q([1-4])(?=(?:19|20)\d\d(?!\d)|[^0-9a-z]|$)|(?<![0-9])([1-4])q(?![a-z])", re.IGNORECASE
)
_QUARTER_WORDS = re.compile(r"\b(first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:fiscal\s+)?quarter\b", re.IGNORECASE)
_ORDINALS_OF_QUARTERS = {
    **{"first": "1", "second": "2", "third": "3", "fourth": "4"},
    **{"1st": "1", "2nd": "2", "3rd": "3", "4th": "4"},
}
_FULL_YEAR = ("", "4")  # a fourth quarter's report (an earnings release) gives the full year's results too
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
    quarter: str = ""  # "2" for a period of the second quarter ("FY2023 Q2"); "" for a full year or a date

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
    return NamedDocument(doc_id, name, frozenset(_YEAR.findall(title)), initials, quarter=period_quarter(title))


def identified_document(
    doc_id: str, organisation: str, aliases: Iterable[str], years: Iterable[str], period: str = ""
) -> NamedDocument | None:
    """The names and years of a document whose content names ``organisation`` (see :mod:`ingest.identity`), with
    its short forms and tickers ``aliases`` and its ``period`` ("FY2023 Q2"); None when no name is usable."""
    aliases = [a for a in aliases if a]
    tickers = frozenset(a.lower() for a in aliases if is_ticker(a, organisation))
    spellings = [_spelled(a) for a in aliases if a.lower() not in tickers] or [_spelled(organisation)]
    usable = [(name, parts) for name, parts in spellings if _usable(name)]
    if not usable:
        return None
    name, parts = usable[0]
    letters = [part[0] for part in parts]
    initials = frozenset({"".join(letters), "n".join(letters)}) if len(letters) >= 2 else frozenset()
    others = frozenset(n for n, _ in usable[1:])
    return NamedDocument(
        doc_id, name, frozenset(years), initials, others, tickers, from_content=True, quarter=period_quarter(period)
    )


def document_names(
    doc_id: str,
    file_title: str,
    organisation: str = "",
    aliases: Iterable[str] = (),
    years: Iterable[str] = (),
    period: str = "",
) -> list[NamedDocument]:
    """A document's names from its content (``organisation``, its short forms and tickers ``aliases``, its
    ``period`` and the ``years`` it may be named by; see :mod:`ingest.identity`) and from its file's title
    ``file_title``; :func:`scope` prefers the first."""
    by_content = identified_document(doc_id, organisation, aliases, years, period) if organisation else None
    return [n for n in (by_content, named_document(doc_id, file_title)) if n]


def is_ticker(alias: str, organisation: str) -> bool:
    """Whether a short form of ``organisation`` is a ticker ("MMM" of "3M COMPANY"), not a name: up to five capital
    letters that are not a word of the organisation's name ("AMCOR" of "AMCOR PLC" is its name)."""
    words = {w.upper() for w in re.findall(r"[A-Za-z]+", organisation)}
    return alias.isupper() and alias.isalpha() and len(alias) <= 5 and alias.upper() not in words


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
    named = _named(question, documents)
    years = set(question_years(question))
    dated = of_period_kind([d for d, _ in named if d.years & years], question_quarter(question))
    return list(dict.fromkeys(d.doc_id for d in (dated or [d for d, _ in named])))


def period_quarter(period: str) -> str:
    """The quarter ("1".."4") a document's period or file title names ("FY2023 Q2", "AMCOR_2023Q2_10Q"); ""."""
    match = _QUARTER.search(period or "")
    return (match.group(1) or match.group(2)) if match else ""


def question_years(question: str) -> list[str]:
    """The years ``question`` names, in order, each once ("FY2018" and "2018" alike)."""
    found = _YEAR.findall(question) + [m for w in question_words(question) for m in _YEAR.findall(w)]
    return list(dict.fromkeys(found))


def question_quarter(question: str) -> str:
    """The quarter ("1".."4") a question names ("Q2", "2Q", "the second fiscal quarter"); "" when it names none."""
    match = _QUARTER.search(question)
    if match:
        return match.group(1) or match.group(2)
    words = _QUARTER_WORDS.search(question)
    return _ORDINALS_OF_QUARTERS[words.group(1).lower()] if words else ""


def of_period_kind(documents: list[NamedDocument], quarter: str) -> list[NamedDocument]:
    """Those of ``documents`` whose period is of the kind a question asks for: the first three quarters' own
    documents when it names one of them (``quarter``), else the full year's (an annual report, a fourth quarter's
    release); all of them when none is of that kind."""
    wanted = (quarter,) if quarter in ("1", "2", "3") else _FULL_YEAR
    return [d for d in documents if d.quarter in wanted] or documents


def comparison(question: str, documents: Iterable[NamedDocument]) -> list[list[str]]:
    """The groups of documents a question compares, in the order it names them; empty when it names fewer than
    two. "Compare 3M's and Amcor's capex" names two organisations: one group each (an organisation's documents of
    the years the question names, else all of its documents). "3M's 2018 and 2017 capex" names one organisation
    and two years: when its documents of those years are different documents, one group per year. Retrieval
    gives each group its own share of the hits (:class:`retrievers.hybrid_retriever.DocsightHybridRetriever`)."""
    named = _named(question, documents, prefer_content=False)
    years = question_years(question)
    quarter = question_quarter(question)
    by_name: dict[str, list[NamedDocument]] = {}
    for document, _ in sorted(named, key=lambda pair: pair[1]):
        by_name.setdefault(document.name, []).append(document)
    groups: list[list[str]] = []
    for same in by_name.values():
        dated = of_period_kind([d for d in same if d.years & set(years)], quarter)
        per_year = [[d.doc_id for d in dated if year in d.years] for year in years]
        per_year = [g for g in per_year if g]
        if len(years) >= 2 and len({tuple(g) for g in per_year}) >= 2:
            groups += [g for i, g in enumerate(per_year) if g not in per_year[:i]]
        else:
            groups.append([d.doc_id for d in (dated or same)])
    unique: list[list[str]] = []
    for group in groups:  # a document in two groups (a 10-K naming two years) stays in the first
        kept = [d for d in group if not any(d in g for g in unique)]
        if kept:
            unique.append(kept)
    return unique if len(unique) >= 2 else []


def _named(
    question: str, documents: Iterable[NamedDocument], *, prefer_content: bool = True
) -> list[tuple[NamedDocument, int]]:
    """The documents ``question`` names, each with the position of its first mention (a word index): those named
    by their content when any is, or (``prefer_content`` False, a comparison) every document once, by its content
    when it is named by it, else by its file name (a comparison of "Block" — its cover says SQUARE, INC. — and
    General Mills keeps Block)."""
    words = question_words(question)
    runs: dict[str, int] = {}
    for i in range(len(words)):
        for j in range(i + 1, min(i + 5, len(words)) + 1):
            runs.setdefault("".join(words[i:j]), i)
    short = abbreviations(question) - bm25.STOP_WORDS
    at = {a: words.index(a) if a in words else len(words) for a in short}
    initialisms = _initialisms(question)
    named = []
    for d in documents:
        places = [runs[n] for n in d.names if n in runs]
        places += [runs.get(n, len(words)) for n in d.initials & initialisms]
        places += [at[a] for a in short if a in d.tickers or any(n.startswith(a) for n in d.names)]
        if places:
            named.append((d, min(places)))
    if not prefer_content:
        by_content = {d.doc_id for d, _ in named if d.from_content}
        return [(d, at) for d, at in named if d.from_content or d.doc_id not in by_content]
    return [pair for pair in named if pair[0].from_content] or named


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
