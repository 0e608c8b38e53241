"""Check Ollama before asking it anything, so that failures say what to do."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from pipelines.generation.ollama_chat_generator import auth_headers


class OllamaError(RuntimeError):
    """Ollama cannot answer: not running, model missing, or too slow. The message says what to do."""


@dataclass
class OllamaStatus:
    url: str
    version: str
    models: list[str]

    def has(self, model: str) -> bool:
        wanted = model if ":" in model else f"{model}:latest"
        return wanted in self.models or model in self.models


def check_ollama(url: str, models: list[str], *, timeout: float = 5.0, api_key: str = "") -> OllamaStatus:
    """Ask Ollama for its version and pulled models.

    :param api_key: sent as a bearer token (an Ollama behind an authenticating proxy).
    :raises OllamaError: Ollama is not reachable at ``url``, refuses the key, or one of ``models`` is not pulled.
    """
    try:
        with httpx.Client(base_url=url, timeout=timeout, headers=auth_headers(api_key)) as client:
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


def explain_failure(exc: BaseException, url: str, timeout: int) -> OllamaError | None:
    """An :class:`OllamaError` saying what to do when ``exc`` (raised by a query) came from talking to Ollama."""
    from ingest.errors import find_cause

    if find_cause(exc, httpx.TimeoutException):
        return OllamaError(
            f"Ollama at {url} did not answer within {timeout} s (raise DOCSIGHT_OLLAMA_TIMEOUT, or use a smaller model)"
        )
    if find_cause(exc, httpx.TransportError):
        return OllamaError(f"lost the connection to Ollama at {url}: {exc}")
    return None
