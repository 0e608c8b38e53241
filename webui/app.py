"""The docsight web UI: ``docsight ui`` runs ``streamlit run`` on this file.

Pages: Chat (questions, streamed cited answers, source cards), Documents (upload, ingestion progress, manage),
Status (store and Ollama). The sidebar shows a one-line health summary on every page.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from webui.auth import require_password
from webui.context import service, settings
from webui.views.collection_picker import collection_picker

VIEWS = Path(__file__).parent / "views"
# a file, not an emoji or ":material/...:" name: Streamlit turns those into a favicon URL on a font or emoji CDN
FAVICON = Path(__file__).parent / "static" / "favicon.png"


def log_to_console() -> None:
    """docsight's own log lines (each ingested or failed file, each question's timing; never document text) on the
    server's console, once per process."""
    logger = logging.getLogger("docsight")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def main() -> None:
    log_to_console()
    st.set_page_config(page_title="docsight", page_icon=str(FAVICON), layout="wide")
    require_password(settings().ui_password)

    navigation = st.navigation(
        [
            st.Page(VIEWS / "chat.py", title="Chat", icon=":material/chat:", default=True),
            st.Page(VIEWS / "documents.py", title="Documents", icon=":material/description:"),
            st.Page(VIEWS / "status.py", title="Status", icon=":material/monitor_heart:"),
        ]
    )
    svc = service()
    with st.sidebar:
        collection_picker(svc)
        store = svc.store_status()
        ollama = svc.ollama_status()
        st.caption(f"Qdrant ({store['mode']}): {store['documents']} document(s), {store['points']} points")
        if not ollama.reachable:
            st.caption("Ollama: not reachable — search only")
        else:
            missing = [m for m, pulled in ollama.models.items() if not pulled]
            st.caption("Ollama: ready" if not missing else f"Ollama: missing {', '.join(missing)}")
    navigation.run()


# Streamlit runs this file as __main__. The ingestion's worker processes (multiprocessing "spawn") re-import the
# main script as __mp_main__: the guard keeps them from starting a second UI that would open the store.
if __name__ == "__main__":
    main()
