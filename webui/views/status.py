"""Status: where the store is and what it holds, whether Ollama answers and has the configured models (and which
others it has), and the answer ratings to export."""

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

st.subheader("Collections")
collections = svc.collections()
st.dataframe(
    [
        {
            "collection": c.name + (" (in use)" if c.name == store["collection"] else ""),
            "documents": c.documents,
            "points": c.points,
            "embedding model": c.embedding_model,
            "created": c.created_at[:19].replace("T", " "),
        }
        for c in collections
    ],
    hide_index=True,
    width="stretch",
)
others = [c.name for c in collections if c.name != store["collection"]]
if others:
    doomed = st.selectbox("Delete a collection", others, key="docsight_delete_collection")
    asked = st.session_state.get("docsight_confirm_collection") == doomed
    if not asked and st.button(f"Delete {doomed}", icon=":material/delete:"):
        st.session_state["docsight_confirm_collection"] = doomed
        st.rerun()
    if asked:
        info = next(c for c in collections if c.name == doomed)
        st.warning(f"Delete collection {doomed} with its {info.documents} document(s) and {info.points} points?")
        yes, no = st.columns(2)
        if yes.button("Yes, delete", type="primary", key="docsight_delete_collection_yes"):
            svc.delete_collection(doomed)
            st.session_state.pop("docsight_confirm_collection", None)
            st.toast(f"Deleted collection {doomed}")
            st.rerun()
        if no.button("Cancel", key="docsight_delete_collection_no"):
            st.session_state.pop("docsight_confirm_collection", None)
            st.rerun()

st.subheader("Ollama")
ollama = svc.ollama_status(max_age_s=0)
if ollama.reachable:
    st.success(f"Reachable at {ollama.url} (version {ollama.version or 'unknown'})")
else:
    st.error(ollama.error)
for model, pulled in ollama.models.items():
    role = "text" if model == settings.text_model else "vision"
    # Material icons come with Streamlit's own font: emoji would need an emoji font in the browser
    if pulled:
        st.markdown(f"- :green[:material/check_circle:] `{model}` ({role} model)")
    else:
        st.markdown(f"- :red[:material/cancel:] `{model}` ({role} model): `ollama pull {model}`")
others = [m for m in ollama.available if m not in ollama.models]
if others:
    st.caption("Also pulled (choose them in the Chat sidebar): " + ", ".join(f"`{m}`" for m in others))
if not ollama.reachable or not all(ollama.models.values()):
    st.info("Without the models you can still ingest and search: questions get the ranked sources, no answer.")

st.subheader("Ingestion")
st.markdown(
    f"- {settings.workers} parser process(es), {settings.max_file_mb} MB per file, OCR languages "
    f"`{settings.ocr_languages}`\n- uploads kept in `{settings.upload_dir}`"
)

st.subheader("Answer ratings")
ratings = svc.feedback.rows()
up = sum(r["rating"] > 0 for r in ratings)
st.markdown(f"- {len(ratings)} rated answer(s): {up} helpful, {len(ratings) - up} not helpful\n"
            f"- stored in `{settings.feedback_db}`")  # fmt: skip
st.download_button(
    "Export ratings (JSONL)",
    svc.feedback.export_jsonl(),
    file_name="docsight-feedback.jsonl",
    mime="application/jsonl",
    disabled=not ratings,
    icon=":material/download:",
)
