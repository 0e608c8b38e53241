"""OCR of one page image with tesseract, in the page's own script and languages, offline and silent.

With ``languages=["auto"]`` (the default, ``DOCSIGHT_OCR_LANGUAGES=auto``) every page first has its script detected
(tesseract's orientation and script detection, :mod:`ingest.ocr_script`), is then read with the candidate language
sets of that script, most likely first, until one reads confidently (vertical Japanese and Chinese are candidates
of their own), and the most confident reading is kept. A Latin page with a paragraph that English cannot read (the
Korean block of an English flyer) has that paragraph's script detected and is read again with both. Any other value
(``eng+deu``) forces the languages. Latin-script languages are read through unstructured, everything else through
tesseract directly (:mod:`ingest.ocr_engines`). A reading that is not plausible text (:mod:`ingest.ocr_quality`) is
returned with the reason and is not counted as text.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field, replace

from PIL import Image

from ingest.errors import OCRUnavailableError
from ingest.ocr_engines import OcrBlock, harden_unstructured, read_with_tesseract, read_with_unstructured
from ingest.ocr_quality import OcrWord, mean_confidence, unreadable_reason
from ingest.ocr_script import LATIN, candidate_languages, detect_script, is_latin

__all__ = ["AUTO", "OcrBlock", "OcrReading", "harden_unstructured", "ocr_image", "ocr_page", "tesseract_languages"]

AUTO = "auto"
GOOD_CONFIDENCE = 75.0  # a candidate reading this confident ends the search
_LOW_CONFIDENCE = 60.0  # a paragraph below this on a Latin page may be in another script
_MIN_OCR_SIDE = 1800  # tesseract reads best with capital letters ~30 px high; small scans are upscaled to this
_TURN_CONFIDENCE = 5.0  # OSD's orientation confidence from which a sideways or upside-down page is turned upright


@dataclass(frozen=True)
class OcrReading:
    """What OCR made of one page: blocks (boxes in the input image's pixels) and how they were read.

    ``unreadable`` says why the reading is not text (``""`` when it is); such blocks must not be stored as text.
    """

    blocks: list[OcrBlock]
    languages: list[str]
    script: str
    confidence: float
    unreadable: str = ""
    words: list[OcrWord] = field(default_factory=list, repr=False)


def tesseract_languages() -> set[str]:
    """Languages the installed tesseract can read.

    :raises OCRUnavailableError: tesseract is not installed.
    """
    exe = shutil.which("tesseract")
    if exe is None:
        raise OCRUnavailableError(
            "", "tesseract is not installed (Debian/Ubuntu: apt-get install tesseract-ocr poppler-utils)"
        )
    out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False).stdout
    return {line.strip() for line in out.splitlines()[1:] if line.strip()}


def ocr_page(image: Image.Image, languages: list[str] | None = None, *, file: str = "") -> OcrReading:
    """OCR one page image.

    :param image: the page; small images are upscaled before OCR and boxes scaled back. With script detection, a
        page OSD finds sideways or upside down is read turned upright (boxes mapped back) when that gives text.
    :param languages: ``["auto"]`` (or ``None``) to detect the script, or tesseract language codes to force.
    :returns: the reading, with its blocks in reading order (possibly none).
    :raises OCRUnavailableError: tesseract or a forced language pack is missing.
    """
    installed = tesseract_languages()
    work, scale = _upscaled(image)
    if languages and languages != [AUTO]:
        missing = set(languages) - installed
        if missing:
            raise OCRUnavailableError(
                file,
                f"tesseract has no language data for {', '.join(sorted(missing))} "
                f"(install tesseract-ocr-{'/'.join(sorted(missing)).replace('_', '-')})",
            )
        reading = _read(work, list(languages), "")
    else:
        guess = detect_script(work)
        script = guess.script if guess else ""
        turn = guess.rotate if guess and guess.orientation_confidence >= _TURN_CONFIDENCE else 0
        candidates = candidate_languages(script or None, installed)
        reading = _most_confident(work.rotate(-turn, expand=True), candidates) if turn else None
        if reading is None or not _rank(reading)[0]:  # upright, or OSD's turn did not give text
            turn, reading = 0, _most_confident(work, candidates)
        if script in ("", LATIN) and not turn:
            reading = _with_second_script(work, reading, installed)
        if turn:
            unturned = [replace(b, bbox=_unturn(b.bbox, turn, work.size)) for b in reading.blocks]
            reading = replace(reading, blocks=unturned)
    blocks = [replace(b, bbox=tuple(v / scale for v in b.bbox)) for b in reading.blocks]
    return replace(reading, blocks=blocks, words=[])


def ocr_image(image: Image.Image, languages: list[str] | None = None, *, file: str = "") -> list[OcrBlock]:
    """The readable text blocks of :func:`ocr_page` (none when the reading is not text)."""
    reading = ocr_page(image, languages, file=file)
    return [] if reading.unreadable else reading.blocks


def _unturn(bbox: tuple[float, ...], turn: int, size: tuple[int, int]) -> tuple[float, float, float, float]:
    """A box read on the image turned ``turn`` degrees clockwise, in the unturned image's pixels (``size``)."""
    width, height = size
    x0, y0, x1, y1 = bbox

    def back(x: float, y: float) -> tuple[float, float]:
        if turn == 90:
            return y, height - x
        if turn == 180:
            return width - x, height - y
        return width - y, x  # 270

    (ax, ay), (bx, by) = back(x0, y0), back(x1, y1)
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _upscaled(image: Image.Image) -> tuple[Image.Image, float]:
    work = image.convert("RGB")
    long_side = max(work.size)
    if long_side >= _MIN_OCR_SIDE:
        return work, 1.0
    scale = min(3.0, _MIN_OCR_SIDE / long_side)
    size = (round(work.width * scale), round(work.height * scale))
    return work.resize(size, Image.Resampling.LANCZOS), scale


def _read(work: Image.Image, languages: list[str], script: str) -> OcrReading:
    engine = read_with_unstructured if is_latin(languages) else read_with_tesseract
    blocks, words = engine(work, languages)
    reason = unreadable_reason(words, script or None)
    return OcrReading(blocks, languages, script, mean_confidence(words), reason, words)


def _rank(reading: OcrReading) -> tuple[bool, float]:
    return (not reading.unreadable and bool(reading.blocks), reading.confidence)


def _most_confident(work: Image.Image, candidates: list[tuple[list[str], str]]) -> OcrReading:
    best: OcrReading | None = None
    for languages, script in candidates:
        reading = _read(work, languages, script)
        if best is None or _rank(reading) > _rank(best):
            best = reading
        if _rank(best) >= (True, GOOD_CONFIDENCE):
            break
    assert best is not None
    return best


def _with_second_script(work: Image.Image, reading: OcrReading, installed: set[str]) -> OcrReading:
    """Read a Latin page again with a second script's languages when a poorly read region is in that script."""
    region = _poorly_read_region(reading)
    if region is None:
        return reading
    pad = 10
    x0, top, x1, bottom = region
    guess = detect_script(work.crop((max(0, x0 - pad), max(0, top - pad), x1 + pad, bottom + pad)))
    if guess is None or guess.script == LATIN:
        return reading
    best = reading
    for languages, _ in candidate_languages(guess.script, installed)[:-1]:
        both = list(dict.fromkeys([*languages, "eng"]))  # the page is mostly Latin
        again = _read(work, both, LATIN)
        if _rank(again) > _rank(best):
            best = again
    return best


def _poorly_read_region(reading: OcrReading) -> tuple[float, float, float, float] | None:
    """The box around the blocks whose words were read with a confidence below ``_LOW_CONFIDENCE``, if any."""
    boxes = []
    for block in reading.blocks:
        x0, top, x1, bottom = block.bbox
        inside = [
            w
            for w in reading.words
            if w.bbox and x0 <= (w.bbox[0] + w.bbox[2]) / 2 <= x1 and top <= (w.bbox[1] + w.bbox[3]) / 2 <= bottom
        ]
        if inside and mean_confidence(inside) < _LOW_CONFIDENCE:
            boxes.append(block.bbox)
    if sum(b[2] - b[0] for b in boxes) < 200:  # a few poorly read words are not a paragraph in another script
        return None
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)
