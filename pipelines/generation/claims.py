"""Check an answer's figures against the sources its sentences cite: ``supported``, ``computed`` or ``unsupported``.

Pure functions (no Haystack, no network); :class:`pipelines.generation.claim_checker.ClaimChecker` runs them in the
query pipeline and ``docsight eval claims`` on FinanceBench.

- A figure is **supported** when a number of a cited source says the same within the figure's shown precision
  ("$1.8 bn" is 1,843 in a table "in millions"; "1,577" is "(1,577)" written as an outflow), in the same scale
  (a figure without a scale word may be a table's number as shown, or the full amount; the question's unit — "in
  USD millions" — counts as the figure's), and, when the sentence (or else the question) names years and the
  source's header gives the number's column a year, for one of those years. Figures written one after another
  that copy, in order, a run of consecutive numbers of one cited source (a row of counts quoted verbatim) are
  supported together, although each alone is too short to look up.
- It is **computed** when it equals, within its shown precision, a difference, sum, ratio, percentage change,
  share or percentage-point difference of two numbers of the cited sources that belong together: two cells of one
  row (two periods of a line item), two cells of one column under one header (two line items of a period), or two
  numbers whose labels both share a word with the sentence or question. Periods gate these too. The operands must
  be precise enough to say so: their own rounding (half a unit of each one's last shown digit) may move the
  combination by at most ``SPREAD`` (a tenth) of the figure, so one-digit cells do not make a percentage by chance.
  Two line items of opposite signs (an inflow and an outflow) net to their sum, not their difference (which adds
  their magnitudes); between two periods of one row a change across zero is a change. An amount of money is never
  made of numbers that count something else ("364 day", "1,253 shares").
- A figure given for a metric with a formula — the glossary's (``formulas:``) or one the question defines ("X is
  defined as A / B", :mod:`pipelines.generation.defined_formulas`) — whose line items the cited sources print, is
  **computed** only as that formula's value (:mod:`pipelines.generation.named_formulas`), not as any pair of numbers
  that happens to match. Its metric is the one its clause names when its sentence names one ("its ROA of 1.82%,
  and a fixed-asset share of 5.6%": only 1.82% is an ROA), else the one the question names or defines (a bare
  "0.83" to "what is the operating cash flow ratio?").
- Otherwise it is **unsupported**.

A number the question itself states ("more than 20% of revenue"), repeated in the answer, is not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import permutations

from pipelines.generation.citation_checker import parse_citations
from pipelines.generation.defined_formulas import question_formulas
from pipelines.generation.figures import (
    CITATION,
    Figure,
    SourceNumber,
    answer_figures,
    blank_citations,
    implied_scale,
    source_numbers,
    years,
)
from pipelines.generation.named_formulas import bound_formulas, formula_match
from retrievers.encoders.bm25 import terms
from retrievers.query_expansion.glossary import Glossary, NamedFormula, load_glossary

SUPPORTED, COMPUTED, UNSUPPORTED = "supported", "computed", "unsupported"
# Combinations are sought among the numbers of the best-matching row labels; how many depends on the figure's
# significant digits, because a coarse figure ("20%") matches some pair of a big table by chance.
SEARCH_ROWS = {1: 6, 2: 12, 3: 12}
MAX_SEARCH_ROWS = 12
COVERED_ROWS = 4  # labels every word of which the sentence or question names, searched besides those rows
# a figure with fewer significant digits than this is supported only by a number whose label shares a word with the
# sentence or the question ("24%" is somewhere on most pages of a filing)
DIRECT_ANY_LABEL_DIGITS = 3
# a combination matches only when its operands' own rounding moves it by at most this share of the figure: "20%" is
# not 1 / 5 of a table's one-digit cells (anything from 10% to 30%), nor "21%" the change from 6 to 7.6
SPREAD = 0.1
# figures written one after another ("0 0 9 48,010"), copied in order from consecutive numbers of one cited source,
# support each other when there are this many and they carry enough digits together (a run of counts quoted from a
# table row has no label to match, and each count alone is too short to be looked up anywhere)
QUOTED_RUN, QUOTED_RUN_DIGITS = 3, 6
_RUN_JOIN = re.compile(r"^[\s,;|/]*(?:and\s+)?$")
# words that say nothing about which line item a number is
_GENERIC = {"net", "total", "year", "fiscal", "fy", "chang", "amount", "valu", "usd", "million", "billion", "end"}
_GENERIC |= {"percent", "ratio", "compani", "report", "per", "share", "time", "increas", "decreas", "declin"}
_SYNONYMS = {
    "revenu": {"sale"},
    "sale": {"revenu"},
    "earn": {"incom", "profit"},
    "incom": {"earn", "profit"},
    "profit": {"incom", "earn", "margin"},
    "margin": {"profit", "revenu", "sale"},  # a margin is a profit over revenue
    "roa": {"incom", "earn", "asset"},  # return on assets: income over total assets
    "roe": {"incom", "earn", "equiti"},
    "capex": {"purchas", "properti", "equip", "capit", "expenditur"},
    "expenditur": {"purchas", "properti", "equip"},
    "spend": {"purchas", "expenditur", "paid"},
    "spent": {"purchas", "expenditur", "paid"},
    "ppne": {"properti", "plant", "equip"},
    "ppe": {"properti", "plant", "equip"},
    "cogs": {"cost", "sold"},
    "inventori": {"inventori", "merchandis"},
    "debt": {"borrow", "note"},
}
_SENTENCE_END = re.compile(r"(?<=[.!?])(?:\s*" + CITATION.pattern + r")*\s+(?=[A-Z\"'(\[]|$)|\n+", re.IGNORECASE)


@dataclass
class _Candidate:
    number: SourceNumber
    terms: set[str]
    score: float  # how many words its label shares with the sentence (twice) and the question
    covered: bool = False  # every word of its label is in the sentence or the question ("Total net revenue")


@dataclass
class _Named:
    formulas: list[NamedFormula]  # those of the metrics the sentence or question names, and the question defines
    numbers: list[SourceNumber]  # of the cited sources
    glossary: Glossary
    defined: list[NamedFormula]  # those the question defines ("X is defined as A / B")


@dataclass
class _Claim:
    figure: Figure
    years: set[int]  # the periods it is about: the year right after it, else the sentence's, else the question's
    polarity: int  # -1 a decline ("fell 5%"), +1 a rise, 0 neither or written with its sign


_DOWN = re.compile(r"\b(declin|decreas|fell|fall|drop|lower|loss|negative|down|reduc|shrank|contract)", re.I)
_UP = re.compile(r"\b(increas|grew|grow|rose|rise|up\b|improv|higher|gain|jump|expand)", re.I)


def _own_years(sentence: str, f: Figure) -> set[int]:
    """The year named right after a figure ("$3,017 million in FY2021"), before the next figure."""
    after = sentence[f.end : f.end + 40]
    after = re.split(r"\d[\d,.]*\s?(?:%|million|billion)|[;:]", after, maxsplit=1)[0]
    words = after.split()[:4]
    return years(" ".join(words))


def _polarity(sentence: str, f: Figure) -> int:
    if f.negative:
        return 0
    before = " ".join(sentence[: f.start].split()[-6:])
    return -1 if _DOWN.search(before) else 1 if _UP.search(before) else 0


def _candidates(numbers: list[SourceNumber], said: set[str], asked: set[str]) -> list[_Candidate]:
    """Score each number's label: the words it shares with the sentence (double) and the question, each weighted
    by how few of the sources' labels carry it (a word on every row says nothing about which row is meant)."""
    labels = {x.label: context_terms(x.label) for x in numbers}
    df: dict[str, int] = {}
    for words in labels.values():
        for word in words:
            df[word] = df.get(word, 0) + 1
    scored = []
    for x in numbers:
        words = labels[x.label]
        score = sum((2 if w in said else 1) / df[w] for w in words & (said | asked))
        own = set(terms(x.label)) - _GENERIC
        scored.append(_Candidate(x, words, score, bool(own) and own <= said | asked))
    return scored


def split_sentences(answer: str) -> list[tuple[int, int]]:
    """Sentence spans of ``answer``; citations right after a full stop stay with the sentence before."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(answer):
        end = match.end()
        if answer[start:end].strip():
            spans.append((start, end))
        start = end
    if answer[start:].strip():
        spans.append((start, len(answer)))
    return spans


def context_terms(*texts: str) -> set[str]:
    found = {t for text in texts for t in terms(text)} - _GENERIC
    return found | {s for t in found for s in _SYNONYMS.get(t, ())}


def check_claims(
    answer: str,
    sources: list[dict],
    *,
    question: str = "",
    uncited_sources: str = "paragraph",
    glossary: Glossary | None = None,
) -> dict:
    """Check every figure of ``answer``.

    :param sources: the numbered sources (``n``, ``text``, ``source``, ``page``) the answer could cite.
    :param question: the question, for its years and unit when a sentence names none.
    :param uncited_sources: what a sentence without a citation is checked against: ``paragraph`` (the citations of
        its paragraph, else none: its figures are unsupported), or ``all`` (every source: reference answers).
    :param glossary: whose named formulas a figure for a metric the sentence or question names is checked against
        (see :mod:`pipelines.generation.named_formulas`); default: the packaged glossary.
    :returns: ``sentences`` (``text``, ``citations``, ``figures`` with ``text``, ``status`` and, for supported,
        ``source``/``page``/``match``; for computed, ``operation``/``operands``/``result``; for unsupported,
        ``reason``), ``total``, ``found`` (supported + computed), ``unsupported`` and ``line``.
    """
    by_n = {int(s["n"]): s for s in sources}
    glossary = glossary if glossary is not None else load_glossary()
    numbers = {n: source_numbers(n, s.get("text") or "", **table_context(s)) for n, s in by_n.items()}
    question_years, question_scale = years(question), implied_scale(question)
    defined = question_formulas(question)
    asked_figures = {_key(f) for f in answer_figures(question)}
    # a bare answer ("7.1%") to a question about a decline is a decline
    question_polarity = -1 if _DOWN.search(question) and not _UP.search(question) else 0
    spans = split_sentences(answer)
    sentences = []
    for start, end in spans:
        text = answer[start:end]
        cited = [n for n in parse_citations(text) if n in by_n]
        via = "sentence"
        if not cited:
            cited, via = _fallback_citations(answer, start, by_n, uncited_sources)
        plain = CITATION.sub(" ", text)
        mentioned = years(plain) or question_years
        said, asked = context_terms(plain), context_terms(question)
        pool = _candidates([x for n in cited for x in numbers[n]], said, asked)
        cited_numbers = [x for n in cited for x in numbers[n]]
        named = _Named(glossary.formulas_named(plain, question) + defined, cited_numbers, glossary, defined)
        checked = []
        figures = answer_figures(text, later_line=start > 0 and answer[start - 1] == "\n")
        quoted = quoted_runs(text, figures, [numbers[n] for n in cited])
        blanked = blank_citations(text)
        for index, f in enumerate(figures):
            if _key(f) in asked_figures:
                continue  # the question's own number ("more than 20%"), repeated: not a claim about the sources
            claim = _Claim(f, _own_years(plain, f) or mentioned, _polarity(plain, f) or question_polarity)
            own = _own_metric(blanked, f, question, named)
            result = _check(claim, pool, question_scale, cited, by_n, quoted.get(index), named, own)
            checked.append(result | {"start": start + f.start})
        sentences.append({"text": text.strip(), "citations": cited, "cited_by": via, "figures": checked})
    total = sum(len(s["figures"]) for s in sentences)
    found = sum(f["status"] != UNSUPPORTED for s in sentences for f in s["figures"])
    return {
        "sentences": sentences,
        "total": total,
        "found": found,
        "unsupported": total - found,
        "line": summary_line(found, total),
    }


def _own_metric(text: str, f: Figure, question: str, named: _Named) -> list[NamedFormula]:
    """The formulas, bound to rows of the cited sources, of the metric ``f`` is given for: those its clause (between
    the commas, semicolons or dashes around it) names when its sentence names a metric; else those the question
    names or defines."""
    if not named.formulas:
        return []

    def naming(*texts: str) -> list[NamedFormula]:
        lowered = [t.lower() for t in texts]
        defined = [d for d in named.defined if any(d.pattern.search(t) for t in lowered)]
        return named.glossary.formulas_named(*texts) + defined

    if naming(text):
        before = re.split(r"[,;]\s|\s[-–—]\s", text[: f.start])[-1]
        after = re.split(r"[,;]\s|\s[-–—]\s", text[f.end :])[0]
        own = naming(f"{before} {after}")
    else:
        own = named.glossary.formulas_named(question) + named.defined
    return bound_formulas(named.numbers, own, named.glossary)


def _key(f: Figure) -> tuple:
    return (f.value, f.scale, f.percent)


def table_context(source: dict) -> dict:
    """The unit line and column headers a source carries for its table rows (chunk meta), for ``source_numbers``."""
    return {"unit": source.get("table_unit") or "", "columns": source.get("table_columns") or None}


def summary_line(found: int, total: int) -> str:
    return f"{found} of {total} figures found in the cited sources"


def _fallback_citations(answer: str, start: int, by_n: dict, mode: str) -> tuple[list[int], str]:
    if mode == "all":
        return sorted(by_n), "all sources"
    paragraph_start = answer.rfind("\n\n", 0, start) + 1
    paragraph_end = answer.find("\n\n", start)
    paragraph = answer[paragraph_start : paragraph_end if paragraph_end >= 0 else len(answer)]
    cited = [n for n in parse_citations(paragraph) if n in by_n]
    return cited, "paragraph" if cited else "none"


def _same_frame(f: Figure, question_scale: float | None) -> list[tuple[float, float, str]]:
    """(value, tolerance, frame) pairs to compare ``f`` with: ``raw`` (a number as shown) or ``scaled``."""
    magnitude, tolerance = abs(f.value), f.tolerance
    if f.percent:
        return [(magnitude, tolerance, "raw")]
    if f.scale:
        return [(magnitude * f.scale, tolerance * f.scale, "scaled")]
    frames = [(magnitude, tolerance, "raw"), (magnitude, tolerance, "scaled")]
    if question_scale:
        frames.append((magnitude * question_scale, tolerance * question_scale, "scaled"))
    return frames


def _value(x: SourceNumber, frame: str) -> float:
    return abs(x.value) if frame == "raw" else abs(x.scaled)


def _comparable(f: Figure, x: SourceNumber, frame: str) -> bool:
    if f.currency and x.counts:
        return False  # "$364" is not a number of days
    if f.percent:
        return x.percent or (not x.currency and not x.declared_scale)
    if x.percent:
        return False
    # the full-amount reading of a figure without a scale word needs a source that states its scale
    return not (frame == "scaled" and not f.scale and not x.declared_scale)


def quoted_runs(text: str, figures: list[Figure], cited: list[list[SourceNumber]]) -> dict[int, list[SourceNumber]]:
    """Figures of a sentence that belong to a run copied from a cited source: ``{figure index: the source's run}``.

    A run is figures joined only by spaces, commas, bars or "and"; it is copied when at least ``QUOTED_RUN`` of them in
    a row equal, in the same order, consecutive numbers of one source (as written: same value within the figure's
    shown precision, a percentage for a percentage, no minus sign the source lacks) and carry ``QUOTED_RUN_DIGITS``
    significant digits together."""
    found: dict[int, list[SourceNumber]] = {}
    runs, run = [], [0] if figures else []
    for i in range(1, len(figures)):
        if _RUN_JOIN.match(text[figures[i - 1].end : figures[i].start]):
            run.append(i)
        else:
            runs.append(run)
            run = [i]
    runs.append(run)
    for run in (r for r in runs if len(r) >= QUOTED_RUN):
        for numbers in cited:
            # longest common stretches: along[j] is how many figures up to this one match the numbers up to j
            along = [0] * (len(numbers) + 1)
            for position, i in enumerate(run):
                f, previous = figures[i], along
                along = [0] * (len(numbers) + 1)
                for j, x in enumerate(numbers, start=1):
                    if _copied(f, x):
                        along[j] = previous[j - 1] + 1
                for j, length in enumerate(along):
                    ends_here = position == len(run) - 1 or not _copied(figures[run[position + 1]], numbers, j)
                    if length >= QUOTED_RUN and ends_here:
                        stretch = run[position - length + 1 : position + 1]
                        if sum(significant_digits(figures[k]) for k in stretch) >= QUOTED_RUN_DIGITS:
                            for k in stretch:
                                found.setdefault(k, numbers[j - length : j])
    return found


def _copied(f: Figure, x, j: int | None = None) -> bool:
    """``f`` is the number ``x`` as written; with ``j``, ``x`` is a list and the number at ``j`` (0-based) is meant."""
    if j is not None:
        if j >= len(x):
            return False
        x = x[j]
    if f.percent != x.percent or (f.negative and x.value >= 0):
        return False
    return abs(abs(x.value) - abs(f.value)) <= f.tolerance + 1e-9 * abs(f.value)


def _check(
    claim: _Claim,
    pool: list[_Candidate],
    question_scale,
    cited,
    by_n,
    quoted: list[SourceNumber] | None = None,
    named: _Named | None = None,
    own: list[NamedFormula] | None = None,
) -> dict:
    f, mentioned = claim.figure, claim.years
    result = {"text": f.text, "value": f.value, "percent": f.percent}
    if not cited:
        return result | {"status": UNSUPPORTED, "reason": "the sentence cites no source"}
    frames = _same_frame(f, question_scale)
    period_miss = None
    digits = significant_digits(f)
    for value, tolerance, frame in frames:
        for c in sorted(pool, key=lambda c: -c.score):
            x = c.number
            if not _comparable(f, x, frame) or (f.negative and x.value >= 0):
                continue
            if c.score <= 0 and digits < DIRECT_ANY_LABEL_DIGITS:
                continue
            if abs(_value(x, frame) - value) <= tolerance + 1e-9 * value:
                if mentioned and x.period is not None and x.period not in mentioned:
                    period_miss = period_miss or x
                    continue
                source = by_n[x.source]
                return result | {
                    "status": SUPPORTED,
                    "source": x.source,
                    "document": source.get("source", ""),
                    "page": source.get("page"),
                    "match": x.snippet(),
                }
    if quoted:
        source = by_n[quoted[0].source]
        run = " ".join(x.text for x in quoted)
        return result | {
            "status": SUPPORTED,
            "source": quoted[0].source,
            "document": source.get("source", ""),
            "page": source.get("page"),
            "match": run if len(run) <= 120 else f"{run[:117]}...",
        }
    # a figure given for a metric with a formula is that formula's value, not any pair that happens to match
    computed = None if own else _computed(claim, pool, frames)
    if computed is None and named is not None and named.formulas:
        computed = formula_match(f, mentioned, claim.polarity, frames, named.numbers, named.formulas, named.glossary)
    if computed:
        return result | {"status": COMPUTED, **computed}
    reason = f"not in the cited sources {', '.join(f'[{n}]' for n in cited)}"
    if period_miss is not None:
        reason += (
            f" for {', '.join(map(str, sorted(mentioned)))} ([{period_miss.source}] has it for {period_miss.period})"
        )
    return result | {"status": UNSUPPORTED, "reason": reason}


def significant_digits(f: Figure) -> int:
    """Digits that carry information: "0.66" 2, "20%" 2, "65.4%" 3, "$1577.00" 4."""
    shown = f"{abs(f.value):.{f.decimals}f}".replace(".", "").lstrip("0")
    return max(1, len(shown))


def _pairs(pool: list[_Candidate], mentioned: set[int], rows: int):
    """Ordered pairs of numbers that belong together: both in the rows whose labels match the sentence and
    question best (see the module docstring); two periods of one row are ordered later first."""
    labels = sorted({(c.score, c.number.label) for c in pool if c.score > 0}, reverse=True)
    # a short label wholly named by the sentence or question is searched even when longer labels outscore it
    named = [label for score, label in labels if any(c.covered for c in pool if c.number.label == label)]
    wanted = {label for _, label in labels[:rows]} | set(named[:COVERED_ROWS])
    candidates = [c.number for c in pool if c.score > 0 and c.number.label in wanted]
    for a, b in permutations(candidates, 2):
        same_row = a.source == b.source and a.row == b.row
        if same_row and a.period is not None and b.period is not None and a.period != b.period:
            # (two columns of one year, "July 29, 2023" and "January 28, 2023", are not ordered)
            if a.period < b.period:
                continue
            if len(mentioned) >= 2 and not {a.period, b.period} <= mentioned:
                continue
            if len(mentioned) == 1 and a.period not in mentioned:
                continue
            yield a, b, True
        elif a.period is not None and b.period is not None and a.period != b.period:
            continue  # two line items are combined within one period
        elif mentioned and any(p is not None and p not in mentioned for p in (a.period, b.period)):
            continue
        else:
            yield a, b, False


def _computed(claim: _Claim, pool, frames) -> dict | None:
    rows = SEARCH_ROWS.get(significant_digits(claim.figure), MAX_SEARCH_ROWS)
    for a, b, ordered in _pairs(pool, claim.years, rows):
        for operation, result in _combinations(claim, a, b, frames, ordered):
            if result is not None:
                return {
                    "operation": operation,
                    "operands": [
                        {"source": x.source, "text": x.text, "value": x.value, "match": x.snippet()} for x in (a, b)
                    ],
                    "result": result,
                }
    return None


def _combinations(claim: _Claim, a: SourceNumber, b: SourceNumber, frames, ordered: bool):
    """(operation, result) for every simple combination of ``a`` and ``b`` that matches the claim.

    A change between two periods of a row (``ordered``: ``a`` is the later) must have the claim's sign: a decline
    when written negative or said to be one (by the words before it, or by a question that asks only about a
    decline), else a rise; for other pairs signs are not compared (which of two line items comes first is
    unknown). Ratios and shares keep their sign. A figure written negative is not the difference or change
    of an unordered pair.
    """
    f = claim.figure
    if f.currency and (a.counts or b.counts):
        return  # an amount of money is not made of days or shares
    change_sign = -1 if f.negative or claim.polarity < 0 else 1  # what a change between periods must be
    signed = ordered
    own_sign = -1 if f.negative else 1
    direction = change_sign if signed else None

    def match(result: float, value: float, tolerance: float, sign: int | None, spread: float = 0.0) -> float | None:
        """``result`` matches ``value`` within ``tolerance``; with its sign when ``sign`` is given; and the operands'
        own rounding (``spread``) moves it by no more than ``SPREAD`` of the figure."""
        got, target = (result, sign * value) if sign is not None else (abs(result), value)
        if spread > SPREAD * max(value, tolerance):
            return None
        return round(result, 6) if abs(got - target) <= tolerance + 1e-9 * max(value, 1.0) else None

    ta, tb = _rounding(a), _rounding(b)
    quotient = (ta / abs(b.value) + abs(a.value) * tb / b.value**2) if b.value else 0.0  # spread of a / b
    change = ((ta + tb) / abs(b.value) + abs(a.value - b.value) * tb / b.value**2) if b.value else 0.0

    if f.negative and not ordered:
        # a figure written negative is a signed claim: a change needs a known order of periods, a share or sum the sign
        # of its operands; which of two line items comes first is unknown, so their difference has no sign
        if f.percent and not (a.percent or b.percent) and b.value and a.scale == b.scale:
            yield "share", match(100 * a.value / b.value, abs(f.value), f.tolerance, own_sign, 100 * quotient)
        elif not f.percent and not (a.percent or b.percent):
            for value, tolerance, frame in frames:
                if (frame == "raw" and a.scale == b.scale) or (
                    frame == "scaled" and a.declared_scale and b.declared_scale
                ):
                    x, y = (a.value, b.value) if frame == "raw" else (a.scaled, b.scaled)
                    yield "sum", match(x + y, value, tolerance, own_sign, _spread(a, b, frame))
        return
    if f.percent:
        value, tolerance = abs(f.value), f.tolerance
        if a.percent and b.percent:
            yield "percentage points", match(a.value - b.value, value, tolerance, direction, ta + tb)
            return
        if a.percent or b.percent or not b.value or a.scale != b.scale:
            return
        yield "share", match(100 * a.value / b.value, value, tolerance, own_sign, 100 * quotient)
        if not ordered and (a.period != b.period or a.row != b.row or a.source != b.source):
            return  # a change is between two periods of one line item (two columns of one year: order unknown)
        yield (
            "percentage change",
            match(100 * (a.value - b.value) / abs(b.value), value, tolerance, direction, 100 * change),
        )
        return
    if a.percent or b.percent:
        return
    for value, tolerance, frame in frames:
        if frame == "raw" and a.scale != b.scale:
            continue
        if frame == "scaled" and not (a.declared_scale and b.declared_scale):
            continue
        x, y = (a.value, b.value) if frame == "raw" else (a.scaled, b.scaled)
        if ordered or x * y >= 0:
            # two line items of opposite signs (an inflow and an outflow) net to their sum; their difference adds
            # the two magnitudes, which no one writes (between two periods of one row it is a change, and counts)
            yield "difference", match(x - y, value, tolerance, direction, _spread(a, b, frame))
        yield "sum", match(x + y, value, tolerance, own_sign, _spread(a, b, frame))
    if not f.scale and not f.currency and b.value and a.scale == b.scale:
        yield "ratio", match(a.value / b.value, abs(f.value), f.tolerance, own_sign, quotient)


def _rounding(x: SourceNumber) -> float:
    """Half a unit of the last digit a source number shows, in its unit as shown."""
    return 0.5 * 10.0 ** (-x.decimals)


def _spread(a: SourceNumber, b: SourceNumber, frame: str) -> float:
    """How far the operands' rounding can move their sum or difference, in the frame compared."""
    return _rounding(a) * (1 if frame == "raw" else a.scale) + _rounding(b) * (1 if frame == "raw" else b.scale)
