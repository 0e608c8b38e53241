"""A source card: which document, page and kind, and what the source is: the image of a table, figure, scanned
page or OCRed region (its extracted text one click away), or the text of a text chunk; "Open in viewer" shows the
document at that page with the region outlined."""

from __future__ import annotations

import base64

import streamlit as st

from pipelines.sources import Source
from webui.markdown import escape_markdown, source_anchor
from webui.page_view import PageUnavailableError
from webui.service import WebService
from webui.viewer import open_viewer

TEXT_PREVIEW_CHARS = 1500


def source_card(service: WebService, source: Source, *, turn: int) -> None:
    """Render ``source`` in a bordered box whose anchor is ``#source-<turn>-<n>`` (citation links point here)."""
    with st.container(border=True):
        st.subheader(
            f"[{source.n}] {escape_markdown(source.source)} · page {source.page} · {source.kind}",
            anchor=source_anchor(turn, source.n),
            divider=False,
        )
        if source.section:
            st.caption(escape_markdown(source.section[:200]))
        text = source.text if len(source.text) <= TEXT_PREVIEW_CHARS else source.text[:TEXT_PREVIEW_CHARS] + " …"
        image, caption = _image_of(service, source)
        if image is not None:
            # a table, figure, scanned page or OCRed region: the image is the source, its text is one click away
            st.image(image, caption=caption, width="content")  # never wider than its column
            with st.expander(f"Extracted {'OCR ' if source.ocr else ''}text"):
                st.markdown(escape_markdown(text))
        else:
            st.markdown(escape_markdown(text))
        if st.button("Open in viewer", key=f"view-{turn}-{source.n}", icon=":material/pageview:"):
            open_viewer(source)
            st.rerun()


def _image_of(service: WebService, source: Source):
    """(image, caption) of a source that comes from an image, or (None, "") for a text chunk of a text layer."""
    if source.has_crop and source.crop_jpeg_b64:
        return base64.b64decode(source.crop_jpeg_b64), f"{source.kind} crop, page {source.page}"
    if source.ocr:
        try:
            return service.region_image(source), f"OCRed region, page {source.page}"
        except PageUnavailableError:
            return None, ""  # the file is gone: the OCR text is all there is
    return None, ""
