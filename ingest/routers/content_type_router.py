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
    def run(self, sources: list[str | Path], file_types: list[str] | None = None) -> dict[str, list[str]]:
        """
        :param file_types: each source's type (a value of ``ingest.filetypes.SUPPORTED_TYPES``), when the caller
            has detected it already; the files are then not read here.
        :returns: the sources split into ``pdf``, ``image`` and ``unsupported`` (empty, unreadable or other).
        :raises ValueError: ``file_types`` does not have one entry per source.
        """
        if file_types is not None and len(file_types) != len(sources):
            raise ValueError(f"file_types has {len(file_types)} entries for {len(sources)} source(s)")
        routed: dict[str, list[str]] = {"pdf": [], "image": [], "unsupported": []}
        for i, source in enumerate(sources):
            path = Path(source)
            if file_types is not None:
                kind = file_types[i]
            else:
                try:
                    kind = detect_type(path)
                except (IngestError, OSError):
                    routed["unsupported"].append(str(path))
                    continue
            routed["pdf" if kind == PDF else "image" if kind in IMAGE_TYPES else "unsupported"].append(str(path))
        return routed
