"""The baselines docsight is compared with in the same run, as the issue defines them.

- plain BM25 over each page's text (lower-cased words, no stop words, no stemming; k1 = 1.2, b = 0.75);
- plain dense retrieval: all-MiniLM-L6-v2 over 200-word windows of each page's text, a page scored by its best
  window.

Page text comes from pypdfium2 (plain text extraction, no layout analysis); window vectors are cached per file
content in ``<cache>/eval`` so that repeated runs cost only the queries.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np

PageKey = tuple[str, int]  # (file name, 1-based page)
_WORD = re.compile(r"\w+")


def page_texts(path: Path) -> list[str]:
    """Plain text of every page of a PDF (pypdfium2)."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        texts = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        pdf.close()


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class PlainBM25:
    """BM25 over whole pages with no linguistic processing."""

    def __init__(self, pages: dict[PageKey, str], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.keys = list(pages)
        self.tfs = [Counter(words(pages[k])) for k in self.keys]
        self.lengths = np.asarray([sum(tf.values()) for tf in self.tfs], dtype=np.float64)
        self.avg = float(self.lengths.mean()) if len(self.keys) else 0.0
        df: Counter[str] = Counter()
        for tf in self.tfs:
            df.update(tf.keys())
        n = len(self.keys)
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.k1, self.b = k1, b

    def rank(self, question: str, *, only: set[str] | None = None, n: int = 10) -> list[PageKey]:
        terms = [t for t in set(words(question)) if t in self.idf]
        scores = np.zeros(len(self.keys))
        norm = self.k1 * (1 - self.b + self.b * self.lengths / (self.avg or 1.0))
        for i, tf in enumerate(self.tfs):
            if only is not None and self.keys[i][0] not in only:
                scores[i] = -1.0
                continue
            scores[i] = sum(self.idf[t] * tf[t] * (self.k1 + 1) / (tf[t] + norm[i]) for t in terms if t in tf)
        order = np.argsort(-scores, kind="stable")
        return [self.keys[i] for i in order[:n] if scores[i] >= 0]


class PlainDense:
    """MiniLM over 200-word windows; a page's score is its best window's cosine."""

    WINDOW = 200

    def __init__(self, files: list[Path], *, cache_dir: Path, encoder=None) -> None:
        from retrievers.encoders.minilm_onnx import shared_onnx_encoder

        self.encoder = encoder or shared_onnx_encoder()
        keys, blocks = [], []
        for path in files:
            file_keys, vectors = self._windows(path, cache_dir)
            keys += file_keys
            blocks.append(vectors)
        self.keys = keys
        self.vectors = np.vstack(blocks) if blocks else np.zeros((0, 384), dtype=np.float32)

    def _windows(self, path: Path, cache_dir: Path) -> tuple[list[PageKey], np.ndarray]:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:24]
        cached = cache_dir / f"plain-dense-{digest}.npz"
        if cached.exists():
            data = np.load(cached)
            return [(path.name, int(p)) for p in data["pages"]], data["vectors"]
        pages, texts = [], []
        for number, text in enumerate(page_texts(path), start=1):
            tokens = text.split()
            for start in range(0, len(tokens), self.WINDOW):
                pages.append(number)
                texts.append(" ".join(tokens[start : start + self.WINDOW]))
        vectors = self.encoder.encode(texts) if texts else np.zeros((0, 384), dtype=np.float32)
        vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        cache_dir.mkdir(parents=True, exist_ok=True)
        np.savez(cached, pages=np.asarray(pages, dtype=np.int32), vectors=vectors.astype(np.float32))
        return [(path.name, p) for p in pages], vectors.astype(np.float32)

    def rank(self, question: str, *, only: set[str] | None = None, n: int = 10) -> list[PageKey]:
        query = self.encoder.encode([question])[0]
        scores = self.vectors @ (query / max(float(np.linalg.norm(query)), 1e-12))
        ranking: list[PageKey] = []
        for i in np.argsort(-scores, kind="stable"):
            key = self.keys[i]
            if (only is None or key[0] in only) and key not in ranking:
                ranking.append(key)
                if len(ranking) >= n:
                    break
        return ranking
