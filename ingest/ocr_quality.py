"""Is an OCR reading text? Tesseract always returns *something*; read with the wrong language it is confident nonsense
no more (a Chinese image read as English scores ~20/100, a correct reading 80-90).

A reading is rejected when its words' mean confidence (weighted by characters) is very low, when most of its words
are single letters or symbols, or when the script the page was detected in hardly occurs in it. Charts pass: their
axis labels and country codes give many short words, but at confidence 60-95 (measured on the charts corpus).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MIN_CONFIDENCE = 45.0
MAX_SHORT_SHARE = 0.6  # share of words that are one letter or symbol
MAX_SYMBOL_SHARE = 0.4  # share of characters that are neither letters nor digits
MIN_SCRIPT_SHARE = 0.3  # share of letters in the detected (non-Latin) script
_MIN_WORDS = 6  # fewer words than this are judged by confidence alone

# Unicode character-name prefixes of the scripts tesseract's OSD reports
_SCRIPT_NAMES = {
    "Han": ("CJK",),
    "Japanese": ("CJK", "HIRAGANA", "KATAKANA"),
    "Hangul": ("HANGUL",),
    "Korean": ("HANGUL", "CJK"),
    "Arabic": ("ARABIC",),
    "Hebrew": ("HEBREW",),
    "Cyrillic": ("CYRILLIC",),
    "Greek": ("GREEK",),
    "Thai": ("THAI",),
    "Devanagari": ("DEVANAGARI",),
}


@dataclass(frozen=True)
class OcrWord:
    """One word as tesseract read it; ``confidence`` is 0-100, ``bbox`` in the OCR'd image's pixels."""

    text: str
    confidence: float
    bbox: tuple[float, float, float, float] | None = None


def mean_confidence(words: list[OcrWord]) -> float:
    chars = sum(len(w.text) for w in words)
    return sum(w.confidence * len(w.text) for w in words) / chars if chars else 0.0


def unreadable_reason(words: list[OcrWord], script: str | None = None) -> str:
    """Why ``words`` are not readable text, or ``""`` when they are (also for an empty reading)."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return ""
    confidence = mean_confidence(words)
    if confidence < MIN_CONFIDENCE:
        return f"OCR confidence {confidence:.0f}/100 is too low (garbled or wrong-language reading)"
    if len(words) < _MIN_WORDS:
        return ""
    text = "".join(w.text for w in words)
    symbols = sum(1 for c in text if not c.isalnum())
    if symbols / len(text) > MAX_SYMBOL_SHARE:
        return f"{symbols / len(text):.0%} of the characters OCR found are symbols"
    cjk = script in ("Han", "Japanese")  # one character is a whole word there
    short = sum(1 for w in words if len(w.text) == 1 and not w.text.isdigit())
    if not cjk and short / len(words) > MAX_SHORT_SHARE:
        return f"{short / len(words):.0%} of the words OCR found are single letters or symbols"
    prefixes = _SCRIPT_NAMES.get(script or "")
    letters = [c for c in text if c.isalpha()]
    if prefixes and letters:
        share = sum(1 for c in letters if unicodedata.name(c, "").startswith(prefixes)) / len(letters)
        if share < MIN_SCRIPT_SHARE:
            return f"the page looks {script}, but only {share:.0%} of the letters OCR found are {script}"
    return ""
