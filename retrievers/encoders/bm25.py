"""BM25-style sparse vectors for Qdrant: term-frequency weights here, IDF applied by Qdrant (``Modifier.IDF``).

Text is lower-cased, split into letter/digit runs, stripped of English stop words and Snowball-stemmed; each term
maps to a stable 32-bit id (CRC32, the same in every process). Document weights are BM25's saturated term frequency
with length normalisation; query terms weigh 1, so Qdrant's dot product with IDF is the BM25 score.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from functools import lru_cache
from pathlib import Path

import snowballstemmer

MODEL_NAME = "docsight/bm25-snowball-en"
K1 = 1.2
B = 0.75
AVG_LEN = 120.0  # typical chunk length in terms; fixed so that vectors do not depend on the corpus

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PARTS = re.compile(r"\d+|[^\W\d_]+", re.UNICODE)
STOP_WORDS = frozenset((Path(__file__).parent / "stopwords_en.txt").read_text(encoding="utf-8").split())
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


def terms(text: str) -> list[str]:
    """Normalised terms of ``text``: lower-cased, stop words removed, stemmed; mixed tokens also add their parts."""
    out = []
    for word in _WORD.findall(text.lower()):
        if word in STOP_WORDS or (len(word) == 1 and not word.isdigit()):
            continue
        out.append(word if word.isdigit() else _stem(word))
        if not word.isdigit() and not word.isalpha():  # "fy2018" also counts as "fy" and "2018"
            out.extend(_stem(p) if p.isalpha() else p for p in _PARTS.findall(word) if len(p) > 1)
    return out


def term_id(term: str) -> int:
    return zlib.crc32(term.encode("utf-8"))


def document_vector(text: str) -> tuple[list[int], list[float]]:
    """(indices, values) of a document's sparse vector, indices sorted."""
    counts = Counter(term_id(t) for t in terms(text))
    length = sum(counts.values())
    norm = K1 * (1 - B + B * length / AVG_LEN)
    items = sorted(counts.items())
    return [i for i, _ in items], [tf * (K1 + 1) / (tf + norm) for _, tf in items]


def query_vector(text: str) -> tuple[list[int], list[float]]:
    """(indices, values) of a query's sparse vector: every distinct term weighs 1."""
    ids = sorted({term_id(t) for t in terms(text)})
    return ids, [1.0] * len(ids)
