"""CitationChecker: parse the model's [n] citations, keep only real ones, map them to documents and pages."""

from __future__ import annotations

import re
from typing import Any

from haystack import component, default_from_dict, default_to_dict
from haystack.dataclasses import ChatMessage

from ingest.schema import Meta
from pipelines.generation.prompt import NOT_FOUND

NOTHING_RELEVANT = "I found nothing about this in the documents."
# [3], [1, 2], [1][2], [2-4], [Source 3], 【3】
_CITATION = re.compile(r"[\[【]\s*(?:sources?\s*)?(\d+(?:\s*(?:[,;–-]|and)\s*\d+)*)\s*[\]】]", re.IGNORECASE)


def parse_citations(answer: str) -> list[int]:
    """Source numbers cited in ``answer``, in order of first appearance (ranges expanded)."""
    numbers: list[int] = []
    for match in _CITATION.finditer(answer):
        for part in re.split(r"\s*(?:[,;]|and)\s*", match.group(1)):
            bounds = [int(x) for x in re.split(r"\s*[–-]\s*", part) if x.strip()]
            span = range(bounds[0], bounds[-1] + 1) if len(bounds) == 2 and bounds[1] - bounds[0] < 20 else bounds
            numbers += [n for n in span if n not in numbers]
    return numbers


@component
class CitationChecker:
    """Turns the model's reply into a checked answer.

    Citations pointing outside ``[1]..[k]`` are dropped (and removed from the text); each remaining one is mapped to
    its document, page, bbox, kind and crop. ``uncited`` is true for an answer that states something but cites
    nothing — callers show it as unverified. With no reply (nothing relevant retrieved), the answer says so.
    """

    def __init__(self) -> None:
        pass

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CitationChecker:
        return default_from_dict(cls, data)

    @component.output_types(answer=str, citations=list[dict], uncited=bool, dropped=list[int], model=str)
    def run(
        self,
        sources: list[dict],
        text_replies: list[ChatMessage] | None = None,
        vision_replies: list[ChatMessage] | None = None,
    ) -> dict[str, Any]:
        """
        :param sources: the numbered sources the model was given.
        :param text_replies: the text model's reply, if it ran.
        :param vision_replies: the vision model's reply, if it ran.
        :returns: ``answer`` (text with only valid citations), ``citations`` (one dict per cited source: ``n``,
            ``source``, ``doc_id``, ``page``, ``bbox``, ``kind``, ``section``, ``crop_jpeg_b64``), ``uncited``,
            ``dropped`` (invalid numbers the model produced) and ``model``.
        """
        replies = text_replies or vision_replies or []
        if not replies:
            return {"answer": NOTHING_RELEVANT, "citations": [], "uncited": False, "dropped": [], "model": ""}
        reply = replies[0]
        answer = (reply.text or "").strip()
        model = str(reply.meta.get("model", ""))
        by_number = {s["n"]: s for s in sources}
        cited = parse_citations(answer)
        dropped = [n for n in cited if n not in by_number]
        if dropped:
            answer = _remove_numbers(answer, set(dropped))
        citations = [
            {
                k: by_number[n].get(k)
                for k in ("n", Meta.SOURCE, Meta.DOC_ID, Meta.PAGE, Meta.BBOX, Meta.KIND, Meta.SECTION, Meta.CROP)
            }
            for n in cited
            if n in by_number
        ]
        uncited = not citations and NOT_FOUND.rstrip(".").lower() not in answer.lower()
        return {"answer": answer, "citations": citations, "uncited": uncited, "dropped": dropped, "model": model}


def _remove_numbers(answer: str, invalid: set[int]) -> str:
    def keep_valid(match: re.Match) -> str:
        valid = [n for n in parse_citations(match.group(0)) if n not in invalid]
        return match.group(1) + "[" + ", ".join(map(str, valid)) + "]" if valid else ""

    return re.sub(r"(\s*)" + _CITATION.pattern, keep_valid, answer, flags=re.IGNORECASE).strip()
