"""Which primary financial statement a page prints: balance sheet, income statement, cash flow or equity.

A statement page is titled near its top ("Consolidated Statements of Cash Flows", "Balance Sheet", "Statement of
Financial Position") and is mostly figures. The title is looked for in the first words of each block in the top
third of the page (a ruled table often includes its title), spaces ignored (pdfplumber splits "Flows" into
"Flow s" on some fonts); a page counts only when at least a fifth of its words are numbers, so MD&A prose that
names a statement is not one. The kind is stored on every chunk of the page (``statement``) and embedded with it,
and the retriever prefers these pages when a question asks for a statement or a metric computed from one.
"""

from __future__ import annotations

import re

from ingest.layout.blocks import FIGURE, PAGE, Block
from ingest.schema import Meta

STATEMENT_FIELD = Meta.STATEMENT  # the chunk meta field

BALANCE_SHEET = "balance_sheet"
INCOME_STATEMENT = "income_statement"
CASH_FLOW = "cash_flow"
EQUITY = "equity"

#: The name embedded in front of a statement page's chunks.
STATEMENT_NAMES = {
    BALANCE_SHEET: "balance sheet",
    INCOME_STATEMENT: "income statement",
    CASH_FLOW: "cash flow statement",
    EQUITY: "statement of shareholders equity",
}

_TITLES = (  # matched against the lower-cased title text with every space removed
    (CASH_FLOW, re.compile(r"statements?of(consolidated)?cashflows?|cashflowsstatements?|cashflowstatements?")),
    (BALANCE_SHEET, re.compile(r"balancesheets?|statements?of(consolidated)?financial(position|condition)")),
    (
        INCOME_STATEMENT,
        re.compile(
            r"statements?of(consolidated)?(income|operations|earnings)|incomestatements?"
            r"|statements?of(consolidated)?comprehensive(income|loss)|profitandloss"
        ),
    ),
    (EQUITY, re.compile(r"statements?of(changesin)?(share|stock)(holders|owners)'?s?equity|statements?ofequity")),
)
_TOP = 1 / 3
_TITLE_WORDS = 16
_NUMBER = re.compile(r"^[($€£-]*\d[\d,.]*\)?%?$")
_MIN_NUMBER_SHARE = 0.2


def statement_of_page(blocks: list[Block], page_height: float) -> str:
    """The statement kind the page's blocks print, or "" when it is not a statement page."""
    titles = " ".join(
        " ".join(b.text.split()[:_TITLE_WORDS])
        for b in blocks
        if b.kind not in (FIGURE, PAGE) and b.bbox[1] <= _TOP * page_height
    )
    squashed = re.sub(r"\s+", "", titles.lower()).replace("’", "'")
    kind = next((kind for kind, pattern in _TITLES if pattern.search(squashed)), "")
    if not kind:
        return ""
    words = [w.strip("|$") for b in blocks for w in b.text.split()]
    words = [w for w in words if w]
    numbers = sum(1 for w in words if _NUMBER.match(w))
    return kind if words and numbers / len(words) >= _MIN_NUMBER_SHARE else ""


def page_statements(blocks: list[Block], page_sizes: dict[int, tuple[float, float]]) -> dict[int, str]:
    """``{page: statement kind}`` for the statement pages among ``blocks`` (a document's blocks)."""
    by_page: dict[int, list[Block]] = {}
    for block in blocks:
        by_page.setdefault(block.page, []).append(block)
    found = {
        page: statement_of_page(page_blocks, page_sizes.get(page, (0.0, 0.0))[1])
        for page, page_blocks in by_page.items()
    }
    return {page: kind for page, kind in found.items() if kind}
