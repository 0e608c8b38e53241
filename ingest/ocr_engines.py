"""The two ways docsight runs tesseract on a page image, both returning text blocks and per-word confidences.

- :func:`read_with_unstructured`: unstructured's ``ocr_only`` strategy, for Latin-script languages (as docsight
  always did). Its OCR agent is subclassed to keep the word confidences that tesseract's hOCR carries and
  unstructured drops.
- :func:`read_with_tesseract`: tesseract's TSV output, one block per tesseract paragraph, for every other script.
  unstructured regroups tesseract's words by matching them against a second plain-text run, which loses CJK text
  (the Chinese sample kept 3 of its ~130 characters); tesseract's own paragraphs keep it all, right-to-left lines in
  logical order (tesseract numbers RTL words in reading order), and CJK characters lose the spaces tesseract puts
  between them.

unstructured phones home, prints a notice and downloads the spaCy model ``en_core_web_sm`` at run time; offline the
download fails and partitioning then returns nothing or raises. :func:`harden_unstructured` closes all three doors
before unstructured is imported: telemetry and the notice are switched off by their environment variables, and its
NLP helpers get a blank spaCy English pipeline with a rule-based sentencizer (shipped inside ``spacy``) instead of the
downloaded model. That model only feeds unstructured's element-type heuristics (title vs. narrative); the text and
boxes come from tesseract, and docsight infers headings itself.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image

from ingest.errors import OCRUnavailableError
from ingest.ocr_quality import OcrWord

_OFFLINE_ENV = {
    "DO_NOT_TRACK": "1",
    "SCARF_NO_ANALYTICS": "true",
    "UNSTRUCTURED_DISABLE_NOTICE": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "OMP_THREAD_LIMIT": "1",  # tesseract: one thread per worker process; parallelism comes from the workers
}
_AGENT = "ingest.ocr_engines.ConfidenceTesseractAgent"
_TESSERACT_TIMEOUT_S = 600
_BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WCONF = re.compile(r"x_wconf (\d+)")
_BBOX = re.compile(r"bbox (\d+) (\d+) (\d+) (\d+)")


@dataclass(frozen=True)
class OcrBlock:
    """A text element found by OCR; ``bbox`` is (x0, top, x1, bottom) in the input image's pixels."""

    text: str
    bbox: tuple[float, float, float, float]
    category: str


@cache
def harden_unstructured() -> None:
    """Make unstructured safe to use offline. Idempotent; call before importing ``unstructured``."""
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    import spacy
    import unstructured.nlp.tokenize as tokenize
    from unstructured.partition.utils import constants

    def blank_english() -> spacy.language.Language:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return nlp

    def refuse_download() -> None:
        raise RuntimeError("docsight does not download spaCy models at run time")

    tokenize._get_nlp = cache(blank_english)
    tokenize._install_spacy_model = refuse_download
    module = _AGENT.rsplit(".", 1)[0]
    if module not in constants.OCR_AGENT_MODULES_WHITELIST:  # the list unstructured checks agents against
        constants.OCR_AGENT_MODULES_WHITELIST.append(module)


def _agent_class():
    from unstructured.partition.utils.ocr_models.tesseract_ocr import OCRAgentTesseract

    return OCRAgentTesseract


@cache
def _confidence_agent():
    harden_unstructured()

    class Agent(_agent_class()):
        """unstructured's tesseract agent, remembering each word's confidence from the hOCR it parses."""

        def __init__(self, language: str = "eng") -> None:
            super().__init__(language)
            self.local = threading.local()

        def hocr_to_dataframe(self, hocr: str, character_confidence_threshold: float = 0.0):
            frame = super().hocr_to_dataframe(hocr, character_confidence_threshold)
            self.local.words = _hocr_words(hocr, self.hocr_namespace)  # the last call's words are the ones kept
            return frame

    return Agent


def _hocr_words(hocr: str, namespace: dict) -> tuple[float, list[OcrWord]]:
    """The hOCR page's width and its words (boxes in that page's pixels)."""
    if not hocr:
        return 0.0, []
    from lxml import etree

    root = etree.fromstring(hocr)
    page = root.find('.//h:div[@class="ocr_page"]', namespace)
    page_box = _BBOX.search(page.get("title", "")) if page is not None else None
    width = float(page_box.group(3)) if page_box else 0.0
    words = []
    for span in root.iterfind('.//h:span[@class="ocrx_word"]', namespace):
        text = "".join(part.strip() for part in span.itertext())
        title = span.get("title", "")
        match, box = _WCONF.search(title), _BBOX.search(title)
        if text and match:
            bbox = tuple(float(v) for v in box.groups()) if box else None
            words.append(OcrWord(text, float(match.group(1)), bbox))
    return width, words


def __getattr__(name: str):  # unstructured loads the agent by its qualified name
    if name == "ConfidenceTesseractAgent":
        return _confidence_agent()
    raise AttributeError(name)


def read_with_unstructured(image: Image.Image, languages: list[str]) -> tuple[list[OcrBlock], list[OcrWord]]:
    """OCR ``image`` with unstructured's ``ocr_only`` strategy; boxes in ``image`` pixels."""
    harden_unstructured()
    from unstructured.partition.image import partition_image
    from unstructured.partition.utils.ocr_models.ocr_interface import OCRAgent

    buf = io.BytesIO()
    image.save(buf, format="PNG")
    buf.seek(0)
    previous = os.environ.get("OCR_AGENT")
    os.environ["OCR_AGENT"] = _AGENT
    try:
        elements = partition_image(file=buf, strategy="ocr_only", languages=languages)
        agent = OCRAgent.get_instance(_AGENT, "+".join(languages))
    finally:
        if previous is None:
            os.environ.pop("OCR_AGENT", None)
        else:
            os.environ["OCR_AGENT"] = previous
    width, words = getattr(agent.local, "words", (0.0, []))
    if width:  # unstructured may have OCR'd a zoomed copy
        zoom = image.width / width
        words = [OcrWord(w.text, w.confidence, w.bbox and tuple(v * zoom for v in w.bbox)) for w in words]
    blocks = []
    for element in elements:
        text = (element.text or "").strip()
        coords = element.metadata.coordinates
        if not text or coords is None or not coords.points:
            continue
        sx = image.width / coords.system.width if coords.system and coords.system.width else 1.0
        sy = image.height / coords.system.height if coords.system and coords.system.height else 1.0
        xs = [p[0] * sx for p in coords.points]
        ys = [p[1] * sy for p in coords.points]
        blocks.append(OcrBlock(text, (min(xs), min(ys), max(xs), max(ys)), type(element).__name__))
    return blocks, words


def read_with_tesseract(image: Image.Image, languages: list[str]) -> tuple[list[OcrBlock], list[OcrWord]]:
    """OCR ``image`` with tesseract's TSV output: one block per paragraph, lines joined by newlines."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise OCRUnavailableError("", "tesseract is not installed (Debian/Ubuntu: apt-get install tesseract-ocr)")
    with tempfile.TemporaryDirectory() as tmp:
        path, out = Path(tmp) / "page.png", Path(tmp) / "out"
        image.save(path)
        env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
        proc = subprocess.run(
            [exe, str(path), str(out), "-l", "+".join(languages), "--psm", "3", "txt", "tsv"],
            capture_output=True,
            text=True,
            timeout=_TESSERACT_TIMEOUT_S,
            check=False,
            env=env,
        )
        if proc.returncode != 0:
            raise OCRUnavailableError("", f"tesseract failed: {proc.stderr.strip()[-300:]}")
        tsv = out.with_suffix(".tsv").read_text(encoding="utf-8")
        plain = out.with_suffix(".txt").read_text(encoding="utf-8")
    paragraphs: dict[tuple[int, int], dict[int, list[tuple[str, tuple[int, int, int, int]]]]] = {}
    words: list[OcrWord] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = _BIDI_MARKS.sub("", row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        box = (int(row["left"]), int(row["top"]), int(row["width"]), int(row["height"]))
        words.append(OcrWord(text, float(row["conf"]), (box[0], box[1], box[0] + box[2], box[1] + box[3])))
        lines = paragraphs.setdefault((int(row["block_num"]), int(row["par_num"])), {})
        lines.setdefault(int(row["line_num"]), []).append((text, box))
    spaced = iter([line for line in (_BIDI_MARKS.sub("", x).strip() for x in plain.splitlines()) if line])
    blocks = []
    for lines in paragraphs.values():
        texts = [_line_text([t for t, _ in line], spaced) for _, line in sorted(lines.items())]
        boxes = [b for line in lines.values() for _, b in line]
        bbox = (
            float(min(b[0] for b in boxes)),
            float(min(b[1] for b in boxes)),
            float(max(b[0] + b[2] for b in boxes)),
            float(max(b[1] + b[3] for b in boxes)),
        )
        blocks.append(OcrBlock(join_lines(texts), bbox, "NarrativeText"))
    return blocks, words


def join_lines(lines: list[str]) -> str:
    """Lines of a paragraph; a Chinese/Japanese sentence that wraps continues without a break."""
    out = ""
    for line in lines:
        if out and not (_is_cjk(out[-1]) and _is_cjk(line[0])):
            out += "\n"
        out += line
    return out


def _line_text(words: list[str], plain_lines) -> str:
    """A line's text: tesseract's plain-text line when it has the same characters (its spaces are the real word
    breaks: TSV splits Korean words into syllables), else the TSV words joined; CJK spacing removed either way."""
    line = next(plain_lines, None)
    if line is not None and line.replace(" ", "") == "".join(words).replace(" ", ""):
        words = line.split()
    return join_words(words)


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF  # CJK punctuation, hiragana, katakana
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
    )


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def join_words(words: list[str]) -> str:
    """Words of one line, space-separated except next to Chinese/Japanese characters and between such a character
    and punctuation (those scripts use no spaces; tesseract puts one between every character)."""
    out = ""
    for word in words:
        a, b = (out[-1], word[0]) if out else ("", "")
        glued = (
            out
            and (_is_cjk(a) or _is_cjk(b))
            and (_is_cjk(a) or _is_punctuation(a))
            and (_is_cjk(b) or _is_punctuation(b))
        )
        if out and not glued:
            out += " "
        out += word
    return out
