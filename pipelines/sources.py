"""Numbered sources: the ranked hits of ``docsight retrieve``, what the model is shown as [1]..[k], and what a
citation maps back to."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from haystack import Document

CROP_KINDS = ("figure", "table", "page")


@dataclass
class Source:
    """One retrieved chunk as given to the model, numbered from 1."""

    n: int
    source: str
    doc_id: str
    page: int
    kind: str
    bbox: list[float]
    section: str
    text: str
    score: float
    crop_jpeg_b64: str | None = None
    page_size: list[float] | None = None  # the page's size in bbox units, to place bbox on a page image
    ocr: bool = False  # the text was read by OCR from an image or a scanned page: the image is the source

    @classmethod
    def from_document(cls, n: int, doc: Document) -> Source:
        meta = doc.meta
        return cls(
            n=n,
            source=meta.get("source", ""),
            doc_id=meta.get("doc_id", ""),
            page=int(meta.get("page", 0)),
            kind=meta.get("kind", "text"),
            bbox=list(meta.get("bbox", [])),
            section=meta.get("section", ""),
            text=doc.content or "",
            score=float(doc.score or 0.0),
            crop_jpeg_b64=meta.get("crop_jpeg_b64"),
            page_size=list(meta.get("page_size") or []) or None,
            ocr=bool(meta.get("ocr", False)),
        )

    @classmethod
    def from_dict(cls, data: dict) -> Source:
        """The source of a :meth:`to_dict` form (what the pipeline's components pass on); ``has_crop`` is derived."""
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})

    @property
    def has_crop(self) -> bool:
        return bool(self.crop_jpeg_b64) and self.kind in CROP_KINDS

    def to_dict(self, *, with_crop: bool = False) -> dict:
        data = asdict(self)
        if not with_crop:
            data.pop("crop_jpeg_b64")
            data["has_crop"] = self.has_crop
        return data
