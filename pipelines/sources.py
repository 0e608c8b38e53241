"""Numbered sources: the ranked hits of ``docsight retrieve``, what the model is shown as [1]..[k], and what a
citation maps back to."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from haystack import Document

from ingest.schema import Kind, Meta

CROP_KINDS = (Kind.FIGURE, Kind.TABLE, Kind.PAGE)


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
    table_unit: str = ""  # the unit line of the table whose rows the chunk holds ("in millions, except per share")
    table_columns: list[str] | None = None  # that table's column headers (its periods)
    colours: list[str] | None = None  # an image's colour names ("dark yellow"): questions name series by colour
    document: str = ""  # what the document is, from its content: "3M COMPANY Form 10-K FY2018" (ingest.identity)

    @classmethod
    def from_document(cls, n: int, doc: Document) -> Source:
        meta = doc.meta
        return cls(
            n=n,
            source=meta.get(Meta.SOURCE, ""),
            doc_id=meta.get(Meta.DOC_ID, ""),
            page=int(meta.get(Meta.PAGE, 0)),
            kind=meta.get(Meta.KIND, Kind.TEXT.value),
            bbox=list(meta.get(Meta.BBOX, [])),
            section=meta.get(Meta.SECTION, ""),
            text=doc.content or "",
            score=float(doc.score or 0.0),
            crop_jpeg_b64=meta.get(Meta.CROP),
            page_size=list(meta.get(Meta.PAGE_SIZE) or []) or None,
            ocr=bool(meta.get(Meta.OCR, False)),
            table_unit=meta.get(Meta.TABLE_UNIT) or "",
            table_columns=list(meta.get(Meta.TABLE_COLUMNS) or []) or None,
            colours=list(meta.get(Meta.COLOURS) or []) or None,
            document=meta.get(Meta.DOC_TITLE, ""),
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
            data.pop(Meta.CROP)
            data["has_crop"] = self.has_crop
        return data
