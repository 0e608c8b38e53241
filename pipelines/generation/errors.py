"""Errors of the generation side that front ends catch; kept free of imports so that catching them costs nothing
(``docsight retrieve`` never loads the Ollama client)."""

from __future__ import annotations


class OllamaError(RuntimeError):
    """Ollama cannot answer: not running, model missing, or too slow. The message says what to do."""
