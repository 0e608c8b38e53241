"""What a filing's cover page states: the registrant, its ticker symbols, the period and the kind of report.

Read from the text of the first pages (text layer or OCR), with the SEC cover's fixed phrases: "(Exact name of
registrant as specified in its charter)", "For the fiscal year ended December 31, 2018", "FORM 10-Q",
"Trading Symbol(s)". An earnings release names its company beside its listing ("PepsiCo, Inc. (NASDAQ: PEP)") and
its period in its headline ("Fourth Quarter and Full Year 2022"). Nothing here names a company: every rule reads a
phrase that any filing or release of its kind prints.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december")  # fmt: skip
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, start=1)}
_DATE = r"(" + "|".join(_MONTH_NAMES) + r")\s+(\d{1,2})\s*,?\s*((?:19|20)\d\d)"
_PERIOD_ENDED = re.compile(
    r"for\s+the\s+(fiscal\s+year|quarterly\s+period|year|transition\s+period)\s+ended\b[^\d]{0,40}?" + _DATE,
    re.IGNORECASE,
)
_EVENT_DATE = re.compile(r"date\s+of\s+report\s*\(date\s+of\s+earliest\s+event\s+reported\)\s*:?\s*" + _DATE, re.I)
_FORM = re.compile(r"\bform\s+(10-k|10-q|8-k|20-f|6-k|40-f|10-kt|10-qt)\b", re.IGNORECASE)
_EXACT_NAME = re.compile(r"\(\s*exact\s+name\s+of\s+(?:the\s+)?registrant", re.IGNORECASE)
_LISTING = re.compile(r"\(\s*(?:NYSE|NASDAQ|Nasdaq|NYSE\s+American|LSE|TSX)\s*:\s*([A-Z][A-Z.]{0,5})\s*\)")
_NAME_START = re.compile(r"\s[-–—]{1,2}\s|--|[–—:;“\"()\n]")
_ORDINAL_QUARTER = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_RELEASE_QUARTER = re.compile(
    r"\b(first|second|third|fourth)[\s-]+quarter\b(?:\s+(?:and\s+full[\s-]+year\s+)?(?:of\s+)?(?:fiscal\s+(?:year\s+)?)?"
    r"((?:19|20)\d\d))?|\b((?:19|20)\d\d)\s+(first|second|third|fourth)[\s-]+quarter\b"
    r"|\bQ([1-4])\s+(?:fiscal\s+)?((?:19|20)\d\d)\b|\b([1-4])Q\s*((?:19|20)\d\d|\d\d)\b",
    re.IGNORECASE,
)
_FISCAL_MENTION = re.compile(r"\bfiscal\s+(?:year\s+)?((?:19|20)\d\d)\b", re.IGNORECASE)
_RELEASE = re.compile(
    r"\b(reports?|announces?|reported)\b[^.]{0,80}?\b(results|earnings)\b|\bfor\s+immediate\s+release\b"
    r"|\bexhibit\s+99\.1\b|\bearnings\s+release\b",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"securities|commission|exchange act|washington|form\s+\d|annual report|quarterly report|transition|"
    r"pursuant|file\s+n(?:o|umber)|fiscal year|period ended|mark one|indicate by|^\W*$|^\(|incorporation",
    re.IGNORECASE,
)
_TICKER_HEADER = re.compile(r"trading\s+symbol", re.IGNORECASE)
_TICKER = re.compile(r"^[A-Z]{1,5}(?:\.[A-Z])?$")
_EXCHANGE = re.compile(r"stock\s+exchange|nasdaq|nyse|stock\s+market", re.IGNORECASE)


def form_type(text: str) -> str:
    """The SEC form named first on the cover ("10-K"), or ""."""
    match = _FORM.search(text[:2500])
    return match.group(1).upper() if match else ""


def registrant(text: str) -> str:
    """The registrant as the cover prints it: the line above "(Exact name of registrant ...)", else the first line
    after the commission file number that is not cover boilerplate; "" when the text has neither."""
    lines = [re.sub(r"_{2,}", " ", line).strip(" |\t") for line in text.splitlines()]
    for i, line in enumerate(lines):
        match = _EXACT_NAME.search(line)
        if not match:
            continue
        before = line[: match.start()].strip(" |")
        if _name_like(before):
            return before
        for previous in reversed(lines[max(0, i - 3) : i]):
            if _name_like(previous):
                return previous
    for i, line in enumerate(lines):
        if re.search(r"commission\s+file\s+n", line, re.IGNORECASE):
            for following in lines[i + 1 : i + 4]:
                if _name_like(following):
                    return following
    return ""


def _name_like(line: str) -> bool:
    letters = sum(ch.isalpha() for ch in line)
    return letters >= 2 and len(line) <= 80 and not _BOILERPLATE.search(line) and not re.search(r"\d{2}-\d{5,}", line)


def listing(text: str) -> tuple[str, list[str]]:
    """A release's company and tickers from "Company, Inc. (NYSE: TICK)"; ("", []) when it prints none."""
    names: Counter[str] = Counter()
    symbols: list[str] = []
    for match in _LISTING.finditer(text):
        before = _NAME_START.split(text[max(0, match.start() - 100) : match.start()])[-1]
        words = before.split()[-6:]
        if words and (words[0][0].isupper() or words[0][0].isdigit()):
            names[" ".join(words).strip(" ,")] += 1
            symbols.append(match.group(1))
    if not names:
        return "", []
    return names.most_common(1)[0][0], list(dict.fromkeys(symbols))


def tickers(text: str) -> list[str]:
    """Ticker symbols in the cover's "Trading Symbol(s)" table (cells of capitals beside an exchange's name)."""
    header = _TICKER_HEADER.search(text)
    if not header:
        return []
    region = text[header.end() : header.end() + 3000]
    region = region[: m.start()] if (m := re.search(r"indicate\s+by\s+check", region, re.IGNORECASE)) else region
    found: list[str] = []
    for line in region.splitlines():
        if not _EXCHANGE.search(line):
            continue
        cells = [c.strip() for c in line.split("|")] if "|" in line else []
        candidates = cells or re.findall(
            r"(?<![A-Z] )(?<![\w$.%])([A-Z]{1,5})(?=\s+(?:The\s+)?(?:New York|Nasdaq|NYSE))", line
        )
        found += [c for c in candidates if _TICKER.match(c) and c not in ("NYSE", "LLC", "INC")]
    return list(dict.fromkeys(found))[:3]


def period(text: str, kind: str) -> tuple[str, list[str]]:
    """The period the document covers and the years a question may use for it.

    "For the fiscal year ended December 31, 2018" -> ("FY2018", ["2018"]); a quarterly period ended June 30, 2023
    -> "FY2023 Q2" when its statements print which quarter of the fiscal year it is ("Six Months Ended"), else
    "2023 Q2" (the calendar quarter of its end); an 8-K's date of report (its first date) -> "2023-05-03"; a
    release's headline quarter -> "FY2022 Q4" (a release names its company's fiscal quarters, so its label reads
    like the 10-K's "FY2022"). ("", []) when none is stated.
    """
    release = _RELEASE_QUARTER.search(text) if kind == "earnings release" else None
    if release:
        quarter, year = _release_quarter(release)
        if quarter and year:
            # a release's headline counts the company's own fiscal quarters, as its annual report counts years
            return f"FY{year} Q{quarter}", sorted({year, *_end_years(text)})
    match = _PERIOD_ENDED.search(text)
    if match and "transition" not in match.group(1).lower():
        end = _date(match.group(2), match.group(3), match.group(4))
        if end is not None and "quarter" in match.group(1).lower():
            quarter = _quarter_of_fiscal_year(text)
            if not quarter:
                return f"{end.year} Q{(end.month - 1) // 3 + 1}", [str(end.year)]
            fiscal = _fiscal_year_of(end, 3 * (4 - quarter))
            return f"FY{fiscal} Q{quarter}", sorted({str(end.year), str(fiscal)})
        if end is not None:
            fiscal = _fiscal_year_of(end, 0)
            years = {str(fiscal), str(end.year)} if fiscal != end.year else {str(fiscal)}
            return f"FY{fiscal}", sorted(years | ({_fiscal_year(text)} & {str(end.year - 1)}))
    event = _EVENT_DATE.search(text)
    if event and (end := _date(event.group(1), event.group(2), event.group(3))) is not None:
        return end.isoformat(), [str(end.year)]
    return "", []


def _fiscal_year(text: str) -> str:
    counts = Counter(_FISCAL_MENTION.findall(text))
    return counts.most_common(1)[0][0] if counts else ""


def _quarter_of_fiscal_year(text: str) -> int:
    """Which quarter of its fiscal year a quarterly report covers, from the periods its statements print: "Nine
    Months Ended" -> 3, "Six Months Ended" -> 2, only "Three Months Ended" -> 1; 0 when they print none."""
    lowered = " ".join(text.lower().split())
    for months, quarter in (("nine", 3), ("six", 2), ("three", 1)):
        if re.search(rf"\b{months}\s+months\s+ended\b|\b{months}\s+months\b", lowered):
            return quarter
    return 0


def _fiscal_year_of(end: date, months_to_year_end: int) -> int:
    """The fiscal year a period ending on ``end`` belongs to, named by the calendar year its last day falls in; a
    52/53-week year that ends in the first days of January is named by the year before (it is that year's)."""
    month = end.month + months_to_year_end
    year, month = end.year + (month - 1) // 12, (month - 1) % 12 + 1
    return year - 1 if month == 1 and end.day <= 7 else year


def _release_quarter(match: re.Match) -> tuple[int, str]:
    g = match.groups()
    if g[0]:
        return _ORDINAL_QUARTER[g[0].lower()], g[1] or ""
    if g[2]:
        return _ORDINAL_QUARTER[g[3].lower()], g[2]
    if g[4]:
        return int(g[4]), g[5]
    year = g[7] if len(g[7]) == 4 else "20" + g[7]
    return int(g[6]), year


def _end_years(text: str) -> set[str]:
    """Years of a release's "period ended <date>" (a fiscal quarter may end in the next calendar year)."""
    found = re.search(r"\bended\s+" + _DATE, text, re.IGNORECASE)
    return {found.group(3)} if found else set()


def _date(month: str, day: str, year: str) -> date | None:
    try:
        return date(int(year), _MONTHS[month.lower()], int(day))
    except (KeyError, ValueError):
        return None


def is_release(text: str) -> bool:
    """Whether the first page reads like a press release of results."""
    return bool(_RELEASE.search(text[:3000]))
