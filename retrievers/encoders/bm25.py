"""BM25-style sparse vectors for Qdrant: term-frequency weights here, IDF applied by Qdrant (``Modifier.IDF``).

Text is lower-cased and split into letter/digit runs. Runs of Chinese, Japanese, Korean or Thai characters, which
do not separate words with spaces (Korean attaches its particles), become overlapping character bigrams (a lone
character stays a unigram), as Lucene's CJK analyser does. Other words lose the stop words of their language and are
Snowball-stemmed when Snowball has a stemmer for it; the language is the document's (``und`` and unknown languages
are treated as English, so English text gives exactly the vectors it always did). Each term maps to a stable 32-bit
id (CRC32, the same in every process). Document weights are BM25's saturated term frequency with length
normalisation; query terms weigh 1, so Qdrant's dot product with IDF is the BM25 score.
"""

from __future__ import annotations

import importlib.util
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from pathlib import Path

import snowballstemmer

from ingest.schema import SPARSE_MODEL

MODEL_NAME = SPARSE_MODEL  # what a collection records as its sparse model
K1 = 1.2
B = 0.75
AVG_LEN = 120.0  # typical chunk length in terms; fixed so that vectors do not depend on the corpus
ENGLISH = "en"

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PARTS = re.compile(r"\d+|[^\W\d_]+", re.UNICODE)
# Han, kana, Hangul (syllables and jamo), Thai: no spaces between words
_UNSPACED = "\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_UNSPACED_RUN = re.compile(f"([{_UNSPACED}]+)")
_HAS_UNSPACED = re.compile(f"[{_UNSPACED}]")
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670]")  # short vowels: optional in writing, they would split words
STOP_WORDS = frozenset((Path(__file__).parent / "stopwords_en.txt").read_text(encoding="utf-8").split())
_SNOWBALL = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "et": "estonian", "eu": "basque", "fa": "persian", "fi": "finnish", "fr": "french",
    "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian",
    "lt": "lithuanian", "ne": "nepali", "nl": "dutch", "no": "norwegian", "pl": "polish", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
}  # fmt: skip
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


@cache
def stop_words(language: str) -> frozenset[str]:
    """The stop words of ``language``: docsight's English list, spaCy's lists for other languages (read from its
    package files without importing spaCy), none for a language spaCy has no list for."""
    if language == ENGLISH:
        return STOP_WORDS
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations or not re.fullmatch(r"[a-z]{2,3}", language):
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "lang" / language / "stop_words.py"
    if not path.is_file():
        return frozenset()
    namespace: dict = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # a module of literals only
    return frozenset(w.lower() for w in namespace.get("STOP_WORDS", ()))


@cache
def _stemmer_for(language: str) -> Callable[[str], str]:
    if language == ENGLISH:
        return _stem
    if language not in _SNOWBALL:
        return str  # no stemmer: the word as it is
    return lru_cache(maxsize=50_000)(snowballstemmer.stemmer(_SNOWBALL[language]).stemWord)


def _analysis_language(language: str | None) -> str:
    return ENGLISH if not language or language == "und" else language


def _word_terms(word: str, stops: frozenset[str], stem: Callable[[str], str]) -> list[str]:
    if word in stops or (len(word) == 1 and not word.isdigit()):
        return []
    out = [word if word.isdigit() else stem(word)]
    if not word.isdigit() and not word.isalpha():  # "fy2018" also counts as "fy" and "2018"
        out.extend(stem(p) if p.isalpha() else p for p in _PARTS.findall(word) if len(p) > 1)
    return out


def _bigrams(run: str) -> Iterable[str]:
    if len(run) == 1:
        return [run]
    return (run[i : i + 2] for i in range(len(run) - 1))


def terms(text: str, language: str | None = None) -> list[str]:
    """Normalised terms of ``text`` read as ``language`` (ISO 639-1; English when ``None`` or ``und``): CJK/Thai
    runs as bigrams; other words lower-cased, stop words removed, stemmed; mixed tokens also add their parts."""
    language = _analysis_language(language)
    stops, stem = stop_words(language), _stemmer_for(language)
    out: list[str] = []
    lowered = text.lower()
    if _ARABIC_MARKS.search(lowered):
        lowered = _ARABIC_MARKS.sub("", lowered)
    for word in _WORD.findall(lowered):
        if not _HAS_UNSPACED.search(word):
            out.extend(_word_terms(word, stops, stem))
            continue
        for i, run in enumerate(_UNSPACED_RUN.split(word)):
            if i % 2:
                out.extend(_bigrams(run))
            elif run:
                out.extend(_word_terms(run, stops, stem))
    return out


def term_id(term: str) -> int:
    return zlib.crc32(term.encode("utf-8"))


def document_vector(text: str, language: str | None = None) -> tuple[list[int], list[float]]:
    """(indices, values) of a document's sparse vector, indices sorted."""
    counts = Counter(term_id(t) for t in terms(text, language))
    length = sum(counts.values())
    norm = K1 * (1 - B + B * length / AVG_LEN)
    items = sorted(counts.items())
    return [i for i, _ in items], [tf * (K1 + 1) / (tf + norm) for _, tf in items]


def query_vector(text: str, languages: Iterable[str | None] = (ENGLISH,)) -> tuple[list[int], list[float]]:
    """(indices, values) of a query's sparse vector: every distinct term of the query read in each of ``languages``
    (its own and English, so that a query matches documents analysed either way) weighs 1."""
    ids = sorted({term_id(t) for language in languages for t in terms(text, language)})
    return ids, [1.0] * len(ids)
