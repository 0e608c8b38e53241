"""Check Ollama before asking it anything, so that failures say what to do."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from pipelines.generation.errors import OllamaError
from pipelines.generation.http_deadline import DeadlineTransport, is_deadline
from pipelines.generation.ollama_chat_generator import auth_headers

__all__ = ["OllamaError", "OllamaStatus", "check_ollama", "explain_failure"]


@dataclass
class OllamaStatus:
    url: str
    version: str
    models: list[str]

    def has(self, model: str) -> bool:
        wanted = model if ":" in model else f"{model}:latest"
        return wanted in self.models or model in self.models


def check_ollama(
    url: str, models: list[str], *, timeout: float = 5.0, api_key: str = "", deadline_s: float = 10.0
) -> OllamaStatus:
    """Ask Ollama for its version and pulled models.

    :param timeout: seconds per read; ``deadline_s``: seconds per request in all (a server that trickles bytes).
    :param api_key: sent as a bearer token (an Ollama behind an authenticating proxy).
    :raises OllamaError: Ollama is not reachable at ``url``, too slow, refuses the key, or one of ``models`` is not
        pulled.
    """
    transport = DeadlineTransport(deadline_s)
    try:
        with httpx.Client(base_url=url, timeout=timeout, headers=auth_headers(api_key), transport=transport) as client:
            answers = [client.get("/api/version"), client.get("/api/tags")]
            for answer in answers:
                if answer.status_code in (401, 403):
                    raise OllamaError(
                        f"Ollama at {url} refused the request (HTTP {answer.status_code}): "
                        + ("check DOCSIGHT_OLLAMA_API_KEY" if api_key else "set DOCSIGHT_OLLAMA_API_KEY")
                    )
                answer.raise_for_status()
            version = answers[0].json().get("version", "")
            pulled = [m.get("name") or m.get("model", "") for m in answers[1].json().get("models", [])]
    except httpx.TimeoutException as exc:
        limit = f"within its total deadline of {deadline_s:g} s" if is_deadline(exc) else f"within {timeout:g} s"
        raise OllamaError(
            f"Ollama at {url} did not answer the status check {limit} ({type(exc).__name__}): it is overloaded or "
            "not an Ollama server. Check DOCSIGHT_OLLAMA_URL, or restart Ollama."
        ) from None
    except (httpx.HTTPError, ValueError) as exc:
        raise OllamaError(
            f"cannot reach Ollama at {url} ({type(exc).__name__}). Start it with `ollama serve` (or "
            "`docker compose up ollama`), or point DOCSIGHT_OLLAMA_URL at a running server."
        ) from None
    status = OllamaStatus(url=url, version=version, models=pulled)
    missing = [m for m in models if not status.has(m)]
    if missing:
        raise OllamaError(
            f"Ollama at {url} does not have {', '.join(missing)}: run "
            + " && ".join(f"`ollama pull {m}`" for m in missing)
        )
    return status


def explain_failure(exc: BaseException, url: str, timeout: int, deadline_s: int | None = None) -> OllamaError | None:
    """An :class:`OllamaError` saying what to do when ``exc`` (raised by a query) came from talking to Ollama, and
    which limit ended it: the per-read timeout or the request's total deadline."""
    from ingest.errors import find_cause

    timed_out = find_cause(exc, httpx.TimeoutException)
    if timed_out is not None and is_deadline(timed_out):
        return OllamaError(
            f"Ollama at {url} did not finish the answer within {deadline_s or '?'} s, the total deadline of a request "
            "(DOCSIGHT_OLLAMA_DEADLINE_S); the model was still sending. Raise DOCSIGHT_OLLAMA_DEADLINE_S, lower "
            "DOCSIGHT_OLLAMA_NUM_PREDICT, or use a smaller model."
        )
    if timed_out is not None:
        return OllamaError(
            f"Ollama at {url} did not answer within {timeout} s (DOCSIGHT_OLLAMA_TIMEOUT, the wait for each piece "
            "of the answer): raise it, or use a smaller model"
        )
    if find_cause(exc, httpx.TransportError):
        return OllamaError(f"lost the connection to Ollama at {url}: {exc}")
    return None
