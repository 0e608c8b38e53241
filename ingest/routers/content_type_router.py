"""ContentTypeRouter: routes files by what their bytes are, not by their names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from haystack import component, default_from_dict, default_to_dict

from ingest.errors import IngestError
from ingest.filetypes import IMAGE_TYPES, PDF, detect_type


@component
class ContentTypeRouter:
    """Sends PDFs to ``pdf``, PNG/JPEG/TIFF/HEIC images to ``image`` and everything else to ``unsupported``.

    Detection reads the first bytes of each file (a PDF named ``.txt`` is still a PDF).
    """

    def __init__(self) -> None:
        pass

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ContentTypeRouter:
        return default_from_dict(cls, data)

    @component.output_types(pdf=list[str], image=list[str], unsupported=list[str])
    def run(self, sources: list[str | Path]) -> dict[str, list[str]]:
        """:returns: the sources split into ``pdf``, ``image`` and ``unsupported`` (empty, unreadable or other)."""
        routed: dict[str, list[str]] = {"pdf": [], "image": [], "unsupported": []}
        for source in sources:
            path = Path(source)
            try:
                kind = detect_type(path)
            except (IngestError, OSError):
                routed["unsupported"].append(str(path))
                continue
            routed["pdf" if kind == PDF else "image" if kind in IMAGE_TYPES else "unsupported"].append(str(path))
        return routed
