"""AnswerPromptBuilder: numbered sources + question -> chat messages for the text or the vision model."""

from __future__ import annotations

import base64
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict
from haystack.dataclasses import ChatMessage, ImageContent

from ingest.language import writing_system
from ingest.schema import VISUAL_KINDS
from pipelines.generation.prompt import SYSTEM_PROMPT, context_size, estimate_tokens, history_messages, user_prompt
from pipelines.generation.tiling import MAX_PIXELS, tile_crops
from pipelines.sources import Source
from retrievers.encoders.bm25 import terms

MODES = ("auto", "text", "vision")


@component
class AnswerPromptBuilder:
    """Numbers the retrieved chunks [1]..[k], writes the prompt, and routes it to the text or the vision model.

    Routing (``mode``): ``text`` always uses the text model; ``vision`` always uses the vision model with the
    crops of the sources; ``auto`` uses the vision model when a figure or a page image (scan, chart, photo) is among
    the ``visual_top_n`` best sources — tables alone stay with the text model, which reads their Markdown. Several
    crops are tiled into one labelled image (one image per message is all Llama 3.2 Vision accepts), within
    ``max_image_pixels``. ``num_ctx`` is computed from the prompt size, so Ollama never truncates silently; sources
    are dropped from the end when the prompt would not fit ``max_context``.

    History: the earlier turns of a conversation (``history``, oldest first: ``question`` and ``answer``, no
    sources) go before the question as user and assistant messages, the newest that fit ``max_history_tokens``;
    their ``[n]`` citations are removed, since the sources are numbered afresh for each question.

    Comparisons: with the retriever's ``split`` (the hits of each compared document, in order), the sources are
    listed under one heading per document, and a prompt too long for ``max_context`` loses sources from the
    largest group first, so each document keeps sources the answer can cite.

    Relevance gate: when no retrieved chunk shares two of the question's content terms (all of them for a one-term
    question), no messages are produced and the answer is "nothing relevant found" rather than a guess. A chunk
    that shares a single term passes only when its MiniLM cosine similarity with the question reaches
    ``min_dense_similarity``: one accidental word ("Who won the FIFA World Cup?" against "South Korean Won")
    is not a match.
    """

    def __init__(
        self,
        *,
        mode: str = "auto",
        visual_top_n: int = 3,
        max_images: int = 4,
        max_image_pixels: int = MAX_PIXELS,
        max_context: int = 16384,
        temperature: float = 0.0,
        min_dense_similarity: float = 0.2,
        max_history_tokens: int = 1536,
    ) -> None:
        """
        :param mode: default routing, ``auto``, ``text`` or ``vision``.
        :param visual_top_n: in ``auto``, how many of the best sources are checked for figures and page images.
        :param max_images: crops tiled into the vision request at most.
        :param max_image_pixels: pixel budget of the tiled image.
        :param max_context: the largest ``num_ctx`` requested.
        :param temperature: sampling temperature sent to Ollama (a call's ``temperature`` overrides it).
        :param min_dense_similarity: the cosine similarity a chunk sharing one term with the question needs to pass
            the relevance gate (off-topic questions score below 0.11 on the financebench filings, their questions
            0.30 and more against their evidence).
        :param max_history_tokens: the most prompt tokens the conversation's earlier turns may take.
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.mode = mode
        self.visual_top_n = visual_top_n
        self.max_images = max_images
        self.max_image_pixels = max_image_pixels
        self.max_context = max_context
        self.temperature = temperature
        self.min_dense_similarity = min_dense_similarity
        self.max_history_tokens = max_history_tokens

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self,
            mode=self.mode,
            visual_top_n=self.visual_top_n,
            max_images=self.max_images,
            max_image_pixels=self.max_image_pixels,
            max_context=self.max_context,
            temperature=self.temperature,
            min_dense_similarity=self.min_dense_similarity,
            max_history_tokens=self.max_history_tokens,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnswerPromptBuilder:
        return default_from_dict(cls, data)

    @component.output_types(
        text_messages=list[ChatMessage],
        vision_messages=list[ChatMessage],
        sources=list[dict],
        route=str,
        generation_kwargs=dict[str, Any],
    )
    def run(
        self,
        question: str,
        documents: list[Document],
        mode: str | None = None,
        temperature: float | None = None,
        history: list[dict[str, str]] | None = None,
        split: list[dict] | None = None,
    ) -> dict[str, Any]:
        """
        :param question: the user's question (standalone: a follow-up already rewritten).
        :param split: a comparison's groups (``doc_ids``, ``titles``, ``sources``; the retriever's ``split``).
        :param history: earlier turns, oldest first, each ``{"question": ..., "answer": ...}``.
        :param documents: retrieved chunks, best first.
        :param mode: overrides the default routing for this call.
        :param temperature: overrides the sampling temperature for this call.
        :returns: ``sources`` (numbered, with crops), ``route`` (``text``, ``vision`` or ``none``), and either
            ``text_messages`` or ``vision_messages`` with the matching ``generation_kwargs`` (``num_ctx``,
            ``temperature``); no messages when nothing relevant was retrieved.
        """
        mode = mode or self.mode
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        sources = [Source.from_document(n, doc) for n, doc in enumerate(documents, start=1)]
        if not sources or not relevant(question, sources, self.min_dense_similarity):
            return {"sources": [s.to_dict(with_crop=True) for s in sources], "route": "none"}
        route = self._route(mode, sources)
        imaged = [s for s in sources if s.has_crop][: self.max_images] if route == "vision" else []
        if route == "vision" and not imaged:
            route = "text"  # nothing to show: a vision request without an image is a text request
        earlier = history_messages(history or [], max_tokens=self.max_history_tokens)
        history_tokens = sum(estimate_tokens(m.text or "") for m in earlier)
        sources, prompt = self._fit(question, sources, imaged, history_tokens, split or [])
        imaged = [s for s in imaged if any(s is kept for kept in sources)]
        message = ChatMessage.from_user(prompt)
        if imaged:
            tiled = tile_crops(
                [(s.n, base64.b64decode(s.crop_jpeg_b64 or "")) for s in imaged], max_pixels=self.max_image_pixels
            )
            image = ImageContent(base64_image=base64.b64encode(tiled).decode("ascii"), mime_type="image/jpeg")
            message = ChatMessage.from_user(content_parts=[prompt, image])
        messages = [ChatMessage.from_system(SYSTEM_PROMPT), *earlier, message]
        num_ctx = context_size(
            estimate_tokens(SYSTEM_PROMPT + prompt) + history_tokens, with_image=bool(imaged), maximum=self.max_context
        )
        return {
            f"{route}_messages": messages,
            "sources": [s.to_dict(with_crop=True) for s in sources],
            "route": route,
            "generation_kwargs": {
                "num_ctx": num_ctx,
                "temperature": self.temperature if temperature is None else temperature,
            },
        }

    def _route(self, mode: str, sources: list[Source]) -> str:
        if mode != "auto":
            return mode
        top = sources[: self.visual_top_n]
        return "vision" if any(s.has_crop and s.kind in VISUAL_KINDS for s in top) else "text"

    def _fit(
        self,
        question: str,
        sources: list[Source],
        imaged: list[Source],
        history_tokens: int = 0,
        split: list[dict] | None = None,
    ) -> tuple[list[Source], str]:
        """Drop sources until the prompt (after ``history_tokens`` of history) fits ``max_context``: from the end,
        or in a comparison from the end of the largest group (the rest numbered afresh)."""
        group_of = {d: i for i, g in enumerate(split or []) for d in g.get("doc_ids", [])}
        headings = [_heading(g) for g in split or []]
        while True:
            numbers = [s.n for s in imaged if any(s is kept for kept in sources)]
            groups = [(headings[group_of[s.doc_id]] if s.doc_id in group_of else "") for s in sources]
            prompt = user_prompt(question, sources, image_numbers=numbers, groups=groups if split else None)
            tokens = estimate_tokens(SYSTEM_PROMPT + prompt) + history_tokens
            if len(sources) <= 1 or context_size(tokens, with_image=bool(numbers), maximum=10**9) <= self.max_context:
                return sources, prompt
            if not split:
                sources = sources[:-1]
                continue
            sizes = {g: groups.count(g) for g in groups}
            largest = max(sizes, key=lambda g: sizes[g])
            last = max(i for i, g in enumerate(groups) if g == largest)
            sources = sources[:last] + sources[last + 1 :]
            for n, source in enumerate(sources, start=1):
                source.n = n


def _heading(group: dict) -> str:
    """How the prompt names a compared document: its title (from its content), else its file name."""
    titles = [t for t in group.get("titles", []) if t]
    return "; ".join(titles or group.get("sources", []) or group.get("doc_ids", []))


def relevant(question: str, sources: list[Source], min_dense_similarity: float) -> bool:
    """The relevance gate (see :class:`AnswerPromptBuilder`)."""
    wanted = set(terms(question))
    if not wanted:
        return True
    script = writing_system(question)
    if any(writing_system(s.text) not in ("", script) for s in sources):
        return True  # a passage in another script shares no word with the question: the dense match decides
    shared = [len(wanted & set(terms(_gate_text(s)))) for s in sources]
    if max(shared) >= min(2, len(wanted)):
        return True
    single = [s for s, n in zip(sources, shared, strict=True) if n == 1]
    return bool(single) and max(dense_similarities(question, single)) >= min_dense_similarity


def _gate_text(source: Source) -> str:
    """What the gate compares the question with: the section, an image's colour names (a chart's series are asked
    about by colour, which its OCR text never spells) and the text."""
    return " ".join([source.section, *(source.colours or []), source.text])


def dense_similarities(question: str, sources: list[Source]) -> list[float]:
    """Cosine similarity of the question with each source's gate text (MiniLM, the retrieval encoder)."""
    import numpy as np

    from retrievers.encoders.minilm_onnx import shared_onnx_encoder

    vectors = shared_onnx_encoder().encode([question] + [_gate_text(s) for s in sources])
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return [float(v) for v in vectors[1:] @ vectors[0]]
