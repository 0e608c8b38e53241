"""The sidebar's collection picker: which collection the UI works on, and a new one (instead of
DOCSIGHT_COLLECTION)."""

from __future__ import annotations

import streamlit as st

from retrievers.errors import StoreError
from webui.service import IngestRunningError, WebService


def collection_picker(svc: WebService) -> None:
    """Pick the collection to work on, or name a new one (created when first opened)."""
    current = svc.settings.collection
    names = sorted({c.name for c in svc.collections()} | {current})
    chosen = st.selectbox("Collection", names, index=names.index(current), key="docsight_collection",
                          disabled=svc.ingests.active(), help="the documents questions are answered from")  # fmt: skip
    with st.popover("New collection", icon=":material/add:", disabled=svc.ingests.active()):
        name = st.text_input("Name", key="docsight_new_collection", placeholder="letters, digits, _ . -")
        if st.button("Create", key="docsight_create_collection", disabled=not name):
            chosen = name.strip()
    if chosen != current:
        try:
            svc.switch_collection(chosen)
        except (StoreError, IngestRunningError) as exc:
            st.error(str(exc))
            return
        st.session_state.pop("docsight_collection", None)
        st.rerun()
