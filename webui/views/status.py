"""Status: where the store is and what it holds, whether Ollama answers and has the configured models."""

from __future__ import annotations

import streamlit as st

from webui.context import service

svc = service()
settings = svc.settings
st.title("Status")

store = svc.store_status()
st.subheader("Qdrant")
st.markdown(
    f"- **{store['mode']}** store: `{store['location']}`\n"
    f"- collection `{store['collection']}`: {store['points']} points, {store['documents']} documents\n"
    f"- embedding model: `{store['embedding_model']}`"
)
if store["mode"] == "embedded":
    st.caption(
        "The embedded store admits one process: while this UI runs, `docsight ingest` on the same path is refused. "
        "Set DOCSIGHT_QDRANT_URL to a Qdrant server to use both at once."
    )

st.subheader("Ollama")
ollama = svc.ollama_status(max_age_s=0)
if ollama.reachable:
    st.success(f"Reachable at {ollama.url} (version {ollama.version or 'unknown'})")
else:
    st.error(ollama.error)
for model, pulled in ollama.models.items():
    role = "text" if model == settings.text_model else "vision"
    if pulled:
        st.markdown(f"- ✅ `{model}` ({role} model)")
    else:
        st.markdown(f"- ❌ `{model}` ({role} model): `ollama pull {model}`")
if not ollama.reachable or not all(ollama.models.values()):
    st.info("Without the models you can still ingest and search: questions get the ranked sources, no answer.")

st.subheader("Ingestion")
st.markdown(
    f"- {settings.workers} parser process(es), {settings.max_file_mb} MB per file, OCR languages "
    f"`{settings.ocr_languages}`\n- uploads kept in `{settings.upload_dir}`"
)
