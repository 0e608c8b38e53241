"""OCR through unstructured's ``ocr_only`` strategy with tesseract, offline and silent.

unstructured phones home, prints a notice and downloads the spaCy model ``en_core_web_sm`` at run time; offline the
download fails and partitioning then returns nothing or raises. :func:`harden_unstructured` closes all three doors
before unstructured is imported: telemetry and the notice are switched off by their environment variables, and its
NLP helpers get a blank spaCy English pipeline with a rule-based sentencizer (shipped inside ``spacy``) instead of the
downloaded model. That model only feeds unstructured's element-type heuristics (title vs. narrative); the text and
boxes come from tesseract, and docsight infers headings itself.
"""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import dataclass
from functools import cache

from PIL import Image

from ingest.errors import OCRUnavailableError

_OFFLINE_ENV = {
    "DO_NOT_TRACK": "1",
    "SCARF_NO_ANALYTICS": "true",
    "UNSTRUCTURED_DISABLE_NOTICE": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "OMP_THREAD_LIMIT": "1",  # tesseract: one thread per worker process; parallelism comes from the workers
}


@cache
def harden_unstructured() -> None:
    """Make unstructured safe to use offline. Idempotent; call before importing ``unstructured``."""
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    import spacy
    import unstructured.nlp.tokenize as tokenize

    def blank_english() -> spacy.language.Language:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return nlp

    def refuse_download() -> None:
        raise RuntimeError("docsight does not download spaCy models at run time")

    tokenize._get_nlp = cache(blank_english)
    tokenize._install_spacy_model = refuse_download


@dataclass(frozen=True)
class OcrBlock:
    """A text element found by OCR; ``bbox`` is (x0, top, x1, bottom) in the input image's pixels."""

    text: str
    bbox: tuple[float, float, float, float]
    category: str


def tesseract_languages() -> set[str]:
    """Languages the installed tesseract can read.

    :raises OCRUnavailableError: tesseract is not installed.
    """
    exe = shutil.which("tesseract")
    if exe is None:
        raise OCRUnavailableError(
            "", "tesseract is not installed (Debian/Ubuntu: apt-get install tesseract-ocr poppler-utils)"
        )
    import subprocess

    out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False).stdout
    return {line.strip() for line in out.splitlines()[1:] if line.strip()}


_MIN_OCR_SIDE = 1800  # tesseract reads best with capital letters ~30 px high; small scans are upscaled to this


def ocr_image(image: Image.Image, languages: list[str], *, file: str = "") -> list[OcrBlock]:
    """OCR one page image with unstructured (``ocr_only`` + tesseract).

    :param image: the page; small images are upscaled before OCR and boxes scaled back.
    :param languages: tesseract language codes, e.g. ``["eng"]``; languages that are not installed are an error.
    :returns: the text elements in reading order with boxes in ``image`` pixels (possibly empty).
    :raises OCRUnavailableError: tesseract or a requested language pack is missing.
    """
    missing = set(languages) - tesseract_languages()
    if missing:
        raise OCRUnavailableError(
            file,
            f"tesseract has no language data for {', '.join(sorted(missing))} "
            f"(install tesseract-ocr-{'/'.join(sorted(missing))})",
        )
    harden_unstructured()
    from unstructured.partition.image import partition_image

    scale = 1.0
    work = image.convert("RGB")
    long_side = max(work.size)
    if long_side < _MIN_OCR_SIDE:
        scale = min(3.0, _MIN_OCR_SIDE / long_side)
        work = work.resize((round(work.width * scale), round(work.height * scale)), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    work.save(buf, format="PNG")
    buf.seek(0)
    elements = partition_image(file=buf, strategy="ocr_only", languages=languages)
    blocks = []
    for element in elements:
        text = (element.text or "").strip()
        coords = element.metadata.coordinates
        if not text or coords is None or not coords.points:
            continue
        sx = work.width / coords.system.width if coords.system and coords.system.width else 1.0
        sy = work.height / coords.system.height if coords.system and coords.system.height else 1.0
        xs = [p[0] * sx / scale for p in coords.points]
        ys = [p[1] * sy / scale for p in coords.points]
        blocks.append(OcrBlock(text, (min(xs), min(ys), max(xs), max(ys)), type(element).__name__))
    return blocks
