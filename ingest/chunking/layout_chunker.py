"""LayoutChunker: merge layout blocks into retrieval chunks that respect pages, headings and a size budget."""

from __future__ import annotations

import re
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from ingest.documents import CROP_FIELD, chunk_id
from ingest.layout.blocks import FIGURE, HEADING, PAGE, TABLE

_TOKEN = re.compile(r"\w+|[^\w\s]")
_STANDALONE = (TABLE, FIGURE, PAGE)


def count_tokens(text: str) -> int:
    """Approximate word-piece count: words and punctuation marks (numbers like '5,363' count 3)."""
    return len(_TOKEN.findall(text))


@component
class LayoutChunker:
    """Groups consecutive text blocks of one page into chunks of at most ``max_tokens`` (approximate word pieces).

    - Chunks never cross pages; a heading starts a new chunk, and every chunk keeps its ``section`` heading.
    - Tables, figures and page images stay whole, one chunk each (a table is never split mid-row).
    - A paragraph longer than the budget is split by words with ``overlap_tokens`` of overlap; blocks are never
      overlapped otherwise, since whole paragraphs already carry their context.
    - Each chunk gets a deterministic id from its document's sha256, its position and its text, a ``chunk_index``,
      and ``bbox`` = the union of its blocks' boxes.

    The default budget (220) keeps a chunk plus its heading within all-MiniLM-L6-v2's 256 word-piece window.
    """

    def __init__(self, *, max_tokens: int = 220, overlap_tokens: int = 40, min_tokens: int = 12) -> None:
        """
        :param max_tokens: the size budget of a text chunk.
        :param overlap_tokens: overlap between the pieces of a paragraph that exceeds the budget.
        :param min_tokens: a page's last chunk smaller than this is merged into the previous one.
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
        :returns: ``documents``: the chunks, in document order.
        """
        chunks: list[Document] = []
        group: list[Document] = []
        for block in documents:
            if group and (
                block.meta["page"] != group[0].meta["page"]
                or block.meta["doc_id"] != group[0].meta["doc_id"]
                or block.meta["kind"] in _STANDALONE
                or (block.meta["kind"] == HEADING and group[-1].meta["kind"] != HEADING)
            ):
                chunks.extend(self._text_chunks(group))
                group = []
            if block.meta["kind"] in _STANDALONE:
                chunks.append(_copy(block, block.content or ""))
            else:
                group.append(block)
        chunks.extend(self._text_chunks(group))
        return {"documents": _number(chunks)}

    def _text_chunks(self, blocks: list[Document]) -> list[Document]:
        """Pack one page's run of text blocks (starting at a heading or page top) into chunks within budget."""
        out: list[tuple[list[Document], str]] = []
        current: list[Document] = []
        texts: list[str] = []
        size = 0
        for block in blocks:
            text = block.content or ""
            n = count_tokens(text)
            if n > self.max_tokens:
                if current:
                    out.append((current, "\n".join(texts)))
                    current, texts, size = [], [], 0
                out.extend(([block], piece) for piece in self._split(text))
                continue
            if current and size + n > self.max_tokens:
                out.append((current, "\n".join(texts)))
                current, texts, size = [], [], 0
            current.append(block)
            texts.append(text)
            size += n
        if current:
            if out and size < self.min_tokens and count_tokens(out[-1][1]) + size <= self.max_tokens * 1.2:
                prev_blocks, prev_text = out.pop()
                out.append((prev_blocks + current, prev_text + "\n" + "\n".join(texts)))
            else:
                out.append((current, "\n".join(texts)))
        return [_merge(group, text) for group, text in out if text.strip()]

    def _split(self, text: str) -> list[str]:
        """Split an oversized paragraph into overlapping word windows within the budget."""
        words = text.split()
        pieces, start = [], 0
        while start < len(words):
            end, size = start, 0
            while end < len(words) and (size + count_tokens(words[end]) <= self.max_tokens or end == start):
                size += count_tokens(words[end])
                end += 1
            pieces.append(" ".join(words[start:end]))
            if end >= len(words):
                break
            back, overlap = end, 0
            while back > start + 1 and overlap + count_tokens(words[back - 1]) <= self.overlap_tokens:
                back -= 1
                overlap += count_tokens(words[back])
            start = back
        return pieces


def _copy(block: Document, content: str) -> Document:
    return Document(content=content, meta=dict(block.meta))


def _merge(blocks: list[Document], text: str) -> Document:
    meta = {k: v for k, v in blocks[0].meta.items() if k != CROP_FIELD}
    boxes = [b.meta["bbox"] for b in blocks]
    meta["bbox"] = [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]
    meta["kind"] = "text"
    meta["ocr"] = any(b.meta.get("ocr") for b in blocks)
    if blocks[0].meta["kind"] == HEADING:
        meta["section"] = blocks[0].content[:300]
    return Document(content=text, meta=meta)


def _number(chunks: list[Document]) -> list[Document]:
    numbered = []
    for index, chunk in enumerate(chunks):
        meta = {**chunk.meta, "chunk_index": index}
        numbered.append(
            Document(id=chunk_id(meta["doc_id"], index, chunk.content or ""), content=chunk.content, meta=meta)
        )
    return numbered
