"""LayoutChunker: turn a page's layout blocks into overlapping text windows plus whole table/figure/page chunks."""

from __future__ import annotations

import re
from itertools import groupby
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from ingest.chunking.table_context import table_context
from ingest.documents import chunk_id, plain_text
from ingest.layout.blocks import FIGURE, HEADING, PAGE, TABLE, TEXT
from ingest.schema import Meta

# Scripts written without spaces between words: Han, kana, Hangul syllables. A word-piece tokenizer gives each such
# character (about) one piece, so each counts as a token and a run of them can be cut anywhere.
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+|[^\w\s]")
_UNSPACED_CHAR = re.compile(rf"[{_UNSPACED}]")
_PIECE_TOKENS = 16  # a longer unspaced run is windowed in pieces of this many characters
_STANDALONE = (TABLE, FIGURE, PAGE)


def count_tokens(text: str) -> int:
    """Approximate word-piece count: words, punctuation marks (numbers like '5,363' count 3) and each CJK/kana/Hangul
    character."""
    return len(_TOKEN.findall(text))


def _pieces(word: str) -> list[str]:
    """A whitespace-separated word, cut into pieces a window may end between: a long run of unspaced script (a
    Chinese or Japanese sentence has no spaces) would otherwise be one unsplittable 'word' far over the budget."""
    if len(word) <= _PIECE_TOKENS or not _UNSPACED_CHAR.search(word):
        return [word]
    return [word[i : i + _PIECE_TOKENS] for i in range(0, len(word), _PIECE_TOKENS)]


@component
class LayoutChunker:
    """Chunks one page at a time; chunks never cross pages.

    - **Text windows**: the page's text in reading order — paragraphs, headings, list items and the rows of its
      tables — is cut into windows of at most ``max_tokens`` (approximate word pieces) that overlap by
      ``overlap_tokens``. A window carries the context around a figure of speech or a table row (the heading above
      it, the statement's title), which small per-paragraph chunks lose; on FinanceBench this raised page recall
      within a filing (see eval/). ``section`` is the heading in effect where the window starts; ``bbox`` is the
      union of the blocks it covers.
    - **Tables, figures and page images** also stay whole, one chunk each with their crop (a table as Markdown), so
      that a question about a table can be answered from its exact structure and image.
    - A table's unit line and column headers (see :mod:`ingest.chunking.table_context`) go into the meta of its
      whole-table chunk and of every window that holds its rows (``table_unit``, ``table_columns``; for a window,
      those of the first table it covers), without changing the chunk's text. A figure's chunk gets them too (its
      text may be the rows of a statement printed as an image).
    - Each chunk gets a deterministic id from its document's sha256, its position and its text, and a
      ``chunk_index``.

    The default budget (220) keeps a window plus its title and heading within all-MiniLM-L6-v2's 256 word pieces.
    """

    def __init__(self, *, max_tokens: int = 220, overlap_tokens: int = 60, min_tokens: int = 12) -> None:
        """
        :param max_tokens: the size budget of a text window.
        :param overlap_tokens: overlap between consecutive windows of a page.
        :param min_tokens: a last window that adds fewer new tokens than this is merged into the one before it.
        """
        if overlap_tokens >= max_tokens:
            raise ValueError("overlap_tokens must be smaller than max_tokens")
        self.max_tokens = max_tokens
        self.overlap_tokens = overlap_tokens
        self.min_tokens = min_tokens

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self, max_tokens=self.max_tokens, overlap_tokens=self.overlap_tokens, min_tokens=self.min_tokens
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LayoutChunker:
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, list[Document]]:
        """Chunk block Documents (as produced by the converters, in document order).

        :param documents: block Documents with ``doc_id``, ``page``, ``bbox``, ``kind`` and ``section`` meta.
        :returns: ``documents``: per page, its text windows, then its tables, figures and page images.
        """
        chunks: list[Document] = []
        for _, page_blocks in groupby(documents, key=lambda b: (b.meta[Meta.DOC_ID], b.meta[Meta.PAGE])):
            blocks = list(page_blocks)
            tables: dict[int, dict] = {}
            for i, b in enumerate(blocks):
                if b.meta[Meta.KIND] in (TABLE, FIGURE):  # a figure's text may be a table's rows (a statement as image)
                    before = tables.get(id(blocks[i - 1])) if i else None
                    tables[id(b)] = table_context(blocks, i, b.content or "", before)
            whole = [_copy(b, b.content or "", tables.get(id(b))) for b in blocks if b.meta[Meta.KIND] in _STANDALONE]
            same = {" ".join(plain_text(c).split()) for c in whole}
            windows = self._windows([b for b in blocks if b.meta[Meta.KIND] not in (FIGURE, PAGE)], tables)
            chunks.extend(w for w in windows if " ".join((w.content or "").split()) not in same)  # no duplicates
            chunks.extend(whole)
        return {"documents": _number(chunks)}

    def _windows(self, blocks: list[Document], tables: dict[int, dict]) -> list[Document]:
        """Overlapping windows over the words of ``blocks`` (one page), remembering each word's block."""
        words: list[tuple[int, str, int, bool]] = []  # (block index, word, tokens, glued to the word before)
        for index, block in enumerate(blocks):
            for word in plain_text(block).split():
                words += [(index, p, count_tokens(p), n > 0) for n, p in enumerate(_pieces(word))]
        windows: list[tuple[int, int]] = []
        start = 0
        while start < len(words):
            end, size = start, 0
            while end < len(words) and (size + words[end][2] <= self.max_tokens or end == start):
                size += words[end][2]
                end += 1
            windows.append((start, end))
            if end >= len(words):
                break
            back, overlap = end, 0
            while back > start + 1 and overlap + words[back - 1][2] <= self.overlap_tokens:
                back -= 1
                overlap += words[back][2]
            start = back
        if len(windows) > 1 and sum(w[2] for w in words[windows[-2][1] : windows[-1][1]]) < self.min_tokens:
            _, last_end = windows.pop()  # a last window that adds almost nothing new joins the one before
            windows[-1] = (windows[-1][0], last_end)
        return [_window(blocks, words[s:e], tables) for s, e in windows]


def _window(blocks: list[Document], words: list[tuple[int, str, int, bool]], tables: dict[int, dict]) -> Document:
    covered = sorted({index for index, *_ in words})
    lines = [_join([(w, glued) for i, w, _, glued in words if i == index]) for index in covered]
    first = blocks[covered[0]]
    meta = {k: v for k, v in first.meta.items() if k not in (Meta.CROP, Meta.CAPTION)}
    boxes = [blocks[i].meta[Meta.BBOX] for i in covered]
    meta[Meta.BBOX] = [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]
    meta[Meta.KIND] = TEXT
    meta[Meta.OCR] = any(blocks[i].meta.get(Meta.OCR) for i in covered)
    if first.meta[Meta.KIND] == HEADING:
        meta[Meta.SECTION] = (first.content or "")[:300]
    meta.update(next((tables[id(blocks[i])] for i in covered if id(blocks[i]) in tables), {}))
    return Document(content="\n".join(lines), meta=meta)


def _join(words: list[tuple[str, bool]]) -> str:
    parts: list[str] = []
    for word, glued in words:
        if glued and parts:
            parts[-1] += word
        else:
            parts.append(word)
    return " ".join(parts)


def _copy(block: Document, content: str, extra: dict | None = None) -> Document:
    return Document(content=content, meta={**block.meta, **(extra or {})})


def _number(chunks: list[Document]) -> list[Document]:
    numbered = []
    for index, chunk in enumerate(chunks):
        meta = {**chunk.meta, Meta.CHUNK_INDEX: index}
        numbered.append(
            Document(id=chunk_id(meta[Meta.DOC_ID], index, chunk.content or ""), content=chunk.content, meta=meta)
        )
    return numbered
