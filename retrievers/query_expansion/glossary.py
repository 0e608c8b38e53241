"""A glossary of financial metrics: the statement line items a metric is computed from and where they are printed.

The packaged glossary (``financial_statements.yaml`` beside this module) is written from accounting definitions;
a user extends it for their own field with a copy named by ``DOCSIGHT_GLOSSARY_PATH``. Terms are matched as whole
words, case-insensitive, so "capex" matches "FY2018 capex" but not "capexpansion". Its ``formulas`` (see
:mod:`retrievers.query_expansion.formulas`) and the ``line_items`` they use are for the claim checker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from ingest.layout.statements import STATEMENT_NAMES
from retrievers.query_expansion.formulas import Formula, FormulaError, parse_formula

PACKAGED = Path(__file__).with_name("financial_statements.yaml")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: 6x faster, the same data


class GlossaryError(ValueError):
    """The glossary file cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class GlossaryMatch:
    line_items: tuple[str, ...]  # what the matched metrics are computed from, as filings print them
    statements: tuple[str, ...]  # statement kinds the question names ("based on the cash flow statement")
    metric_statements: tuple[str, ...]  # statement kinds where the matched metrics' line items are printed


@dataclass(frozen=True)
class NamedFormula:
    name: str  # the metric's first term ("days payable outstanding")
    pattern: re.Pattern  # any of its terms, as whole words
    formula: Formula


@dataclass(frozen=True)
class Glossary:
    statement_names: tuple[tuple[str, re.Pattern], ...]
    metrics: tuple[tuple[re.Pattern, tuple[str, ...], tuple[str, ...]], ...]
    formulas: tuple[NamedFormula, ...] = ()
    line_item_names: tuple[tuple[str, tuple[str, ...]], ...] = ()  # a formula's line item -> how filings print it

    def formulas_named(self, *texts: str) -> list[NamedFormula]:
        """The formulas whose metric one of ``texts`` names."""
        normalised = [_normalise(t) for t in texts]
        return [f for f in self.formulas if any(f.pattern.search(t) for t in normalised)]

    def printed_as(self, item: str) -> tuple[str, ...]:
        """How filings print a formula's line item: its ``line_items`` entry; else, when the item is one of a metric's
        terms ("cogs", "cash from operations": a formula a question writes), the item and that metric's line items;
        else the item itself."""
        named = next((names for name, names in self.line_item_names if name == item), None)
        if named is not None:
            return named
        text = _normalise(item).strip()
        term_of = next((items for pattern, items, _ in self.metrics if items and pattern.fullmatch(text)), ())
        return (item, *(i for i in term_of if i != item))

    def match(self, question: str) -> GlossaryMatch:
        text = _normalise(question)
        items: list[str] = []
        from_metrics: list[str] = []
        for pattern, line_items, statements in self.metrics:
            if pattern.search(text):
                items += line_items
                from_metrics += statements
        named = [kind for kind, pattern in self.statement_names if pattern.search(text)]
        return GlossaryMatch(_unique(items), _unique(named), _unique(from_metrics))


@cache
def load_glossary(path: str | None = None) -> Glossary:
    """The glossary at ``path`` (default: the packaged one), parsed once per process.

    :raises GlossaryError: the file is missing, not YAML, or an entry lacks ``terms`` or names an unknown statement.
    """
    file = Path(path) if path else PACKAGED
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    except OSError as exc:
        raise GlossaryError(f"{file}: cannot be read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise GlossaryError(f"{file}: not valid YAML ({exc})") from None
    statement_names = []
    for kind, names in (data.get("statements") or {}).items():
        _check_kind(file, kind)
        statement_names.append((kind, _words_pattern(names)))
    metrics = []
    for number, entry in enumerate(data.get("metrics") or [], start=1):
        if not isinstance(entry, dict) or not entry.get("terms"):
            raise GlossaryError(f"{file}: metric entry {number} has no 'terms'")
        for kind in entry.get("statements") or []:
            _check_kind(file, kind)
        metrics.append(
            (
                _words_pattern(entry["terms"]),
                tuple(str(i) for i in entry.get("line_items") or []),
                tuple(entry.get("statements") or []),
            )
        )
    return Glossary(tuple(statement_names), tuple(metrics), _formulas(file, data), _line_item_names(file, data))


def _formulas(file: Path, data: dict) -> tuple[NamedFormula, ...]:
    formulas = []
    for number, entry in enumerate(data.get("formulas") or [], start=1):
        if not isinstance(entry, dict) or not entry.get("terms") or not entry.get("formula"):
            raise GlossaryError(f"{file}: formula entry {number} needs 'terms' and 'formula'")
        try:
            formula = parse_formula(str(entry["formula"]))
        except FormulaError as exc:
            raise GlossaryError(f"{file}: formula entry {number}: {exc}") from None
        formulas.append(NamedFormula(str(entry["terms"][0]).lower(), _words_pattern(entry["terms"]), formula))
    return tuple(formulas)


def _line_item_names(file: Path, data: dict) -> tuple[tuple[str, tuple[str, ...]], ...]:
    names = data.get("line_items") or {}
    if not isinstance(names, dict) or not all(isinstance(v, list) and v for v in names.values()):
        raise GlossaryError(f"{file}: 'line_items' maps each line item to a list of how filings print it")
    return tuple((str(k).lower(), tuple(str(v).lower() for v in values)) for k, values in names.items())


def _check_kind(file: Path, kind: str) -> None:
    if kind not in STATEMENT_NAMES:
        raise GlossaryError(f"{file}: unknown statement {kind!r} (use one of {', '.join(STATEMENT_NAMES)})")


def _normalise(text: str) -> str:
    """Lower case, curly quotes straightened, punctuation other than ``&'-`` as spaces."""
    text = text.lower().replace("’", "'")
    return " " + " ".join(re.sub(r"[^a-z0-9&'\-]+", " ", text).split()) + " "


def _words_pattern(terms: list[str]) -> re.Pattern:
    alternatives = sorted({_normalise(str(t)).strip() for t in terms if str(t).strip()}, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?![a-z0-9])")


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
