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
    ollama_timeout: int = 120
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

    # Web UI (`docsight ui`)
    ui_address: str = "127.0.0.1"  # localhost only; 0.0.0.0 exposes it (set ui_password then)
    ui_port: int = 8501
    ui_password: str = ""  # when set, the UI asks for it before showing anything
    upload_dir: str = "data/uploads"  # uploaded files are kept here (one folder per content hash)

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
