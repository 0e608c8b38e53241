"""The language of a text, as an ISO 639-1 code (``en``, ``fr``, ``zh``, ``ja``, ``ko``, ``ar``...; ``und`` unknown).

Scripts that belong to one language decide by themselves (Hangul -> ``ko``, kana -> ``ja``, Han without kana ->
``zh``, Hebrew, Thai, Greek): langdetect confuses them on short text (it calls a Chinese heading Korean). Latin,
Cyrillic and Arabic text goes to langdetect (shipped with unstructured), seeded so that the same text gets the same
language in every process.

langdetect's own loader turns its 55 language profiles into one table of ~88k n-grams x 55 probabilities before the
first answer (0.4 s idle, ~1 s on a loaded machine: most of a short ``docsight retrieve``). :func:`_detector_factory`
reads the same profile files but works out a row of that table only when a text asks for its n-gram; langdetect's
own Detector does the detection, so every answer is langdetect's (``tests/ingest/test_language.py`` compares them).
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections import Counter
from functools import cache, lru_cache
from typing import Any

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
    from langdetect import LangDetectException

    detector = _detector_factory().create()
    detector.append(text)
    try:
        code = detector.detect()
    except LangDetectException:
        return UNDETERMINED
    return code.split("-", 1)[0]  # zh-cn, zh-tw -> zh


class _LazyProbabilities:
    """langdetect's ``word_lang_prob_map`` (n-gram -> probability per language, in profile order), with each row
    computed on first use exactly as ``DetectorFactory.add_profile`` computes it. langdetect's Detector only asks
    ``word in table`` and ``table[word]``. Rows are kept, so a process computes each at most once; two threads
    computing the same row compute the same values."""

    def __init__(self, profiles: list[tuple[int, dict[str, int], list[int]]], size: int) -> None:
        self._profiles = profiles  # (index, n-gram counts, n-grams per length) of each language
        self._size = size
        self._words = frozenset().union(*(freq for _, freq, _ in profiles))
        self._rows: dict[str, list[float]] = {}

    def __contains__(self, word: object) -> bool:
        return word in self._words

    def __getitem__(self, word: str) -> list[float]:
        row = self._rows.get(word)
        if row is None:
            if word not in self._words:
                raise KeyError(word)
            row = [0.0] * self._size
            length = len(word)
            if 1 <= length <= 3:
                for index, freq, n_words in self._profiles:
                    count = freq.get(word)
                    if count is not None:
                        row[index] = 1.0 * count / n_words[length - 1]
            self._rows[word] = row
        return row


@cache
def _detector_factory() -> Any:
    """A langdetect ``DetectorFactory`` over the installed profiles, seeded 0, its table filled lazily.

    Profiles are read in ``os.listdir`` order with langdetect's indexing (its own loader's order, which decides
    ties), from the installed package's files: nothing is cached on disk that could go stale."""
    from langdetect import DetectorFactory
    from langdetect.detector_factory import PROFILES_DIRECTORY

    DetectorFactory.seed = 0  # as before: any other langdetect use in this process is seeded too
    names = os.listdir(PROFILES_DIRECTORY)
    profiles, languages = [], []
    for name in names:
        path = os.path.join(PROFILES_DIRECTORY, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
        profiles.append((len(languages), data["freq"], data["n_words"]))
        languages.append(data["name"])
    factory = DetectorFactory()
    factory.langlist = languages
    factory.word_lang_prob_map = _LazyProbabilities(profiles, len(names))
    factory.seed = 0
    return factory


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
