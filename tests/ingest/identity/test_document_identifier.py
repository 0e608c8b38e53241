"""Identity from the real covers of FinanceBench filings and releases (their first pages, converted and chunked by
the real components) and from parser-corpus papers and charts; the file names are never read."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from haystack import Document

from ingest.chunking.layout_chunker import LayoutChunker
from ingest.converters.pdf_layout_converter import PDFLayoutConverter
from ingest.identity import identify
from ingest.identity.document_identifier import DocumentIdentifier
from tests.conftest import corpus_file


def first_pages(name: str, pages: int, tmp_path: Path) -> Path:
    """The first ``pages`` pages of a FinanceBench PDF, under an opaque name."""
    source = pdfium.PdfDocument(str(corpus_file("financebench", "pdfs", name)))
    copy = pdfium.PdfDocument.new()
    copy.import_pages(source, list(range(min(pages, len(source)))))
    path = tmp_path / f"{abs(hash(name)) % 10**8:08d}.pdf"
    copy.save(str(path))
    return path


def identified(path: Path) -> list[Document]:
    blocks = PDFLayoutConverter().run(sources=[str(path)])["documents"]
    chunks = LayoutChunker().run(documents=blocks)["documents"]
    return DocumentIdentifier().run(documents=chunks)["documents"]


@pytest.mark.parametrize(
    ("name", "pages", "organisation", "aliases", "period", "years", "kind"),
    [
        # no "(Exact name of registrant ...)" line: the name after the commission file number
        ("3M_2018_10K.pdf", 1, "3M COMPANY", ["3M"], "FY2018", ["2018"], "10-K"),
        # the date on the line after "For the quarterly period ended"; trading symbols in a table
        ("JPMORGAN_2023Q2_10Q.pdf", 2, "JPMorgan Chase & Co.", ["JPMorgan Chase", "JPMorgan", "JPM", "AMJ"],
         "FY2023 Q2", ["2023"], "10-Q"),
        # a fiscal year ending in June: the quarter ended in December is its second ("Six Months Ended")
        ("AMCOR_2023Q2_10Q.pdf", 6, "AMCOR PLC", ["AMCOR", "AMCR"], "FY2023 Q2", ["2022", "2023"], "10-Q"),
        # a 52/53-week year that ended on January 1, 2023 is fiscal 2022
        ("JOHNSON_JOHNSON_2022_10K.pdf", 1, "JOHNSON & JOHNSON", ["JOHNSON & JOHNSON", "JOHNSON", "JNJ"], "FY2022",
         ["2022", "2023"], "10-K"),
        # small capitals that the text layer splits ("MGM R ESORTS I NTERNATIONAL")
        ("MGMRESORTS_2018_10K.pdf", 1, "MGM RESORTS INTERNATIONAL", ["MGM RESORTS"], "FY2018", ["2018"], "10-K"),
        ("PEPSICO_2023_8K_dated-2023-05-05.pdf", 1, "PepsiCo, Inc.", ["PepsiCo"], "2023-05-03", ["2023"], "8-K"),
        # releases: the company beside its listing, the quarter in the headline (per its own fiscal calendar)
        ("PEPSICO_2023Q1_EARNINGS.pdf", 1, "PepsiCo, Inc.", ["PepsiCo", "PEP"], "FY2023 Q1", ["2023"],
         "earnings release"),
        ("ULTABEAUTY_2023Q4_EARNINGS.pdf", 1, "Ulta Beauty, Inc.", ["Ulta Beauty", "ULTA"], "FY2022 Q4",
         ["2022", "2023"], "earnings release"),
    ],
)  # fmt: skip
def test_filings_and_releases_are_known_by_their_cover(
    tmp_path, name, pages, organisation, aliases, period, years, kind
) -> None:
    chunks = identified(first_pages(name, pages, tmp_path))
    meta = chunks[0].meta
    assert (meta["organisation"], meta["organisation_aliases"]) == (organisation, aliases)
    assert (meta["period"], meta["period_years"], meta["doc_kind"]) == (period, years, kind)
    assert {c.meta["title"] for c in chunks} == {meta["title"]}  # every chunk embeds the same label ...
    assert organisation in meta["title"] and period in meta["title"]  # ... from the content
    assert "pdf" not in meta["title"] and meta["source"] not in meta["title"]
    assert organisation in meta["doc_title"]


def test_a_paper_gets_its_title_and_kind() -> None:
    path = corpus_file("parsers", "unstructured__layout-parser-paper-with-empty-pages.pdf")
    meta = identified(path)[0].meta
    assert meta["doc_kind"] == "paper"
    assert meta["doc_title"].startswith("LayoutParser")
    assert meta["organisation"] == "" and meta["period"] == ""
    assert meta["title"] == meta["doc_title"]
    # the names between the title and the abstract, without footnote marks; affiliations and e-mails skipped
    assert meta["authors"] == ["Zejiang Shen", "Ruochen Zhang", "Melissa Dell", "Benjamin Charles Germain Lee",
                               "Jacob Carlson", "Weining Li"]  # fmt: skip


def test_authors_are_only_lines_of_names() -> None:
    text = (
        "Deep Widgets: A Study\nAda Lovelace*, Charles Babbage† and Grace Hopper 3\nDepartment of Computing, "
        "Example University\nada@example.edu\nAbstract. We study widgets.\nJohn Smith, Jane Doe"
    )
    assert identify(text + "\nIntroduction et al. proceedings").authors == ["Ada Lovelace", "Charles Babbage",
                                                                             "Grace Hopper"]  # fmt: skip
    assert identify("Quarterly Deck\nRevenue grew 5%, margins held\nabstract arxiv").authors == []
    assert identify("Ada Lovelace, Charles Babbage\nsome body text").authors == []  # not a paper: no authors


def test_a_metadata_title_is_used_only_when_it_is_a_title() -> None:
    text = "Some body text of a page without any cover phrases at all."
    assert identify(text, metadata_title="0000764478-23-000041", prominent="Quarterly Deck").title == "Quarterly Deck"
    assert identify(text, metadata_title="report final v2.docx", prominent="").title == text
    assert identify(text, metadata_title="Annual Review of Widgets").title == "Annual Review of Widgets"


def test_text_without_identity_keeps_the_file_name_title() -> None:
    docs = [Document(content="12 34 56", meta={"doc_id": "x", "title": "download 3", "page": 1})]
    meta = DocumentIdentifier().run(documents=docs)["documents"][0].meta
    assert (meta["doc_kind"], meta["organisation"], meta["period"]) == ("other", "", "")
    assert meta["title"] == meta["doc_title"] == "download 3"


def test_an_invoice_and_a_chart_are_told_apart() -> None:
    invoice = "INVOICE\nInvoice number: 4471\nBill to: Jane Doe\nAmount due: $120.00\nDue date: March 3, 2024"
    assert identify(invoice).kind == "invoice"
    chart = "Share of adults who use social media\n2012 2014 2016 2018\n45 52 60 69"
    found = identify(chart, image=True)
    assert (found.kind, found.title) == ("chart", "Share of adults who use social media")


def test_to_dict_from_dict_round_trip() -> None:
    data = DocumentIdentifier().to_dict()
    assert isinstance(DocumentIdentifier.from_dict(data), DocumentIdentifier)
