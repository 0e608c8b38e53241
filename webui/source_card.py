"""A source card: which document, page and kind, the chunk's text, its crop, and the full page one click away."""

from __future__ import annotations

import base64

import streamlit as st

from pipelines.page_view import PageUnavailableError
from pipelines.sources import Source
from webui.markdown import escape_markdown, source_anchor
from webui.service import DocsightService

TEXT_PREVIEW_CHARS = 1500


def source_card(service: DocsightService, source: Source, *, turn: int) -> None:
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
        if source.has_crop and source.crop_jpeg_b64:
            # a table, figure or scanned page: the image is the source; its extracted text is one click away
            st.image(
                base64.b64decode(source.crop_jpeg_b64), caption=f"{source.kind} crop, page {source.page}", width=720
            )
            with st.expander(f"Extracted {source.kind} text"):
                st.markdown(escape_markdown(text))
        else:
            st.markdown(escape_markdown(text))
        key = f"page-{turn}-{source.n}"
        if st.toggle("Full page with this region", key=key):
            try:
                image = service.page_with_region(source)
            except PageUnavailableError as exc:
                st.info(str(exc))
            else:
                st.image(image, caption=f"{source.source}, page {source.page} (region outlined)")
