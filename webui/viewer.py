"""The document viewer beside the chat: a cited document opened at the cited page with the cited region outlined,
zoom (into the region), previous/next page and the original file to download.

Pages are rendered on the server from the ingested file (see :mod:`webui.page_view`) and shown as images: the
same view for PDFs and image files, nothing for the browser to fetch, and no whole PDF sent to it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import streamlit as st
from PIL import Image

from pipelines.sources import Source
from webui.markdown import escape_markdown
from webui.page_view import PageUnavailableError
from webui.service import WebService

STATE = "docsight_viewer"
ZOOMS = {"Whole page": 1.0, "150 %": 1.5, "200 %": 2.0, "300 %": 3.0}


@dataclass
class ViewerState:
    doc_id: str
    source: str
    page: int
    cited_page: int
    bbox: list[float] = field(default_factory=list)
    page_size: list[float] = field(default_factory=list)
    zoom: str = "Whole page"


def open_viewer(source: Source) -> None:
    """Open ``source``'s document at its page with its region outlined (on the next run)."""
    st.session_state[STATE] = asdict(
        ViewerState(source.doc_id, source.source, source.page, source.page, source.bbox, source.page_size or [])
    )


def viewer_open() -> bool:
    return bool(st.session_state.get(STATE))


def zoomed(image: Image.Image, zoom: float, bbox: list[float], page_size: list[float]) -> Image.Image:
    """A window of ``1/zoom`` of the page centred on ``bbox`` (the page's centre without one)."""
    if zoom <= 1.0:
        return image
    width, height = int(image.width / zoom), int(image.height / zoom)
    cx, cy = image.width / 2, image.height / 2
    if len(bbox) == 4 and len(page_size) == 2 and page_size[0] and page_size[1]:
        cx = (bbox[0] + bbox[2]) / 2 * image.width / page_size[0]
        cy = (bbox[1] + bbox[3]) / 2 * image.height / page_size[1]
    left = int(min(max(cx - width / 2, 0), image.width - width))
    top = int(min(max(cy - height / 2, 0), image.height - height))
    return image.crop((left, top, left + width, top + height))


def document_viewer(service: WebService) -> None:
    """The viewer panel for the document in this session's viewer state."""
    state = ViewerState(**st.session_state[STATE])
    pages = service.page_count(state.doc_id)
    st.subheader(escape_markdown(state.source), divider=False)
    back, where, forward, close = st.columns([1, 2, 1, 1], vertical_alignment="center")
    if back.button("Previous", icon=":material/chevron_left:", disabled=state.page <= 1, key="viewer_prev"):
        _go(state, state.page - 1)
    where.caption(f"Page {state.page} of {pages or '?'}" + (" · cited region outlined" if _cited(state) else ""))
    if forward.button("Next", icon=":material/chevron_right:", disabled=bool(pages) and state.page >= pages,
                      key="viewer_next"):  # fmt: skip
        _go(state, state.page + 1)
    if close.button("Close", icon=":material/close:", key="viewer_close"):
        st.session_state.pop(STATE, None)
        st.rerun()
    zoom = st.segmented_control("Zoom", list(ZOOMS), default=state.zoom, key="viewer_zoom")
    zoom = zoom or "Whole page"
    if zoom != state.zoom:
        st.session_state[STATE]["zoom"] = zoom
    cited = _cited(state)
    bbox, page_size = (state.bbox, state.page_size) if cited else ([], [])
    try:
        image = service.page(
            state.doc_id, state.page, bbox=bbox, page_size=page_size, max_side=int(1400 * min(ZOOMS[zoom], 2.0))
        )
    except PageUnavailableError as exc:
        st.info(str(exc))
    else:
        shown = zoomed(image, ZOOMS[zoom], bbox, page_size)
        st.image(shown, caption=f"{state.source}, page {state.page}", width="stretch")
    original = service.original(state.doc_id)
    if original is not None:
        st.download_button(
            "Download the original", original[1], file_name=original[0], icon=":material/download:", key="viewer_dl"
        )


def _cited(state: ViewerState) -> bool:
    return state.page == state.cited_page and len(state.bbox) == 4


def _go(state: ViewerState, page: int) -> None:
    st.session_state[STATE]["page"] = page
    st.rerun()
