"""A formula the question itself defines ("Operating cash flow ratio is defined as: cash from operations / total
current liabilities", "Define working capital ratio as total current assets divided by total current liabilities"),
read into the glossary's formula syntax (:mod:`retrievers.query_expansion.formulas`) so that the claim checker
computes the metric the way the question asks for it.

Read: "X is (here) defined / calculated / computed as: EXPR" and "Define X as EXPR", EXPR up to the end of its
sentence. Words become operators ("divided by" /, "less" and "minus" -, "plus" +, "times" *), "average X" and
"change in X" the formula functions; periods ("FY2017", "between FY2016 and FY2017") and where to read an item
("from the cash flow statement") are dropped (the checker reads the claim's period). Each remaining phrase is a line
item, printed as the glossary says (:meth:`Glossary.printed_as`: "COGS" as cost of sales). A definition that does
not read as a formula of two or more line items is ignored. Pure functions.
"""

from __future__ import annotations

import re

from retrievers.query_expansion.formulas import FormulaError, parse_formula
from retrievers.query_expansion.glossary import NamedFormula

_DEFINITION = re.compile(
    r"(?:\bdefine\s+(?P<a>[a-z][\w&' -]{1,60}?)\s+as|(?P<b>[a-z][\w&'-]*(?:\s+[\w&'-]+){0,5}?)\s+(?:here\s+)?"
    r"(?:is|are)\s+(?:defined|calculated|computed)\s+as)\s*:?\s*(?P<expr>.+?)\s*(?=\.\s|\.?$|[;?])",
    re.IGNORECASE,
)
_DROP = (
    r"\bbetween\s+(?:fy\s?)?'?\d{2,4}\s+and\s+(?:fy\s?)?'?\d{2,4}\b",  # "between FY2016 and FY2017"
    r"\b(?:fy|fiscal(?:\s+year)?)\s?'?\d{2,4}\b|\b(?:19|20)\d{2}\b",  # "FY2017 COGS"
    r"\b(?:from|in|on|of)\s+the\s+(?:[a-z&]+\s+){0,3}(?:statement|sheet)(?:\s+of\s+[a-z&]+)?\b",
    r"\bthe\b",
)
_WORDS = (
    (r"\bdivided\s+by\b", " / "),
    (r"\b(?:minus|less)\b", " - "),
    (r"\bplus\b", " + "),
    (r"\b(?:times|multiplied\s+by)\b|×", " * "),
    (r"\s[–—]\s", " - "),
)
_ITEM = r"([a-z][a-z&' -]*?)\s*(?=[-+*/()]\s|[()]|$)"


def question_formulas(question: str) -> list[NamedFormula]:
    """The formulas ``question`` defines, each named as the question names it."""
    found = []
    for match in _DEFINITION.finditer(question):
        name = " ".join((match.group("a") or match.group("b")).lower().split())
        formula = to_formula(match.group("expr"))
        if formula is not None:
            found.append(NamedFormula(name, re.compile(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])"), formula))
    return found


def to_formula(expression: str):
    """``expression`` in words read as a :class:`Formula`, or None when it is not one of two or more line items."""
    text = f" {expression.lower()} "
    for pattern in _DROP:
        text = re.sub(pattern, " ", text)
    for pattern, operator in _WORDS:
        text = re.sub(pattern, operator, text)
    text = re.sub(r"\baverage\s+(?:of\s+)?" + _ITEM, r"average(\1)", text)
    text = re.sub(r"\bchange\s+(?:in\s+)?" + _ITEM, r"change(\1)", text)
    text = re.sub(r"[^a-z0-9&'()*/+ .-]", " ", text)
    text = re.sub(r"\(\s*([a-z][a-z&' -]*?)\s*\)", lambda m: f"({m.group(1)})", text)
    try:
        formula = parse_formula(" ".join(text.split()))
    except FormulaError:
        return None
    return formula if len(formula.items) >= 2 else None
