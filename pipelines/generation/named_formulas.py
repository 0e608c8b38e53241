"""A figure given for a named metric ("DPO of 93.86", "working capital of -$1,561M", "ROA of 1.82%") checked against
the metric's formula in the glossary (:mod:`retrievers.query_expansion.formulas`), computed from the line items of
the cited sources.

Each line item of the formula is bound to the rows whose label ends with, or else contains, one of the ways filings
print it (the glossary's ``line_items``), the best-fitting ``ROWS_PER_ITEM`` rows only; a row's cells are read by
period (the column's year, or, in a row without a header of years, the column's position: the latest period first,
as filings print them). The formula is evaluated at the period the claim names (else at each period the rows have),
so a combination of three or more numbers is tried only as the metric's definition, never as any sum or ratio that
happens to match. A figure also matches the change of the metric between the period and the one before: in
percentage points or percent for a percentage, in the metric's unit otherwise, with the direction the sentence gives.
Pure functions.
"""

from __future__ import annotations

from itertools import product

from pipelines.generation.figures import Figure, SourceNumber
from retrievers.encoders.bm25 import terms
from retrievers.query_expansion.formulas import parse_formula
from retrievers.query_expansion.glossary import Glossary, NamedFormula

ROWS_PER_ITEM = 2  # rows tried for each line item of a formula (a statement's row and, say, a note's)


def formula_match(
    f: Figure,
    years: set[int],
    polarity: int,
    frames: list[tuple[float, float, str]],
    numbers: list[SourceNumber],
    formulas: list[NamedFormula],
    glossary: Glossary,
) -> dict | None:
    """The first evaluation of one of ``formulas`` that equals ``f`` within its shown precision: ``operation``,
    ``operands`` (each with its line ``item`` and period ``offset``), ``result``, ``formula``, ``period``; or None.

    :param years: the periods the claim is about; :param polarity: -1 when the sentence calls it a decline.
    :param frames: (value, tolerance, frame) to compare with, ``raw`` (numbers as shown) or ``scaled``.
    """
    amounts = [x for x in numbers if not x.percent]
    for named in formulas:
        rows = {item: _rows(amounts, glossary.printed_as(item)) for item in named.formula.items}
        if not all(rows.values()):
            continue
        # rows without a header of years: the first column is the latest period the other rows or the claim name
        latest = max((x.period for r in rows.values() for row in r for x in row if x.period), default=None)
        latest = latest or max(years, default=0)
        cells = {item: [_by_period(row, latest) for row in r] for item, r in rows.items()}
        periods = sorted(years or {p for r in cells.values() for row in r for p in row}, reverse=True)
        items = list(cells)
        for period in periods:
            for chosen in product(*(cells[item] for item in items)):
                by_item = dict(zip(items, chosen, strict=True))
                found = _compare(f, polarity, frames, named, by_item, period)
                if found:
                    return found
    return None


def bound_formulas(numbers: list[SourceNumber], formulas: list[NamedFormula], glossary: Glossary) -> list[NamedFormula]:
    """Those of ``formulas`` every line item of which some row of ``numbers`` prints."""
    amounts = [x for x in numbers if not x.percent]
    return [f for f in formulas if all(_rows(amounts, glossary.printed_as(item)) for item in f.formula.items)]


def _compare(f: Figure, polarity: int, frames, named: NamedFormula, by_item: dict, period: int) -> dict | None:
    formula = named.formula
    for value, tolerance, frame in frames:
        if frame == "raw" and len({x.scale for row in by_item.values() for x in row.values()}) > 1:
            continue  # numbers as shown are comparable only within one scale

        def at(offset: int, frame: str = frame):
            def value_of(item: str, more: int) -> float | None:
                cell = by_item[item].get(period - offset - more)
                if cell is None:
                    return None
                return cell.value if frame == "raw" else cell.scaled

            return formula.evaluate(value_of)

        now = at(0)
        if now is None:
            continue
        level = 100 * now if f.percent else now
        if _equal(level, value, tolerance, -1 if f.negative else None):
            return _result(named, named.name, by_item, period, level, change=False)
        before = at(1)
        if before is None:
            continue
        sign = -1 if f.negative or polarity < 0 else 1
        changes = [(f"change in {named.name}", 100 * (now - before) if f.percent else now - before)]
        if f.percent and before:
            changes.append((f"percentage change in {named.name}", 100 * (now - before) / abs(before)))
        for operation, amount in changes:
            if _equal(amount, value, tolerance, sign):
                return _result(named, operation, by_item, period, amount, change=True)
    return None


def _equal(result: float, value: float, tolerance: float, sign: int | None) -> bool:
    """``result`` is ``value`` within ``tolerance``: with ``sign`` when given, else in magnitude."""
    got, target = (result, sign * value) if sign is not None else (abs(result), value)
    return abs(got - target) <= tolerance + 1e-9 * max(value, 1.0)


def _result(named: NamedFormula, operation: str, by_item: dict, period: int, result: float, change: bool) -> dict:
    """The match, with the operands it read (for a change, at the period before too)."""
    uses = named.formula.uses
    if change:
        uses = tuple(dict.fromkeys([*uses, *((item, offset + 1) for item, offset in uses)]))
    operands = []
    for item, offset in uses:
        cell = by_item[item][period - offset]
        operands.append(
            {
                "item": item,
                "offset": offset,
                "source": cell.source,
                "text": cell.text,
                "value": cell.value,
                "match": cell.snippet(),
            }
        )
    return {
        "operation": operation,
        "operands": operands,
        "result": round(result, 6),
        "formula": named.formula.text,
        "period": period,
    }


def recompute(checked: dict, values: dict[tuple[str, int], float], percent: bool) -> float | None:
    """What a formula match (``checked``: a computed figure's ``formula``, ``operation``) gives with other operand
    ``values`` (by line item and offset): for ``docsight eval claims``, the same metric one column over."""
    formula = parse_formula(checked["formula"])

    def at(shift: int) -> float | None:
        return formula.evaluate(lambda item, offset: values.get((item, offset + shift)))

    now = at(0)
    if now is None or not checked["operation"].startswith(("change in", "percentage change in")):
        return None if now is None else (100 * now if percent else now)
    before = at(1)
    if before is None:
        return None
    if checked["operation"].startswith("percentage"):
        return 100 * (now - before) / abs(before) if before else None
    return 100 * (now - before) if percent else now - before


def _rows(numbers: list[SourceNumber], printed_as: tuple[str, ...]) -> list[list[SourceNumber]]:
    """The rows (cells of one source's row) whose label fits one of ``printed_as`` best (see ``_fit``; only rows of
    the best fit, at most ``ROWS_PER_ITEM``); the same numbers in another chunk count once."""
    wanted = [terms(name) for name in printed_as]
    fits: dict[tuple, tuple[int, list[SourceNumber]]] = {}
    misfits: set[tuple] = set()
    for x in numbers:
        key = (x.source, x.row)
        if key in fits:
            fits[key][1].append(x)
            continue
        if key in misfits:
            continue
        label = terms(x.label)
        fit = [q for q in (_fit(label, name) for name in wanted if name) if q is not None]
        if fit:
            fits[key] = (min(fit), [x])
        else:
            misfits.add(key)
    ranked = sorted(fits.values(), key=lambda entry: entry[0])
    best, seen = [], set()
    for fit, row in ranked:
        if fit > ranked[0][0]:
            break  # a worse fit is another line item, not a second printing of this one
        values = tuple(x.value for x in row)
        if values in seen:
            continue
        seen.add(values)
        best.append(row)
        if len(best) == ROWS_PER_ITEM:
            break
    return best


def _fit(label: list[str], name: list[str]) -> int | None:
    """How well a row label fits a line item's name (lower is better; None: not at all): a label ending with the
    name fits best (words before it are headings above the row in a flattened table, and count only when many),
    then one holding the name's words together ("Inventories, net (Note 6)"); words of the name spread apart
    ("Net investment income" for net income, "Total current assets" for total assets) do not fit."""
    size = len(name)
    if not label or size > len(label):
        return None
    extra = len(label) - size
    if label[-size:] == name:
        return extra // 8
    if any(label[i : i + size] == name for i in range(extra + 1)):
        return 1 + extra
    return None


def _by_period(row: list[SourceNumber], latest: int) -> dict[int, SourceNumber]:
    """A row's cells by period: the column's year, else (no header of years) ``latest`` minus the column index."""
    cells: dict[int, SourceNumber] = {}
    for x in row:
        cells.setdefault(x.period if x.period is not None else latest - x.col, x)
    return cells
