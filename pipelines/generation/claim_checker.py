"""ClaimChecker: every figure of the answer traced to the sources its sentence cites, or flagged; one repair round."""

from __future__ import annotations

from typing import Any

from haystack import component, default_from_dict, default_to_dict
from haystack.dataclasses import ChatMessage
from haystack.utils import Secret, deserialize_secrets_inplace
from ollama import Client

from pipelines.generation.citation_checker import CitationChecker
from pipelines.generation.claims import UNSUPPORTED, check_claims
from pipelines.generation.http_deadline import DeadlineTransport
from pipelines.generation.ollama_chat_generator import DEFAULT_API_KEY, auth_headers
from pipelines.generation.prompt import SYSTEM_PROMPT, context_size, estimate_tokens, user_prompt
from pipelines.sources import Source
from retrievers.query_expansion.glossary import load_glossary

REPAIR_PROMPT = (
    "Some figures in your answer could not be found in the sources you cited:\n{problems}\n"
    "Correct each of them from the sources, or remove it if the sources do not state it. Keep everything else. "
    "Reply with the full corrected answer only, citing sources as [n]."
)


@component
class ClaimChecker:
    """Checks the figures of a checked answer (see :mod:`pipelines.generation.claims`) and, when some are
    unsupported, asks the text model once to correct or remove them.

    The repair request repeats the original prompt (the numbered sources as text and the question), the first
    answer, and names each unsupported figure with the sources its sentence cited. The corrected answer goes through
    the citation checks and the claim checks again; ``claims["first"]`` keeps the first answer and its claims. A
    repair with more unsupported figures than the first answer does not replace it (``claims["repair"]["rejected"]``,
    the attempt in ``claims["repaired"]``). When Ollama cannot be reached for the repair, the first answer stands and
    ``claims["repair"]`` says why.
    """

    def __init__(
        self,
        *,
        repair: bool = True,
        model: str = "llama3.2:3b",
        url: str = "http://localhost:11434",
        timeout: int = 120,
        keep_alive: str | None = "10m",
        max_context: int = 16384,
        api_key: Secret | None = DEFAULT_API_KEY,
        deadline_s: float | None = None,
        num_predict: int | None = None,
        glossary_path: str | None = None,
    ) -> None:
        """
        :param repair: allow the one repair round.
        :param model: the Ollama model asked to repair (the text model).
        :param url: the Ollama server.
        :param timeout: seconds for the repair request.
        :param keep_alive: how long Ollama keeps the model loaded afterwards.
        :param max_context: the largest ``num_ctx`` requested.
        :param api_key: bearer token for an Ollama behind an authenticating proxy.
        :param deadline_s: seconds the whole repair request may take (None: no total bound).
        :param num_predict: the most tokens the repaired answer may have (None: Ollama's default).
        :param glossary_path: the glossary whose named formulas figures for a metric are checked against (None: the
            packaged one); a bad file is an error here, not at the first answer.
        """
        self.repair = repair
        self.model = model
        self.url = url
        self.timeout = timeout
        self.keep_alive = keep_alive
        self.max_context = max_context
        self.api_key = api_key
        self.deadline_s = deadline_s
        self.num_predict = num_predict
        self.glossary_path = glossary_path
        load_glossary(glossary_path)

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self,
            repair=self.repair,
            model=self.model,
            url=self.url,
            timeout=self.timeout,
            keep_alive=self.keep_alive,
            max_context=self.max_context,
            api_key=self.api_key.to_dict() if self.api_key is not None else None,
            deadline_s=self.deadline_s,
            num_predict=self.num_predict,
            glossary_path=self.glossary_path,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClaimChecker:
        deserialize_secrets_inplace(data["init_parameters"], keys=["api_key"])
        return default_from_dict(cls, data)

    @component.output_types(answer=str, citations=list[dict], uncited=bool, claims=dict)
    def run(
        self,
        answer: str,
        citations: list[dict],
        sources: list[dict],
        uncited: bool = False,
        question: str | None = None,
        model: str | None = None,
    ) -> dict[str, Any]:
        """
        :param answer: the answer after the citation checks.
        :param citations: its valid citations.
        :param sources: the numbered sources the model was given.
        :param uncited: the citation checker's verdict, passed on (recomputed for a repaired answer).
        :param question: the question (its years and unit count for sentences that name none).
        :param model: the model that answered; an empty string means no model answered (nothing is checked).
        :returns: ``answer``, ``citations`` and ``uncited`` (the repaired ones when a repair was made) and
            ``claims``: ``sentences`` (each with ``citations`` and ``figures``, each figure with its ``status``),
            ``total``, ``found``, ``unsupported``, ``line`` ("N of M figures found in the cited sources"),
            ``repair`` (``attempted``, ``error``) and, after a repair, ``first`` (``answer`` and its ``claims``).
        """
        glossary = load_glossary(self.glossary_path)
        claims = check_claims(answer, sources, question=question or "", glossary=glossary) if model != "" else _empty()
        claims["repair"] = {"attempted": False, "error": ""}
        out = {"answer": answer, "citations": citations, "uncited": uncited, "claims": claims}
        if not self.repair or not claims["unsupported"] or model == "":
            return out
        try:
            reply = self._ask_repair(answer, claims, sources, question or "")
        except Exception as exc:  # unreachable, timed out, model gone: the first answer stands, flagged
            claims["repair"] = {"attempted": True, "error": f"{type(exc).__name__}: {exc}"[:300]}
            return out
        checked = CitationChecker().run(sources=sources, text_replies=[ChatMessage.from_assistant(reply)])
        repaired = check_claims(checked["answer"], sources, question=question or "", glossary=glossary)
        if not checked["answer"].strip() or repaired["unsupported"] > claims["unsupported"]:
            # a worse repair (more figures not found) does not replace the answer; it is kept for inspection
            claims["repair"] = {"attempted": True, "error": "", "rejected": True}
            claims["repaired"] = {"answer": checked["answer"], "claims": repaired}
            return out
        repaired["repair"] = {"attempted": True, "error": ""}
        repaired["first"] = {"answer": answer, "claims": {k: v for k, v in claims.items() if k != "repair"}}
        return {
            "answer": checked["answer"],
            "citations": checked["citations"],
            "uncited": checked["uncited"],
            "claims": repaired,
        }

    def _ask_repair(self, answer: str, claims: dict, sources: list[dict], question: str) -> str:
        problems = []
        for sentence in claims["sentences"]:
            cited = ", ".join(f"[{n}]" for n in sentence["citations"]) or "no source"
            for figure in sentence["figures"]:
                if figure["status"] == UNSUPPORTED:
                    problems.append(f'- "{figure["text"]}" (the sentence cites {cited})')
        prompt = user_prompt(question, [Source(**_source_fields(s)) for s in sources])
        repair = REPAIR_PROMPT.format(problems="\n".join(problems))
        tokens = estimate_tokens(SYSTEM_PROMPT + prompt + answer + repair)
        key = self.api_key.resolve_value() if self.api_key is not None else None
        bounded = {"transport": DeadlineTransport(self.deadline_s)} if self.deadline_s else {}
        client = Client(host=self.url, timeout=self.timeout, headers=auth_headers(key), **bounded)
        response = client.chat(
            model=self.model,
            messages=[
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": prompt},
                {"role": "assistant", "content": answer},
                {"role": "user", "content": repair},
            ],
            stream=False,
            keep_alive=self.keep_alive,
            options={
                "num_ctx": context_size(tokens, with_image=False, maximum=self.max_context),
                "temperature": 0.0,
                **({"num_predict": self.num_predict} if self.num_predict else {}),
            },
        )
        return response["message"]["content"] or ""


def _source_fields(source: dict) -> dict:
    fields = Source.__dataclass_fields__
    return {k: v for k, v in source.items() if k in fields}


def _empty() -> dict:
    return {"sentences": [], "total": 0, "found": 0, "unsupported": 0, "line": ""}
