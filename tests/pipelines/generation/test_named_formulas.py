"""Figures for named metrics checked against the glossary's formulas, on real statements parsed by docsight's own
converter and chunker: Corning's 2020 income statement and balance sheet (FinanceBench evidence pages 70 and 72),
American Water Works' 2022 balance sheet (pages 81 and 82)."""

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from ingest.chunking.layout_chunker import LayoutChunker
from ingest.converters.pdf_layout_converter import PDFLayoutConverter
from pipelines.generation.claims import check_claims
from pipelines.generation.named_formulas import _fit, recompute
from retrievers.encoders.bm25 import terms
from tests.conftest import corpus_file


def _pages(folder: Path, name: str, pages: list[int]) -> list[dict]:
    original = pdfium.PdfDocument(str(corpus_file("financebench", "pdfs", name)))
    subset = pdfium.PdfDocument.new()
    subset.import_pages(original, [p - 1 for p in pages])
    path = folder / name
    subset.save(str(path))
    chunks = LayoutChunker().run(documents=PDFLayoutConverter().run(sources=[path])["documents"])["documents"]
    return [
        {
            "n": n,
            "text": c.content,
            "source": name,
            "page": pages[int(c.meta["page"]) - 1],
            "table_unit": c.meta.get("table_unit", ""),
            "table_columns": c.meta.get("table_columns"),
        }
        for n, c in enumerate(chunks, start=1)
    ]


@pytest.fixture(scope="module")
def corning(tmp_path_factory) -> list[dict]:
    return _pages(tmp_path_factory.mktemp("corning"), "CORNING_2020_10K.pdf", [70, 72])


@pytest.fixture(scope="module")
def water(tmp_path_factory) -> list[dict]:
    return _pages(tmp_path_factory.mktemp("water"), "AMERICANWATERWORKS_2022_10K.pdf", [81, 82])


def _figure(answer: str, sources: list[dict], question: str = "") -> dict:
    claims = check_claims(answer, sources, question=question, uncited_sources="all")
    return claims["sentences"][0]["figures"][0]


def test_days_payable_outstanding_is_computed_from_its_five_operands(corning) -> None:
    question = "What is Corning's FY2020 days payable outstanding (DPO)?"
    dpo = _figure("63.86", corning, question)
    assert dpo["status"] == "computed" and dpo["operation"] == "days payable outstanding"
    used = {(o["item"], o["offset"]): o["value"] for o in dpo["operands"]}
    assert used == {
        ("accounts payable", 0): 1174,
        ("accounts payable", 1): 1587,
        ("cost of sales", 0): 7772,
        ("inventories", 0): 2438,
        ("inventories", 1): 2320,
    }
    assert recompute(dpo, used, percent=False) == pytest.approx(63.86, abs=0.005)
    assert _figure("63.68", corning, question)["status"] == "unsupported"  # a swapped digit
    # without the metric's name nothing says which three line items to combine
    assert _figure("63.86", corning, "What is Corning's FY2020 figure?")["status"] == "unsupported"


def test_working_capital_keeps_its_sign_and_a_ratio_of_two_other_rows_does_not_bind(water) -> None:
    answer = "American Water Works had working capital of -$1,561 million in FY2022."
    assert _figure(answer, water)["status"] == "computed"
    assert _figure(answer.replace("-$1,561", "-$1,651"), water)["status"] == "unsupported"
    assert _figure("Its current ratio was 0.44 in FY2022.", water)["status"] == "computed"  # 1,250 / 2,811
    assert _figure("Its current ratio was 0.45 in FY2022.", water)["status"] == "unsupported"


def test_a_label_fits_a_line_item_that_ends_it_or_that_it_holds_together() -> None:
    assert _fit(terms("Current liabilities: Accounts payable"), terms("accounts payable")) == 0
    assert _fit(terms("Inventories, net (Note 6)"), terms("inventories")) == 1 + 3  # three words after it
    assert _fit(terms("Net investment income"), terms("net income")) is None
    assert _fit(terms("Total current assets"), terms("total assets")) is None
