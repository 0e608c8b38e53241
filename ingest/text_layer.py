"""Whether a PDF page's text layer can be trusted, or the page must be rendered and OCR'd instead.

A text layer is what a PDF says its text is, not what a reader sees. Three kinds of page lie: a scan under an
invisible (render mode 3) text layer written by a bad OCR tool, a page whose layer is garbage (a broken font
encoding, or junk hidden under a scan), and a page whose text was converted to vector outlines (no layer at all).
Such pages are OCR'd; :func:`keep_layer` then decides between the layer and OCR: an invisible layer that agrees with
what OCR reads (a good OCR engine's searchable PDF) is kept, with its better text and boxes.
"""

from __future__ import annotations

import re
import unicodedata

from ingest.layout.blocks import PAGE, Block
from ingest.layout.reading_order import Word
from ingest.pdf_interpret import PageInk

MIN_TEXT_CHARS = 20  # a page with less text than this has no text layer to speak of
MIN_OUTLINE_SEGMENTS = 500  # drawn path segments on a page without text that are worth OCR (outlined glyphs)
_VOWELS = set("aeiouy")
_MIN_AGREEMENT = 0.5  # share of OCR's words an invisible layer must also have to be kept
_WORD = re.compile(r"\w{3,}")


def ocr_reason(words: list[Word], ink: PageInk, *, has_images: bool) -> str | None:
    """Why the page must be OCR'd instead of trusting its text layer, or None to trust it."""
    chars = sum(len(w.text) for w in words)
    if chars < MIN_TEXT_CHARS:
        if has_images:
            return "no text layer over a picture"
        if ink.path_segments >= MIN_OUTLINE_SEGMENTS:
            return "no text layer, only drawing (text as outlines?)"
        return None
    if ink.chars and ink.invisible_chars > 0.5 * ink.chars:
        return "invisible text layer"
    if not plausible(words):
        return "implausible text layer"
    return None


def keep_layer(words: list[Word], ocr_blocks: list[Block]) -> bool:
    """After OCR: keep the page's own text layer instead of ``ocr_blocks``? Only a plausible layer, and only when
    OCR read nothing or mostly the same words (an empty layer keeps only its figures)."""
    if not plausible(words):
        return False
    read = {w.lower() for b in ocr_blocks if b.kind != PAGE for w in _WORD.findall(b.text)}
    if not read:
        return True
    layer = {w.lower() for word in words for w in _WORD.findall(word.text)}
    return len(read & layer) >= _MIN_AGREEMENT * len(read)


def plausible(words: list[Word]) -> bool:
    """Does most of the text look like words? Undecodable glyphs, unprintable characters and Latin-letter tokens
    without a vowel count against it; other scripts, numbers and codes with digits count for it."""
    good = bad = 0
    for word in words:
        weight = len(word.text)
        if _implausible(word.text):
            bad += weight
        else:
            good += weight
    return bad <= good


def _implausible(token: str) -> bool:
    if "(cid:" in token or "\ufffd" in token:
        return True
    latin = 0
    vowels = 0
    symbols = 0
    for c in token:
        category = unicodedata.category(c)
        if category[0] == "C":  # control, private use, unassigned
            return True
        if c.isdigit():
            return False
        if category[0] == "L":
            base = unicodedata.normalize("NFD", c)[0].lower()
            if "a" <= base <= "z":
                latin += 1
                vowels += base in _VOWELS
            else:
                return False  # another script: no cheap test
        elif category[0] == "S" or c in "#%&@":
            symbols += 1
    letters_and_symbols = latin + symbols
    if letters_and_symbols >= 4 and symbols and latin and symbols * 4 >= letters_and_symbols:
        return True  # symbols mixed into a word: "qx#%b"
    return latin >= 4 and vowels == 0
