"""All docsight settings in one typed place.

Every setting is read from an environment variable with the prefix ``DOCSIGHT_`` (for example
``DOCSIGHT_QDRANT_PATH``); CLI flags override them. Other modules receive the values they need from a
:class:`Settings` instance and never read the environment themselves.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_PREFIX = "DOCSIGHT_"


class SettingsError(ValueError):
    """A setting has a value docsight cannot use; the message names the variable."""


def _default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class Settings:
    """docsight configuration. Field ``name`` is read from ``DOCSIGHT_NAME``."""

    # Qdrant: an embedded on-disk store at `qdrant_path` unless `qdrant_url` is set.
    qdrant_path: str = "data/qdrant"
    qdrant_url: str = ""
    qdrant_api_key: str = ""
    qdrant_timeout: int = 60
    collection: str = "docsight"
    shard_number: int = 0  # 0: server default
    replication_factor: int = 0
    write_consistency_factor: int = 0

    # Embeddings: "minilm" (packaged all-MiniLM-L6-v2, no server), "minilm-int8" (the same, quantised, ~1.9x faster),
    # "e5-small-multilingual" (packaged multilingual-e5-small, 4-bit: ~100 languages, cross-lingual)
    # or "ollama:<model>" (e.g. ollama:nomic-embed-text).
    embedder: str = "minilm"
    embed_batch_size: int = 16
    embedding_dim: int = 768  # only for exporting pipelines with an Ollama embedder (MiniLM is always 384)
    cache_dir: str = ""  # where derived model files (the ONNX encoder) are built; default ~/.cache/docsight

    # Ollama
    ollama_url: str = "http://localhost:11434"
    ollama_api_key: str = ""  # sent as "Authorization: Bearer ..." (an Ollama behind an authenticating proxy)
    ollama_timeout: int = 120  # seconds per read (connect, first byte, each streamed piece)
    ollama_deadline_s: int = 600  # seconds for a whole request, however slowly its bytes arrive
    ollama_num_predict: int = 1024  # most tokens an answer may have (Ollama's num_predict)
    ollama_num_ctx_max: int = 16384  # num_ctx is computed per request from the prompt, up to this
    keep_alive: str = "10m"  # how long Ollama keeps a model loaded after a request
    text_model: str = "llama3.2:3b"
    vision_model: str = "llama3.2-vision:11b"

    # Ingestion
    workers: int = field(default_factory=_default_workers)
    max_file_mb: int = 200
    max_image_pixels: int = 100_000_000
    max_pages: int = 2000
    file_timeout_s: int = 900
    max_worker_memory_mb: int = 4096  # a parser worker's heap limit; a file that needs more fails as too large
    ocr_languages: str = "auto"  # "auto": each page's script is detected; or tesseract codes, e.g. "eng+deu"
    ocr_dpi: int = 200
    chunk_tokens: int = 220
    chunk_overlap_tokens: int = 60
    crop_max_side: int = 1024
    crop_jpeg_quality: int = 80

    # Retrieval
    glossary_path: str = ""  # metric -> line items/statements glossary (YAML); default: the packaged financial one

    # Web UI (`docsight ui`)
    ui_address: str = "127.0.0.1"  # localhost only; 0.0.0.0 exposes it (set ui_password then)
    ui_port: int = 8501
    ui_password: str = ""  # when set, the UI asks for it before showing anything
    upload_dir: str = "data/uploads"  # uploaded files are kept here (one folder per content hash)
    # Conversations
    conversations_db: str = "data/conversations.sqlite3"  # saved conversations (SQLite)
    rewrite: str = "auto"  # follow-ups made standalone: "auto" (the text model, rules when it fails), "rules"
    rewrite_timeout_s: int = 15  # the whole rewrite request; on time-out the rules' form is used
    rewrite_num_predict: int = 96  # most tokens of a rewritten question
    history_turns: int = 4  # earlier turns (questions and answers) in the answer prompt
    history_tokens: int = 1536  # most prompt tokens the history may take

    def __post_init__(self) -> None:
        for message in _problems(self):
            raise SettingsError(message)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``DOCSIGHT_*`` variables, then apply non-None ``overrides`` (CLI flags).

        :raises SettingsError: when a variable cannot be converted to the field's type.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            var = ENV_PREFIX + f.name.upper()
            if var in env and env[var] != "":
                values[f.name] = _convert(var, env[var], f.type)
        for name, value in overrides.items():
            if value is not None:
                values[name] = value
        return cls(**values)

    @property
    def ocr_language_list(self) -> list[str]:
        return [lang.strip() for lang in self.ocr_languages.replace("+", ",").split(",") if lang.strip()]

    @property
    def qdrant_location(self) -> str:
        """A human-readable description of where the store lives."""
        return self.qdrant_url or str(Path(self.qdrant_path).resolve())

    @classmethod
    def documented(cls) -> list[tuple[str, str]]:
        """(environment variable, default) for every setting, for docs and compose checks."""
        out = []
        for f in dataclasses.fields(cls):
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
            out.append((ENV_PREFIX + f.name.upper(), str(default)))
        return out


MIN_WORKER_MEMORY_MB = 512  # a worker holds the parsers, OCR and the encoder: below this it cannot even start

# field: (smallest, largest, what it means); None: no bound on that side
_RANGES: dict[str, tuple[int | None, int | None, str]] = {
    "qdrant_timeout": (1, None, "seconds"),
    "shard_number": (0, None, "0: the server's default"),
    "replication_factor": (0, None, "0: the server's default"),
    "write_consistency_factor": (0, None, "0: the server's default"),
    "embed_batch_size": (1, None, "texts per batch"),
    "embedding_dim": (1, None, "dimensions"),
    "ollama_timeout": (1, None, "seconds"),
    "ollama_deadline_s": (1, None, "seconds"),
    "ollama_num_ctx_max": (512, None, "tokens"),
    "ollama_num_predict": (1, None, "tokens"),
    "workers": (1, None, "processes"),
    "max_file_mb": (1, None, "MB"),
    "max_image_pixels": (1, None, "pixels"),
    "max_pages": (1, None, "pages"),
    "file_timeout_s": (1, None, "seconds"),
    "max_worker_memory_mb": (0, None, "MB, 0: no limit"),
    "ocr_dpi": (50, 1200, "dots per inch"),
    "chunk_tokens": (16, None, "tokens"),
    "chunk_overlap_tokens": (0, None, "tokens"),
    "crop_max_side": (64, None, "pixels"),
    "crop_jpeg_quality": (1, 95, "JPEG quality"),
    "ui_port": (1, 65535, "a TCP port"),
    "rewrite_timeout_s": (1, None, "seconds"),
    "rewrite_num_predict": (8, None, "tokens"),
    "history_turns": (0, None, "turns"),
    "history_tokens": (0, None, "tokens"),
}


def _problems(settings: Settings) -> list[str]:
    """What is wrong with ``settings``, one message per bad variable (empty when all is well)."""
    problems = []
    for name, (low, high, unit) in _RANGES.items():
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{_var(name)}={value!r} is not a whole number")
        elif (low is not None and value < low) or (high is not None and value > high):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            problems.append(f"{_var(name)}={value} is out of range: it must be {bounds} ({unit})")
    if problems:
        return problems
    if settings.rewrite not in ("auto", "rules"):
        problems.append(f"{_var('rewrite')}={settings.rewrite!r} must be auto or rules")
    if settings.chunk_overlap_tokens >= settings.chunk_tokens:
        problems.append(
            f"{_var('chunk_overlap_tokens')}={settings.chunk_overlap_tokens} must be smaller than "
            f"{_var('chunk_tokens')}={settings.chunk_tokens} (windows would never advance)"
        )
    if 0 < settings.max_worker_memory_mb < MIN_WORKER_MEMORY_MB:
        problems.append(
            f"{_var('max_worker_memory_mb')}={settings.max_worker_memory_mb} is too small: a parser worker needs at "
            f"least {MIN_WORKER_MEMORY_MB} MB to start (0: no limit)"
        )
    return problems


def _var(name: str) -> str:
    return ENV_PREFIX + name.upper()


def _convert(var: str, raw: str, type_name: Any) -> Any:
    type_name = str(type_name)
    try:
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
        if type_name == "bool":
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
    except ValueError:
        raise SettingsError(f"{var}={raw!r} is not a valid {type_name}") from None
    return raw
