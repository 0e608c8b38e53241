"""Follow-up questions made standalone without a model: "And in 2017?" after "What was 3M's capital expenditure in
2018?" is "What was 3M's capital expenditure in 2017?", searched in the documents the first question was about.

Rules (what a user means in a conversation):

- a follow-up that names no document and no company inherits the documents the previous turn was searched in; one
  that names a document (by the names :mod:`retrievers.document_scope` recognises: from the documents' content,
  organisation, short forms, tickers and period years, else their file names) replaces them;
- a follow-up that compares ("How does that compare with Amcor?", "compared with 2017?", "since the prior year")
  adds the documents and
  years it names to the inherited ones instead: its standalone question names both ("What was 3M and Amcor's
  capital expenditure in FY2018?"), so retrieval gives each its share of the hits;
- one that names no year inherits the previous turn's years; one that names years replaces them ("the year
  before" is the previous turn's years minus one), and when its standalone question names the organisation, the
  documents are chosen again for the new years ("And in FY2017?" after a question on Adobe's FY2015 10-K searches
  the FY2017 10-K when there is one);
- an *elliptical* follow-up — nothing left but filler once its names and years are taken out ("And in 2017?",
  "How about Amcor?", "What about 2019 then?") — repeats the previous standalone question with the new document
  or years put in place of the old ones;
- any other follow-up keeps its own words, with the inherited document names and years added for the search
  ("What was their revenue?" -> "What was their revenue? (3M, 2018)").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from retrievers.document_scope import NamedDocument, comparison, question_words, scope
from retrievers.encoders.bm25 import terms

_YEAR = re.compile(r"(?<![\d])(?:FY\s?)?((?:19|20)\d\d)(?!\d)", re.IGNORECASE)
# words that carry no topic of their own in a follow-up ("and how about in 2017, then?")
_FILLER = set(
    terms(
        "and or but so what how about regarding concerning compare compared comparison versus vs against with "
        "that those these this it its them they their same then also instead again there year years period fiscal "
        "fy please tell me show give number figure one ones case for in of does do did is are was were look looks "
        "stack up"
    )
)
_NAME_RUN = 4  # a document's name spans at most this many words of a question
_COMPARE = re.compile(
    r"\b(?:compar\w*|versus|vs\.?|against|relative to|differ\w*|both|as well as|change[sd]?|stack up)\b", re.I
)


@dataclass
class TurnContext:
    """What a turn was about, as the next turn inherits it."""

    standalone: str  # the question as retrieval saw it
    doc_ids: list[str] = field(default_factory=list)  # the documents its search was limited to (empty: all)
    years: list[str] = field(default_factory=list)


@dataclass
class Rewrite:
    """A question made standalone: ``standalone`` is what retrieval sees (and the UI shows as "searched for");
    ``doc_ids`` the documents to search (empty: as the question itself decides); ``inherited``: whether anything
    came from the previous turn; ``how``: ``none``, ``rules`` or ``model``."""

    question: str
    standalone: str
    doc_ids: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    inherited: bool = False
    how: str = "none"

    def context(self) -> TurnContext:
        return TurnContext(self.standalone, list(self.doc_ids), list(self.years))


def years_of(text: str) -> list[str]:
    """The years ``text`` names, in order, each once ("FY2018" and "2018" alike)."""
    return list(dict.fromkeys(_YEAR.findall(text)))


def rewrite_followup(
    question: str,
    previous: TurnContext | None,
    documents: Iterable[NamedDocument],
    display_names: dict[str, str] | None = None,
) -> Rewrite:
    """``question`` made standalone after ``previous`` (None: the first turn, left as it is).

    :param documents: the named documents of the collection (see :func:`retrievers.document_scope.named_document`).
    :param display_names: doc id -> how to write the document in a question (the title's name part, "3M").
    """
    documents = list(documents)
    named = named_in(question, documents)
    years = years_of(question)
    if previous is None:
        return Rewrite(question, question, named, years)
    stated = bool(years)
    if not years and previous.years and (shift := _relative_year(question)):
        years = [str(int(y) + shift) for y in previous.years]  # "the year before"
    names = display_names or {}
    compares = bool(_COMPARE.search(question) or _SINCE.search(question))
    comparing = compares and bool(named or years) and bool(previous.doc_ids or previous.years)
    if comparing:  # what it names is added to what the previous turn was about
        named = list(dict.fromkeys(previous.doc_ids + named)) if named else []
        years = list(dict.fromkeys(previous.years + years)) if years else []
    doc_ids = named or list(previous.doc_ids)
    wanted_years = years or list(previous.years)
    inherited = (not named and bool(previous.doc_ids)) or (not stated and bool(previous.years)) or comparing
    if _elliptical(question, documents):
        standalone = previous.standalone
        if years and previous.years:
            standalone = _replace_years(standalone, previous.years, years)
        elif years:
            standalone = f"{standalone.rstrip(' ?')} in {' and '.join(years)}?"
        if named and named != previous.doc_ids:
            spelled = [names.get(d, "") for d in named]
            standalone = _replace_names(standalone, documents, previous.doc_ids, spelled)
        if comparing:
            doc_ids = list(dict.fromkeys(doc_ids + named_in(standalone, documents)))
        elif years and not named and not _covered(doc_ids, years, documents):
            doc_ids = named_in(standalone, documents) or doc_ids
        return Rewrite(question, standalone, doc_ids, wanted_years, True, "rules")
    if not inherited:
        return Rewrite(question, question, doc_ids, wanted_years, False, "rules")
    own = set(named_in(question, documents))
    added = _distinct([names.get(d, "") for d in doc_ids if d not in own])
    if not stated or comparing:
        added += [y for y in wanted_years if y not in years_of(question)]
    standalone = f"{question} ({', '.join(added)})" if added else question
    if years and not named and not _covered(doc_ids, years, documents):
        doc_ids = named_in(standalone, documents) or doc_ids
    return Rewrite(question, standalone, doc_ids, wanted_years, True, "rules")


def _covered(doc_ids: list[str], years: list[str], documents: list[NamedDocument]) -> bool:
    """Whether the documents ``doc_ids`` already cover every one of ``years``: a year the conversation's documents
    report ("since the end of the last fiscal year", in a quarter's report) does not move it to another document."""
    chosen = [d for d in documents if d.doc_id in doc_ids]
    return bool(chosen) and all(any(y in d.years for d in chosen) for y in years)


def named_in(question: str, documents: list[NamedDocument]) -> list[str]:
    """The doc ids ``question`` names: every compared document (see
    :func:`retrievers.document_scope.comparison`), else those :func:`retrievers.document_scope.scope` finds."""
    return [d for group in comparison(question, documents) for d in group] or scope(question, documents)


_BEFORE = re.compile(r"\b(?:year|period) before\b|\b(?:previous|prior|preceding|last) (?:fiscal )?year\b", re.I)
_AFTER = re.compile(r"\b(?:year|period) after\b|\b(?:next|following|subsequent) (?:fiscal )?year\b", re.I)


# "since the prior year", "from the year before": the earlier year is compared with, not asked about instead
_SINCE = re.compile(
    r"\b(?:since|from|than|over|versus|vs\.?|against|with|to)\s+(?:the\s+|a\s+)?(?:(?:year|period) before|"
    r"(?:previous|prior|preceding|last) (?:fiscal )?year)\b",
    re.IGNORECASE,
)


def _relative_year(question: str) -> int:
    """-1 for "the year before"/"the prior year", +1 for "the year after"/"the next year", else 0."""
    return -1 if _BEFORE.search(question) else 1 if _AFTER.search(question) else 0


def _elliptical(question: str, documents: list[NamedDocument]) -> bool:
    """Whether nothing but filler is left of ``question`` once document names and years are taken out."""
    text = _AFTER.sub(" ", _BEFORE.sub(" ", question))
    words = [w for w in question_words(text) if not _YEAR.fullmatch(w) and not re.fullmatch(r"fy\d*", w)]
    names = {n for d in documents for n in _spellings(d)}
    kept: list[str] = []
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + _NAME_RUN), i, -1):
            if "".join(words[i:j]) in names:
                i = j
                break
        else:
            kept.append(words[i])
            i += 1
    return not set(terms(" ".join(kept))) - _FILLER


def _replace_years(text: str, old: list[str], new: list[str]) -> str:
    """``text`` with the years ``old`` replaced by ``new``: pairwise when as many, else all of them by all of
    ``new`` at the first one's place."""
    if len(old) == len(new):
        mapping = dict(zip(old, new, strict=True))
        return _YEAR.sub(lambda m: m.group(0).replace(m.group(1), mapping.get(m.group(1), m.group(1))), text)
    seen = []

    def once(match: re.Match) -> str:
        if match.group(1) not in old:
            return match.group(0)
        seen.append(match)
        return match.group(0).replace(match.group(1), " and ".join(new)) if len(seen) == 1 else match.group(1)

    return _YEAR.sub(once, text)


_TOKEN = re.compile(r"[A-Za-z0-9&]+(?:['’]s\b)?")


def _replace_names(text: str, documents: list[NamedDocument], old_ids: list[str], new_names: list[str]) -> str:
    """``text`` with its first mention of one of the documents ``old_ids`` (or of any document) replaced by
    ``new_names``; the new names added in brackets when it mentions none."""
    new = " and ".join(_distinct(new_names))
    if not new:
        return text
    old = {n for d in documents if d.doc_id in old_ids for n in _spellings(d)}
    old = old or {n for d in documents for n in _spellings(d)}
    tokens = list(_TOKEN.finditer(text))
    for i in range(len(tokens)):
        for j in range(min(len(tokens), i + _NAME_RUN), i, -1):
            run = tokens[i:j]
            possessive = re.search(r"['’]s$", run[-1].group(0))
            spelled = "".join(re.sub(r"['’]s$", "", t.group(0)).lower().replace("&", "") for t in run)
            if spelled in old:
                replacement = new + (possessive.group(0) if possessive else "")
                return text[: run[0].start()] + replacement + text[run[-1].end() :]
    return f"{text.rstrip(' ?')} ({new})?"


def _spellings(document: NamedDocument) -> frozenset[str]:
    """Every way a question may spell ``document`` (lower case, letters and digits): names, initials, tickers."""
    return document.names | document.initials | document.tickers


def _distinct(names: list[str]) -> list[str]:
    """``names`` without blanks and repeats, a name contained in an earlier one (or containing it) counted as the
    same ("MGM" and "MGM Resorts", the names of one company's 10-K and earnings release)."""
    kept: list[str] = []
    for name in names:
        if name and not any(name.lower() in k.lower() or k.lower() in name.lower() for k in kept):
            kept.append(name)
    return kept
