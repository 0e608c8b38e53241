"""A document's identity from its own text: title, organisation (with short forms), period and kind."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.identity import cover
from ingest.identity.authors import paper_authors
from ingest.identity.names import short_forms
from ingest.identity.title import first_line, headline, meaningful

FILING_KINDS = ("10-K", "10-Q", "8-K", "20-F", "6-K", "40-F")
KINDS = (*FILING_KINDS, "earnings release", "paper", "invoice", "chart", "scan", "other")
_PAPER = re.compile(r"\babstract\b|\barxiv\b|\bintroduction\b|\bet al\.|\bproceedings\b|\bdoi\b", re.IGNORECASE)
_INVOICE = re.compile(r"\binvoice\b", re.IGNORECASE)
_INVOICE_TERMS = re.compile(r"bill\s+to|amount\s+due|total\s+due|invoice\s+(?:no|number|#|date)|due\s+date", re.I)
_CHART_WORDS = 120  # an image with fewer words than this is read as a chart or figure, more as a scanned page


@dataclass(frozen=True)
class DocumentIdentity:
    """What a document is, for people (shown) and for retrieval (scoping, the text embedded with each chunk)."""

    title: str = ""
    organisation: str = ""
    aliases: list[str] = field(default_factory=list)  # short forms of the organisation: "3M", "MMM"
    period: str = ""  # "FY2018", "2023 Q2", "FY2024 Q2", "2023-05-03"
    years: list[str] = field(default_factory=list)  # years a question may name the period by
    kind: str = "other"
    authors: list[str] = field(default_factory=list)  # a paper's, as its first page lists them

    def label(self, fallback: str = "") -> str:
        """The line embedded in front of every chunk: organisation, kind and period, or the title."""
        if self.organisation:
            ticker = next((a for a in self.aliases if a.isupper() and " " not in a and len(a) <= 6), "")
            name = self.organisation + (f" ({ticker})" if ticker and ticker not in self.organisation else "")
            parts = [name, self.kind, self.period]
            titled = self.kind not in (*FILING_KINDS, "earnings release") and self.title
            if titled and self.organisation.lower() not in self.title.lower():
                parts.insert(0, self.title)
            return " ".join(p for p in parts if p and p != "other")
        return self.title or fallback


def identify(
    text: str,
    *,
    metadata_title: str = "",
    prominent: str = "",
    heading: str = "",
    image: bool = False,
    ocr_only: bool = False,
) -> DocumentIdentity:
    """The identity of a document whose first pages read ``text``.

    :param metadata_title: the PDF's metadata title (used when :func:`ingest.identity.title.meaningful`).
    :param prominent: the largest-type text of its first page; ``heading``: its first heading.
    :param image: the file is an image; ``ocr_only``: every page of it was read by OCR (a scan).
    """
    form = cover.form_type(text[:6000])
    release = cover.is_release(text) and not form
    kind = _kind(text, form, release, image=image, ocr_only=ocr_only)
    organisation, tickers = "", []
    if kind in FILING_KINDS:
        organisation = _clean(cover.registrant(text))
        tickers = cover.tickers(text)
    if kind == "earnings release" or (kind in FILING_KINDS and not organisation):
        named, listed = cover.listing(text)
        organisation, tickers = organisation or _clean(named), tickers or listed
    period, years = cover.period(text, kind)
    title = _title(kind, organisation, period, metadata_title, prominent, heading, text)
    aliases = short_forms(organisation, tickers) if organisation else []
    authors = paper_authors(text, title) if kind == "paper" else []
    return DocumentIdentity(title, organisation, aliases, period, years, kind, authors)


def _kind(text: str, form: str, release: bool, *, image: bool, ocr_only: bool) -> str:
    if release:
        return "earnings release"
    if form in FILING_KINDS:
        return form
    head = text[:5000]
    if _INVOICE.search(head) and _INVOICE_TERMS.search(head):
        return "invoice"
    if image:
        return "chart" if len(text.split()) < _CHART_WORDS else "scan"
    if len(_PAPER.findall(head)) >= 2:
        return "paper"
    if ocr_only:
        return "scan"
    return "other"


def composed_title(kind: str, organisation: str, period: str) -> str:
    """The title of a filing or release, composed from what its cover states ("3M COMPANY Form 10-K FY2018"); ""
    for other kinds or without an organisation."""
    if kind in FILING_KINDS and organisation:
        return " ".join(p for p in (organisation, f"Form {kind}", period) if p)
    if kind == "earnings release" and organisation:
        return " ".join(p for p in (organisation, "earnings release", period) if p)
    return ""


def _title(kind, organisation, period, metadata_title, prominent, heading, text) -> str:
    if composed := composed_title(kind, organisation, period):
        return composed
    heading = heading if headline(heading) else ""  # an OCR'd "heading" is often a legend or a publisher's line
    for candidate in (metadata_title if meaningful(metadata_title) else "", prominent, heading, first_line(text)):
        candidate = " ".join(candidate.split())
        if candidate and sum(c.isalpha() for c in candidate) >= 3:
            return candidate
    return ""


def _clean(name: str) -> str:
    """A name as printed, without stray table bars and trailing punctuation; small capitals that the text layer
    split ("MGM R ESORTS I NTERNATIONAL") joined again."""
    name = re.sub(r"\b([B-Z]) ([A-Z]{2,})\b", r"\1\2", re.sub(r"_{2,}|\|", " ", name))
    return " ".join(name.split()).strip(" ,;:")
