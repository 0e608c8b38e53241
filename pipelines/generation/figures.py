"""Figures in text, normalised: what a number says (value, sign, scale, shown precision, percent) and, in a source,
where it sits (its row, column, period and the statement's unit).

Pure functions, no Haystack. ``answer_figures`` finds the figures an answer claims: amounts, percentages, counts and
per-share values, but not years used as dates, days of a month, citation markers ``[n]``, enumerations ``(1)`` or
numbers that are part of a name (``3M``, ``10-K``, ``COVID-19``, ``777X``, ``Q2``, ``FY2022``) or of a period's
name (``the 12 months ended``). ``source_numbers`` reads a source chunk: every number with the scale the text
declares for it (``(in millions, except per share amounts)``, ``$ in thousands``, ``(Millions)`` apply to the numbers
after them; ``$1.2 billion`` carries its own), parentheses as negatives, the noun a bare number counts ("364 day",
"315 shares"), and its place in a table — a *row* is a run of numbers after a label (a table row in a text window or
a Markdown row), a row's cells take their periods from the nearest header of years above them
(``2018 2017 2016``), which the chunker puts at the start of every chunk holding table rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mm": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}
SCALES |= {"b": 1e9, "trillion": 1e12, "tn": 1e12}
SCALE_NAMES = {1e3: "thousand", 1e6: "million", 1e9: "billion", 1e12: "trillion"}

_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
_BEFORE = re.compile(r"(?P<sign>(?<!\w)[-−–])?\s?(?P<open>\()?\s?(?P<cur>US\$|\$|€|£|USD |EUR )?\s?(?P<open2>\()?\s?$")
_AFTER = re.compile(
    r"^(?P<cur>\$)?\s?(?P<close>\))?\s?(?P<unit>%|percent\b|per\s?cent\b|percentage\s+points?\b|pp\b"
    r"|(?:thousand|million|billion|trillion)s?\b|(?:mn|mm|bn|tn)\b|[mbk]\b)?",
    re.IGNORECASE,
)
_MONTH = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s$",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"\b(?:note|notes|page|pages|item|part|section|rule|form|schedule|exhibit|chapter|level|tier|phase|article)\s$",
    re.IGNORECASE,
)
_NOTE_LIST = re.compile(r"\(\s*(?:see\s+)?notes?\s+[\d\s,;&]*(?:and\s+)?$", re.IGNORECASE)
_DURATION = re.compile(r"\s+(?:months?|weeks?)\s+(?:ended|ending)\b", re.IGNORECASE)
CITATION = re.compile(r"[\[【]\s*(?:sources?\s*)?\d+(?:\s*(?:[,;–-]|and)\s*\d+)*\s*[\]】]", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\w.,$])(?:FY\s?|fiscal\s+(?:year\s+)?)?((?:19|20)\d{2})(?![\d%]|[,.]\d|\s?(?:%|percent))")
_SHORT_FY = re.compile(r"\bFY\s?'?(\d{2})\b", re.IGNORECASE)
_SCALE_LINE = re.compile(
    r"\(\s*(?:(?:u\.?s\.?\s*)?(?:\$|dollars?|amounts?|usd|eur|€)\s*)?(?:in\s+)?(?P<a>thousands|millions|billions)\b"
    r"|(?:\$|dollars?|amounts?|usd|figures)\s+(?:and\s+shares\s+)?(?:are\s+)?in\s+(?P<b>thousands|millions|billions)\b"
    r"|\bin\s+(?P<c>thousands|millions|billions)(?:\s+of\s+(?:u\.?s\.?\s+)?dollars)?\s*,\s*except\b",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"(?:^|(?<=[\s|]))[—–-](?=[\s|]|$)")
_RUN_GAP = re.compile(r"^[\s|$€£%—–-]*$")
_WORD = re.compile(r"[A-Za-z][A-Za-z&'-]*")
_COUNT_NOUN = re.compile(
    r"^\s?[-‐‑–]?\s?(days?|weeks?|months?|years?|hours?|employees|people|persons|stores|shares|locations|countries"
    r"|customers|members|times)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    """A number as written in an answer."""

    text: str  # as written, e.g. "$1.2 billion", "(1,577)", "65.4%"
    start: int
    end: int
    value: float  # signed, in the unit written (1.2 for "$1.2 billion")
    scale: float | None  # the scale word's multiplier (1e9), None when there is none
    decimals: int  # digits shown after the point, trailing zeros not counted ("8.70" -> 1)
    percent: bool = False
    negative: bool = False  # written with a minus sign or in parentheses
    currency: bool = False

    @property
    def tolerance(self) -> float:
        """Half a unit of the last shown digit, in the figure's unit: what rounding can explain."""
        return 0.5 * 10.0 ** (-self.decimals)


@dataclass
class SourceNumber:
    """A number in a source chunk, with where it sits."""

    source: int  # the source's [n]
    text: str  # as written
    start: int
    end: int
    value: float  # signed
    scale: float  # inline scale word, else the declared table scale, else 1
    declared_scale: bool  # the scale comes from a scale word or declaration (not the default 1)
    percent: bool
    currency: bool
    decimals: int
    row: int  # index of its run of numbers (a table row, or a lone number in prose)
    col: int  # position in that run
    block: int | None = None  # the header of years it sits under (a table), None in prose
    period: int | None = None  # the year of its column, when the header says so
    label: str = ""  # the words before the run (a row's label) or around a lone number
    counts: str = ""  # the noun right after it when it counts something that is not money ("364 day", "315 shares")

    @property
    def scaled(self) -> float:
        return self.value * self.scale

    def snippet(self) -> str:
        words = self.label.split()
        label = " ".join(words[-10:])
        return f"{label} {self.text}".strip()


@dataclass
class _Token:
    start: int
    end: int
    text: str
    value: float
    decimals: int
    scale: float | None
    percent: bool
    negative: bool
    currency: bool
    year: bool = False


def _tokens(text: str, later_line: bool = False) -> list[_Token]:
    """Every number in ``text`` with its sign, currency, unit and scale; names, days, references skipped."""
    tokens = []
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        before, after = text[max(0, start - 16) : start], text[end : end + 24]
        if re.match(r"\.\d", after) or re.search(r"[A-Za-z0-9]-$", before) or re.match(r"-[A-Za-z0-9]", after):
            continue  # 1.2.3, COVID-19, 10-K, 5-year
        if _MONTH.search(before) or _REFERENCE.search(before) or _NOTE_LIST.search(text[max(0, start - 40) : start]):
            continue  # "December 31", "Note 7", "(Notes 1 and 3)"
        if _DURATION.match(after):
            continue  # "the 12 months ended January 28": a period's name
        b, a = _BEFORE.search(before), _AFTER.match(after)
        currency = bool(b.group("cur") or a.group("cur"))
        unit = (a.group("unit") or "").lower()
        if unit in ("m", "b", "k") and not currency:
            unit = ""
        glued_at = len(a.group(0)) if unit else 0
        if not unit and after[:1].isalpha():
            continue  # 3M, 777X, 1st
        if unit and after[glued_at : glued_at + 1].isalpha():
            continue
        number = match.group(1)
        frac = number.partition(".")[2]
        value = float(number.replace(",", ""))
        opened = bool(b.group("open") or b.group("open2"))
        closed = bool(a.group("close"))
        if opened and closed and not currency and not frac and value < 100 and re.match(r"\)\s*[A-Za-z]", after):
            continue  # (1) an enumeration
        line = text[: start - len(b.group(0).lstrip())].rsplit("\n", 1)[-1]
        # "- 100% of ..." (or "-100%" on a later line) starting a line is a list item, not a negative
        dash_at = start - len(b.group(0).lstrip())
        spaced = text[dash_at + 1 : dash_at + 2] == " "
        bullet = bool(b.group("sign")) and not line.strip() and (spaced or later_line or "\n" in text[:dash_at])
        negative = (bool(b.group("sign")) and not bullet) or (opened and closed)
        percent = unit.startswith(("%", "percent", "per", "pp"))
        scale = None if percent or not unit else SCALES[unit.rstrip("s")]
        prefix = b.group(0).lstrip() if opened and closed else b.group(0).rsplit("(", 1)[-1].lstrip()
        if bullet:
            prefix = prefix.lstrip("-−– ")
        suffix = a.group(0).rstrip() if opened or not closed else (a.group("cur") or "")
        span_start, span_end = start - len(prefix), end + len(suffix)
        is_year = (
            not frac
            and "," not in number
            and 1900 <= value <= 2100
            and not currency
            and not unit
            and not (opened and closed)
        )
        tokens.append(
            _Token(
                start=span_start,
                end=span_end,
                text=text[span_start:span_end].strip(),
                value=-value if negative else value,
                decimals=len(frac.rstrip("0")),
                scale=scale,
                percent=percent,
                negative=negative,
                currency=currency,
                year=is_year,
            )
        )
    return tokens


def blank_citations(text: str) -> str:
    """``text`` with its [n] markers replaced by spaces (offsets unchanged)."""
    return CITATION.sub(lambda m: " " * len(m.group(0)), text)


def implied_scale(question: str) -> float | None:
    """The unit a question asks for: "(in USD millions)", "Answer in USD billions" -> 1e6, 1e9."""
    match = re.search(
        r"\bin\s+(?:(?:usd|us\$|\$|dollars|u\.s\.\s+dollars)\s+)?(thousands?|millions?|billions?)\b",
        question,
        re.IGNORECASE,
    )
    return SCALES[match.group(1).lower().rstrip("s")] if match else None


def answer_figures(text: str, *, later_line: bool = False) -> list[Figure]:
    """The figures ``text`` claims (see the module docstring for what is not a figure); ``later_line``: the text
    starts a line that is not the answer's first (a leading dash is then a list bullet)."""
    figures = []
    for t in _tokens(blank_citations(text), later_line):
        if t.year:
            continue
        figures.append(
            Figure(
                text=text[t.start : t.end].strip(),
                start=t.start,
                end=t.end,
                value=t.value,
                scale=t.scale,
                decimals=t.decimals,
                percent=t.percent,
                negative=t.negative,
                currency=t.currency,
            )
        )
    return figures


def years(text: str) -> set[int]:
    """Years a sentence or question names: 2022, FY2022, FY 2022, fiscal 2022, FY22."""
    found = {int(y) for y in _YEAR.findall(text)}
    found |= {2000 + int(y) for y in _SHORT_FY.findall(text)}
    return found


def _scale_declarations(text: str) -> list[tuple[int, float]]:
    found = []
    for match in _SCALE_LINE.finditer(text):
        word = (match.group("a") or match.group("b") or match.group("c")).lower()
        found.append((match.start(), SCALES[word.rstrip("s")]))
    return found


def source_numbers(n: int, text: str, *, unit: str = "", columns: list[str] | None = None) -> list[SourceNumber]:
    """Every number of source ``[n]`` with its scale, row, column, block and period (years are headers, not
    numbers, and are not returned).

    :param unit: the unit line of the table the chunk holds rows of (chunk meta ``table_unit``): it declares the
        scale of every number before the text's own declarations.
    :param columns: that table's column headers (chunk meta ``table_columns``): the header of rows that have no
        header of years above them in the text (a window that starts inside a table), see ``_assign_periods``.
    """
    declarations = _scale_declarations(text)
    if unit:
        declarations = [(-1, scale) for _, scale in _scale_declarations(unit)[:1]] + declarations
    tokens = _tokens(text)
    numbers: list[SourceNumber] = []
    rows: dict[int, list[SourceNumber]] = {}
    row, col, last_end, row_start = -1, 0, 0, 0
    for token in tokens:
        if token.year:
            continue
        gap = text[last_end : token.start]
        same_run = bool(numbers) and numbers[-1].end == last_end and bool(_RUN_GAP.match(gap)) and "\n" not in gap
        if same_run:
            col += 1 + len(_PLACEHOLDER.findall(gap))
        else:
            row, col, row_start = row + 1, 0, last_end
        declared = [s for pos, s in declarations if pos < token.start]
        scale = token.scale or (declared[-1] if declared and not token.percent else None)
        number = SourceNumber(
            source=n,
            text=token.text,
            start=token.start,
            end=token.end,
            value=token.value,
            scale=scale or 1.0,
            declared_scale=scale is not None,
            percent=token.percent,
            currency=token.currency,
            decimals=token.decimals,
            row=row,
            col=col,
            label=" ".join(_WORD.findall(text[row_start : token.start])[-20:]) if not same_run else "",
            counts=_counted(text, token),
        )
        numbers.append(number)
        rows.setdefault(row, []).append(number)
        last_end = token.end
    _label_rows(rows, text)
    _assign_periods(rows, text, tokens, _column_periods(columns or []))
    return numbers


def _counted(text: str, token: _Token) -> str:
    """The noun a bare number counts ("364 day", "1,253 shares"), "" for an amount, a percentage or a scaled one."""
    if token.currency or token.percent or token.scale:
        return ""
    match = _COUNT_NOUN.match(text[token.end : token.end + 16])
    return match.group(1).lower() if match else ""


def _label_rows(rows: dict[int, list[SourceNumber]], text: str) -> None:
    """Every cell of a row shares the row's label; a lone number in prose also gets the words after it."""
    for cells in rows.values():
        label = cells[0].label
        if len(cells) == 1:
            tail = re.split(r"[.;\n]", text[cells[0].end : cells[0].end + 160], maxsplit=1)[0]
            label = f"{label} {' '.join(_WORD.findall(tail)[:12])}".strip()
        for cell in cells:
            cell.label = label


def _column_periods(columns: list[str]) -> list[int | None]:
    """The year of each column header ("2018", "Fiscal 2023", "December 31, 2022"), None for one that names none."""
    periods = []
    for column in columns:
        found = years(column)
        periods.append(next(iter(found)) if len(found) == 1 else None)
    return periods if any(p is not None for p in periods) else []


def _text_headers(text: str, tokens: list[_Token]) -> list[tuple[int, list[int]]]:
    """Runs of distinct years in ``text`` (a table's header): (position of the first year, the years)."""
    headers: list[tuple[int, list[int]]] = []
    run: list[_Token] = []
    last_end = 0
    for token in tokens:
        if not token.year:
            run, last_end = [], token.end
            continue
        gap = text[last_end : token.start]
        run = [*run, token] if run and len(_WORD.findall(gap)) <= 4 else [token]
        last_end = token.end
        if len(run) >= 2 and len({int(t.value) for t in run}) == len(run):
            if headers and headers[-1][0] == run[0].start:
                headers[-1] = (run[0].start, [int(t.value) for t in run])
            else:
                headers.append((run[0].start, [int(t.value) for t in run]))
    return headers


def _assign_periods(
    rows: dict[int, list[SourceNumber]], text: str, tokens: list[_Token], columns: list[int | None]
) -> None:
    """Give the cells of each row the period of their column, from the nearest header of years above the row in
    the text, else from the table's column headers (``columns``, block -1).

    A row fits a header with one cell per column ("—" placeholders count as cells; when the percentages of a row are
    extra columns, its amounts alone may fit). A text window flattens a table, so a run of cells may also be several
    unlabelled rows (a multiple of the header's width: split into rows), the tail of a row cut at the window's start
    (its cells are the last columns) or its head cut at the window's end (the first columns).
    """
    headers = _text_headers(text, tokens)
    next_row = max(rows, default=-1) + 1
    for row in list(rows):
        cells = rows[row]
        above = [h for h in headers if h[0] < cells[0].start]
        choices = ([above[-1]] if above else []) + ([(-1, columns)] if columns else [])
        for block, header in choices:
            fitted = _fit(cells, header, text)
            if fitted is None:
                continue
            for cell in cells:
                cell.block = block
            for cell, period, part in fitted:
                cell.period = header[period] if period is not None else None
                if part:
                    cell.row, cell.col = next_row + part - 1, period
            if any(part for _, _, part in fitted):
                next_row += max(part for _, _, part in fitted)
            break
        else:
            if above:
                for cell in cells:
                    cell.block = above[-1][0]


def _fit(cells: list[SourceNumber], header: list, text: str) -> list[tuple[SourceNumber, int | None, int]] | None:
    """(cell, column index, part) for a row that fits ``header`` (see ``_assign_periods``; ``part`` > 0 numbers
    the rows a run is split into), or None."""
    width = len(header)
    for group in (cells, [c for c in cells if not c.percent]):
        if not group:
            continue
        count = max(c.col for c in group) + 1
        if group is not cells and count == max(c.col for c in cells) + 1:
            continue  # no percentages to leave out
        if count == width:
            return [(c, c.col, 0) for c in group]
        if group is cells and count % width == 0 and count > width and len(cells) == count:
            return [(c, c.col % width, 1 + c.col // width) for c in cells]
    count = max(c.col for c in cells) + 1
    if count < width and len(cells) == count:
        if not _WORD.search(text[: cells[0].start]):
            return [(c, width - count + c.col, 0) for c in cells]  # the tail of a row cut at the window's start
        if not _WORD.search(text[cells[-1].end :]):
            return [(c, c.col, 0) for c in cells]  # the head of a row cut at the window's end
    return None
