"""The language of a text, as an ISO 639-1 code (``en``, ``fr``, ``zh``, ``ja``, ``ko``, ``ar``...; ``und`` unknown).

Scripts that belong to one language decide by themselves (Hangul -> ``ko``, kana -> ``ja``, Han without kana ->
``zh``, Hebrew, Thai, Greek): langdetect confuses them on short text (it calls a Chinese heading Korean). Latin,
Cyrillic and Arabic text goes to langdetect (shipped with unstructured), seeded so that the same text gets the same
language in every process.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache

UNDETERMINED = "und"
_MIN_LETTERS = 12  # shorter texts (a heading, a number) get "und" unless their script decides
_SCRIPT_LANGUAGE = {"HANGUL": "ko", "HEBREW": "he", "THAI": "th", "GREEK": "el"}


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    if name.startswith(("HIRAGANA", "KATAKANA")):
        return "KANA"
    if name.startswith("CJK"):
        return "HAN"
    return name.split(" ", 1)[0]


def detect_language(text: str) -> str:
    """The main language of ``text`` (``und`` when it cannot be told)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return UNDETERMINED
    scripts = Counter(_script(c) for c in letters)
    total = len(letters)
    if scripts["HANGUL"] >= 0.2 * total:  # Korean text mixes Hangul with Hanja and Latin
        return "ko"
    if scripts["KANA"] >= 0.05 * total and scripts["KANA"] + scripts["HAN"] >= 0.3 * total:
        return "ja"
    if scripts["HAN"] >= 0.3 * total:
        return "zh"
    script, count = scripts.most_common(1)[0]
    if script in _SCRIPT_LANGUAGE and count >= 0.5 * total:
        return _SCRIPT_LANGUAGE[script]
    if total < _MIN_LETTERS:
        return UNDETERMINED
    return _langdetect(text[:2000])


@lru_cache(maxsize=4096)
def _langdetect(text: str) -> str:
    from langdetect import DetectorFactory, LangDetectException, detect

    DetectorFactory.seed = 0
    try:
        code = detect(text)
    except LangDetectException:
        return UNDETERMINED
    return code.split("-", 1)[0]  # zh-cn, zh-tw -> zh


def writing_system(text: str) -> str:
    """The script of most of ``text``'s letters (``LATIN``, ``HAN``, ``KANA``, ``HANGUL``, ``ARABIC``...; ``""``
    without letters)."""
    scripts = Counter(_script(c) for c in text if c.isalpha())
    return scripts.most_common(1)[0][0] if scripts else ""


def main_language(texts: list[str], languages: list[str]) -> str:
    """The language of most characters among ``texts`` (each with its language), ignoring undetermined ones."""
    weights: Counter[str] = Counter()
    for text, language in zip(texts, languages, strict=True):
        if language != UNDETERMINED:
            weights[language] += len(text)
    return weights.most_common(1)[0][0] if weights else UNDETERMINED
