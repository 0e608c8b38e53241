"""Which tesseract languages to read a page with: its script, found by tesseract's orientation and script detection.

``tesseract --psm 0`` (the ``osd`` data that ships with ``tesseract-ocr``) names the dominant script of an image —
Latin, Han, Japanese, Hangul, Arabic... — but not its language, and not whether CJK text runs vertically. So each
script maps to an ordered list of candidate language sets; the OCR tries them in order and keeps the most confident
reading (see :func:`ingest.ocr.ocr_page`): Han is read as Simplified, then Traditional, then vertically; Japanese
horizontally, then vertically. English is added where the script's own model cannot read Latin letters (Korean,
Arabic, Hebrew, Cyrillic...); the Chinese and Japanese models read Latin letters themselves, and adding ``eng`` to
them made the Chinese sample worse (``适用人群`` read as ``RAS``) at twice the time.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

LATIN = "Latin"
SCRIPT_CANDIDATES: dict[str, tuple[tuple[str, ...], ...]] = {
    LATIN: (("eng",),),
    "Han": (("chi_sim",), ("chi_tra",), ("chi_sim_vert",), ("chi_tra_vert",)),
    "Japanese": (("jpn",), ("jpn_vert",)),
    "Hangul": (("kor", "eng"), ("kor_vert", "eng")),
    "Korean": (("kor", "eng"), ("kor_vert", "eng")),  # OSD names Hangul either way
    "Arabic": (("ara", "eng"),),
    "Hebrew": (("heb", "eng"),),
    "Cyrillic": (("rus", "eng"), ("ukr", "eng")),
    "Greek": (("ell", "eng"),),
    "Thai": (("tha", "eng"),),
    "Devanagari": (("hin", "eng"),),
}
# languages written in Latin script: unstructured's OCR path handles them (see ingest.ocr)
_LATIN_CODES = "eng deu fra spa ita por nld dan swe nor fin isl pol ces slk slv hrv hun ron tur cat eus glg lat vie"
LATIN_LANGUAGES = frozenset(_LATIN_CODES.split(" "))
_OSD_TIMEOUT_S = 60


@dataclass(frozen=True)
class ScriptGuess:
    """Tesseract's orientation and script detection for one image."""

    script: str
    confidence: float
    rotate: int  # degrees to turn the image clockwise to make its text upright
    orientation_confidence: float = 0.0


def detect_script(image: Image.Image) -> ScriptGuess | None:
    """The dominant script of ``image`` (``None`` when tesseract finds too few characters to tell)."""
    exe = shutil.which("tesseract")
    if exe is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.png"
        image.convert("RGB").save(path)
        proc = subprocess.run(
            [exe, str(path), "-", "--psm", "0"],
            capture_output=True,
            text=True,
            timeout=_OSD_TIMEOUT_S,
            check=False,
        )
    fields = dict(re.findall(r"^([A-Za-z ]+):\s*(\S+)\s*$", proc.stdout, flags=re.MULTILINE))
    if "Script" not in fields:
        return None
    try:
        return ScriptGuess(
            fields["Script"],
            float(fields.get("Script confidence", 0)),
            int(fields.get("Rotate", 0)) % 360,
            float(fields.get("Orientation confidence", 0)),
        )
    except ValueError:
        return None


def candidate_languages(script: str | None, installed: set[str]) -> list[tuple[list[str], str]]:
    """(languages, script) pairs to try for a page detected as ``script``, most likely first, keeping installed
    languages only; English (as Latin) comes last, for pages whose script was misdetected or is not installed."""
    out: list[tuple[list[str], str]] = []
    for languages in SCRIPT_CANDIDATES.get(script or LATIN, ()):
        kept = [lang for lang in languages if lang in installed]
        if kept and kept != ["eng"] and (kept, script) not in out:
            out.append((kept, script or LATIN))
    return [*out, (["eng"], LATIN)]


def is_latin(languages: list[str]) -> bool:
    return all(lang in LATIN_LANGUAGES for lang in languages)
