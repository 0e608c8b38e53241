"""``docsight eval claims``: the claim checker measured on analyst answers and on planted errors.

For every FinanceBench-shaped question, the evidence pages are parsed the way ``docsight ingest`` stores them (the
pages are copied into a small PDF with pypdfium2, then run through ingest's ``PDFLayoutConverter`` and
``LayoutChunker``: the same text windows and Markdown tables, page numbers mapped back), and the checker runs on the
reference answer with every chunk of those pages as a cited source (reference answers carry no citations).

- **Recall**: the share of reference figures found as ``supported`` or ``computed``. Misses are given a cause:
  ``period`` (the number is there, for another year), ``scale`` (it is there at another power of 1000),
  ``arithmetic`` (the reference's own justification needs more than two numbers: averages, ratios of differences),
  ``page parsing`` (the number is in the dataset's own page text but not in docsight's chunks), ``other``.
- **Planted errors**: each found figure is changed once per kind — ``digit swap`` (the last two adjacent distinct
  digits), ``scale x1000``, ``sign``, ``neighbouring column`` (the number one column over in the matched row, or the
  same combination one column over) — and the share of changed figures flagged ``unsupported`` is reported per
  kind. Two sign flips are not errors and are counted apart: one that yields a number the sources state for the
  sentence's period (an outflow the table prints in parentheses), and one the sentence's words already sign — a
  figure given *by* or *of* a decline or a negative ("a decline in margins by 0.8%" and "by -0.8%", "negative
  working capital of -$1561M" and "of $1561M" say the same; "fell to 5" and "fell to -5" do not).
- **False alarms**: reference figures flagged ``unsupported`` (1 - recall) and answers with at least one.
- **Halves**: the same numbers for each cross-validation half (``eval/splits.py``), so that a rule tuned on one half
  can be read on the other.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
from itertools import pairwise
from pathlib import Path

import pypdfium2 as pdfium

from eval.datasets import Question
from eval.splits import HALVES, halves
from ingest.chunking.layout_chunker import LayoutChunker
from ingest.chunking.table_context import TABLE_COLUMNS_FIELD, TABLE_UNIT_FIELD
from ingest.converters.pdf_layout_converter import PDFLayoutConverter
from pipelines.generation.claims import COMPUTED, SUPPORTED, UNSUPPORTED, check_claims, table_context
from pipelines.generation.figures import answer_figures, source_numbers
from pipelines.generation.named_formulas import recompute

PLANTS = ("digit swap", "scale x1000", "sign", "neighbouring column")
TARGET_RECALL, TARGET_DETECTION = 0.85, 0.95


def evidence_sources(pdf: Path, pages: list[int]) -> list[dict]:
    """The chunks docsight makes of ``pages`` (1-based) of ``pdf``, numbered as sources [1]..[k]."""
    document = pdfium.PdfDocument(str(pdf))
    subset = pdfium.PdfDocument.new()
    try:
        subset.import_pages(document, [p - 1 for p in pages])
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / pdf.name
            subset.save(str(path))
            blocks = PDFLayoutConverter().run(sources=[path])["documents"]
    finally:
        subset.close()
        document.close()
    chunks = LayoutChunker().run(documents=blocks)["documents"]
    return [
        {
            "n": n,
            "text": chunk.content or "",
            "source": pdf.name,
            "page": pages[int(chunk.meta["page"]) - 1],
            "kind": chunk.meta.get("kind", "text"),
            TABLE_UNIT_FIELD: chunk.meta.get(TABLE_UNIT_FIELD, ""),
            TABLE_COLUMNS_FIELD: chunk.meta.get(TABLE_COLUMNS_FIELD),
        }
        for n, chunk in enumerate(chunks, start=1)
    ]


def _figures(claims: dict) -> list[dict]:
    return [f for s in claims["sentences"] for f in s["figures"]]


def _format_like(text: str, value: float) -> str:
    """``value`` written the way the number in ``text`` is written (decimals, thousands separators)."""
    number = re.search(r"\d[\d,]*(?:\.\d+)?", text).group(0)
    decimals = len(number.partition(".")[2])
    written = f"{abs(value):,.{decimals}f}" if "," in number or abs(value) >= 10000 else f"{abs(value):.{decimals}f}"
    return text.replace(number, written, 1)


def _digit_swap(text: str) -> str | None:
    number = re.search(r"\d[\d,]*(?:\.\d+)?", text).group(0)
    digits = [i for i, ch in enumerate(number) if ch.isdigit()]
    for left, right in reversed(list(pairwise(digits))):
        if number[left] != number[right]:
            chars = list(number)
            chars[left], chars[right] = chars[right], chars[left]
            if re.match(r"0\d", "".join(chars)):
                continue  # "02%" is not a figure anyone writes
            return text.replace(number, "".join(chars), 1)
    return None


def _scale_up(text: str, figure) -> str | None:
    if figure.percent:
        return None
    words = {"thousand": "million", "million": "billion", "billion": "trillion", "k": "M", "m": "B", "bn": "tn"}
    words |= {"mn": "bn", "b": "T"}
    if figure.scale:
        match = re.search(r"(thousand|million|billion|bn|mn|[kmb])(?=s?\b)", text, re.IGNORECASE)
        if match:
            word = match.group(1)
            new = words.get(word.lower(), "")
            new = new.upper() if word.isupper() and len(word) == 1 else new
            return text[: match.start()] + new + text[match.end() :] if new else None
    return _format_like(text, figure.value * 1000)


def _sign(text: str, figure) -> str:
    if figure.negative:
        return re.sub(r"^[-−–]\s?|[()]", "", text)
    return "-" + text


def _neighbour(checked: dict, sources: list[dict]) -> str | None:
    """The figure rewritten as the number one column over (or the same combination one column over)."""
    numbers = {s["n"]: source_numbers(s["n"], s["text"], **table_context(s)) for s in sources}

    def shifted(source: int, text: str, value: float, step: int):
        row = next((x for x in numbers[source] if x.text == text and x.value == value), None)
        if row is None:
            return None
        return next((x for x in numbers[source] if x.row == row.row and x.col == row.col + step), None)

    for step in (1, -1):
        if checked["status"] == SUPPORTED:
            match = re.search(r"\S+$", checked["match"]).group(0)
            original = next((x for x in numbers[checked["source"]] if x.text == match), None)
            if original is None or not original.value:
                return None
            other = shifted(checked["source"], original.text, original.value, step)
            if other is not None and other.value != original.value:
                return _format_like(checked["text"], _as_written(checked["value"], original.value, other.value))
        elif checked["status"] == COMPUTED and "formula" in checked:
            values = {}
            for x in checked["operands"]:
                moved = shifted(x["source"], x["text"], x["value"], step)
                if moved is None:
                    break
                values[(x["item"], x["offset"])] = moved.value
            else:
                new = recompute(checked, values, checked["percent"])
                if new is not None and checked["result"] and abs(new) != abs(checked["result"]):
                    return _format_like(checked["text"], _as_written(checked["value"], checked["result"], new))
        elif checked["status"] == COMPUTED:
            a, b = checked["operands"]
            a2 = shifted(a["source"], a["text"], a["value"], step)
            b2 = shifted(b["source"], b["text"], b["value"], step)
            if a2 is None or b2 is None or not checked["result"]:
                continue
            new = _recompute(checked["operation"], a2.value, b2.value)
            if new is not None and abs(new) != abs(checked["result"]):
                return _format_like(checked["text"], _as_written(checked["value"], checked["result"], new))
    return None


def _as_written(figure: float, found: float, other: float) -> float:
    """``other`` in the unit the figure writes ``found`` in ("$1.8 bn" for 1,824 in millions: 3,252 is 3.252): the
    neighbouring number itself, which the figure's shown precision then rounds (not the figure scaled by the
    ratio of the two numbers, which carries the figure's rounding into the planted value)."""
    return abs(other) * 10.0 ** round(math.log10(abs(figure / found)))


def _recompute(operation: str, a: float, b: float) -> float | None:
    if operation in ("difference", "percentage points"):
        return a - b
    if operation == "sum":
        return a + b
    if not b:
        return None
    if operation == "ratio":
        return a / b
    if operation == "share":
        return 100 * a / b
    return 100 * (a - b) / b  # percentage change


def plant(answer: str, checked: dict, figure, kind: str, sources: list[dict]) -> str | None:
    """``answer`` with one figure changed in the way ``kind`` names, or None when it does not apply."""
    text = checked["text"]
    new = {
        "digit swap": lambda: _digit_swap(text),
        "scale x1000": lambda: _scale_up(text, figure),
        "sign": lambda: _sign(text, figure),
        "neighbouring column": lambda: _neighbour(checked, sources),
    }[kind]()
    if not new or new == text:
        return None
    return answer[: checked["start"]] + new + answer[checked["start"] + len(text) :]


def _figure_at(claims: dict, start: int) -> dict | None:
    """The figure that starts where the changed one did (a sign added or removed moves it by a character)."""
    return next((f for f in _figures(claims) if abs(f["start"] - start) <= 2), None)


def _cause(checked: dict, question: Question, sources: list[dict], raw: dict) -> str:
    if "has it for" in checked.get("reason", ""):
        return "period"
    figure = next(f for f in answer_figures(checked["text"]))
    digits = re.sub(r"\D", "", f"{abs(figure.value):.{figure.decimals}f}").lstrip("0")
    for power in (1e-9, 1e-6, 1e-3, 1e3, 1e6, 1e9):
        scaled = f"{abs(figure.value) * power:.{max(figure.decimals, 2)}f}"
        if not float(scaled):
            continue
        trial = check_claims(
            checked["text"].replace(re.search(r"[\d,.]+\d", checked["text"]).group(0), scaled),
            sources,
            question=question.question,
            uncited_sources="all",
        )
        if trial["total"] and trial["found"] == trial["total"]:
            return "scale"
    justification = raw.get("justification") or ""
    if _beyond_two_operands(justification, question.question):
        return "arithmetic"
    page_text = " ".join(raw.get("evidence_texts") or [])
    chunk_text = re.sub(r"\D", "", " ".join(s["text"] for s in sources))
    if digits and digits in re.sub(r"\D", "", page_text) and digits not in chunk_text:
        return "page parsing"
    return "other"


def _beyond_two_operands(justification: str, question: str) -> bool:
    """The reference's own justification needs more than two numbers: every formula it writes has three or more
    operands (the constants 1 and 100 of a percentage aside), it lists more than two metrics, or takes an average."""
    if "average" in f"{justification} {question}".lower() or len(re.findall(r"\bMetric \d+:", justification)) > 2:
        return True
    formulas = re.findall(r"\(*\d[\d,.]*\)*(?:\s*[-+*/]\s*\(*\d[\d,.]*\)*)+", justification)
    operands = [[n for n in re.findall(r"\d[\d,.]*", f) if n not in ("1", "100")] for f in formulas]
    return bool(operands) and min(len(o) for o in operands) > 2


def evaluate_claims(questions: list[Question], raw_rows: dict[str, dict], console=None) -> dict:
    """Run the checker on every reference answer and on its planted errors; returns ``rows`` and ``summary``."""
    rows, planted_rows = [], []
    split = halves((q.id, q.kind) for q in questions)
    for index, q in enumerate(questions, start=1):
        sources = evidence_sources(q.doc_file, list(q.evidence_pages))
        claims = check_claims(q.answer, sources, question=q.question, uncited_sources="all")
        figures = _figures(claims)
        parsed = {f.start: f for f in answer_figures(q.answer)}
        misses = []
        for checked in figures:
            if checked["status"] == UNSUPPORTED:
                cause = _cause(checked, q, sources, raw_rows.get(q.id, {}))
                misses.append({"figure": checked["text"], "cause": cause, "reason": checked.get("reason", "")})
                continue
            for kind in PLANTS:
                changed = plant(q.answer, checked, parsed[checked["start"]], kind, sources)
                if changed is None:
                    continue
                again = check_claims(changed, sources, question=q.question, uncited_sources="all")
                after = _figure_at(again, checked["start"])
                if after is None:
                    continue  # the change made it something that is not a figure
                planted_rows.append(
                    {
                        "id": q.id,
                        "half": split[q.id],
                        "kind": kind,
                        "original": checked["text"],
                        "planted": after["text"],
                        "status": after["status"],
                        "not_an_error": kind == "sign" and (_states_it(after) or _signed_by_words(q.answer, checked)),
                    }
                )
        rows.append(
            {
                "id": q.id,
                "half": split[q.id],
                "document": q.source,
                "evidence_pages": list(q.evidence_pages),
                "answer": q.answer,
                "chunks": len(sources),
                "figures": len(figures),
                "found": claims["found"],
                "statuses": [f"{f['text']}: {f['status']}" for f in figures],
                "misses": misses,
            }
        )
        if console is not None:
            console.print(f"[{index}/{len(questions)}] {q.id}: {claims['line']}", highlight=False)
    summary = summarise(rows, planted_rows)
    summary["halves"] = {
        half: summarise([r for r in rows if r["half"] == half], [p for p in planted_rows if p["half"] == half])
        for half in HALVES
    }
    return {"rows": rows, "planted": planted_rows, "summary": summary, "questions": len(rows)}


def _states_it(after: dict) -> bool:
    """A sign flip that lands on the signed number the source prints (an outflow in parentheses)."""
    return after["status"] == SUPPORTED and after["value"] < 0


_SIGNED_BEFORE = re.compile(
    r"\b(?:declin|decreas|drop|fall|fell|loss|negative|reduc|shrank|contract)\w*\b(?:\W+\w+){0,4}\W+(?:by|of)\W*$",
    re.IGNORECASE,
)


def _signed_by_words(answer: str, checked: dict) -> bool:
    """The words before the figure give it as the amount *by* or *of* which something declined or is negative: a
    sign on the figure restates them (see the module docstring)."""
    before = answer[: checked["start"]]
    return bool(_SIGNED_BEFORE.search(re.split(r"[.;:!?]\s", before)[-1]))


def summarise(rows: list[dict], planted: list[dict]) -> dict:
    figures = sum(r["figures"] for r in rows)
    found = sum(r["found"] for r in rows)
    causes: dict[str, int] = {}
    for r in rows:
        for miss in r["misses"]:
            causes[miss["cause"]] = causes.get(miss["cause"], 0) + 1
    by_kind = {}
    for kind in PLANTS:
        counted = [p for p in planted if p["kind"] == kind and not p["not_an_error"]]
        flagged = sum(p["status"] == UNSUPPORTED for p in counted)
        by_kind[kind] = {
            "planted": len(counted),
            "flagged": flagged,
            "share": flagged / len(counted) if counted else None,
            "not_an_error": sum(p["kind"] == kind and p["not_an_error"] for p in planted),
        }
    counted = [p for p in planted if not p["not_an_error"]]
    with_figures = [r for r in rows if r["figures"]]
    return {
        "answers": len(rows),
        "answers_with_figures": len(with_figures),
        "figures": figures,
        "found": found,
        "recall": found / figures if figures else None,
        "misses_by_cause": causes,
        "planted": len(counted),
        "planted_flagged": sum(p["status"] == UNSUPPORTED for p in counted),
        "detection": sum(p["status"] == UNSUPPORTED for p in counted) / len(counted) if counted else None,
        "planted_by_kind": by_kind,
        "false_alarm_figures": (figures - found) / figures if figures else None,
        "false_alarm_answers": (
            sum(r["found"] < r["figures"] for r in with_figures) / len(with_figures) if with_figures else None
        ),
    }


def raw_rows(dataset: Path) -> dict[str, dict]:
    """The dataset's lines by id (for the justification and the dataset's own page text, used to explain misses)."""
    rows = {}
    for line in dataset.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rows[str(row.get("id", len(rows)))] = row
    return rows
