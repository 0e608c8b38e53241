"""DocsightOllamaChatGenerator: Haystack's OllamaChatGenerator that can authenticate to an Ollama behind a proxy and
gives every request a total deadline."""

from __future__ import annotations

from typing import Any

from haystack import component
from haystack.utils import Secret, deserialize_secrets_inplace
from haystack_integrations.components.generators.ollama import OllamaChatGenerator
from ollama import Client

from pipelines.generation.http_deadline import DeadlineTransport

API_KEY_ENV = "DOCSIGHT_OLLAMA_API_KEY"
DEFAULT_API_KEY = Secret.from_env_var(API_KEY_ENV, strict=False)


def auth_headers(api_key: str | None) -> dict[str, str]:
    """``Authorization: Bearer <key>`` when a key is set (Ollama itself has no authentication; a reverse proxy or a
    hosted Ollama checks it)."""
    return {"Authorization": f"Bearer {api_key}"} if api_key else {}


@component
class DocsightOllamaChatGenerator(OllamaChatGenerator):
    """Everything of ``OllamaChatGenerator`` plus ``api_key``, sent as a bearer token on every request, and
    ``deadline_s``, the most a request may take in all (``timeout`` bounds each read only: a model that streams
    forever or a server that trickles bytes never trips it). Bound the answer's length with
    ``generation_kwargs={"num_predict": N}``.

    The key is a Haystack ``Secret`` read from ``DOCSIGHT_OLLAMA_API_KEY`` by default, so a pipeline YAML export
    names the variable, never the key.
    """

    def __init__(
        self, *, api_key: Secret | None = DEFAULT_API_KEY, deadline_s: float | None = None, **kwargs: Any
    ) -> None:
        """
        :param api_key: the bearer token (None or an unset variable: no ``Authorization`` header).
        :param deadline_s: seconds a whole request may take, streamed answer included (None: no total bound); when it
            runs out the request fails with an ``httpx.ReadTimeout`` naming the deadline.
        :param kwargs: ``OllamaChatGenerator``'s parameters (``model``, ``url``, ``timeout``, ``keep_alive``, ...).
        """
        OllamaChatGenerator.__init__(self, **kwargs)  # @component rebuilds the class: no zero-argument super()
        self.api_key = api_key
        self.deadline_s = deadline_s

    def warm_up(self) -> None:
        if self._client is None:
            key = self.api_key.resolve_value() if self.api_key is not None else None
            extra = {"transport": DeadlineTransport(self.deadline_s)} if self.deadline_s else {}
            self._client = Client(host=self.url, timeout=self.timeout, headers=auth_headers(key), **extra)

    def to_dict(self) -> dict[str, Any]:
        data = OllamaChatGenerator.to_dict(self)
        data["init_parameters"]["api_key"] = self.api_key.to_dict() if self.api_key is not None else None
        data["init_parameters"]["deadline_s"] = self.deadline_s
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocsightOllamaChatGenerator:
        deserialize_secrets_inplace(data["init_parameters"], keys=["api_key"])
        return OllamaChatGenerator.from_dict.__func__(cls, data)
