"""Chat: ask, watch the answer stream in, follow each [n] to its source card (text, crop, full page)."""

from __future__ import annotations

import time

import streamlit as st

from pipelines.generation.citation_checker import NOTHING_RELEVANT
from pipelines.generation.ollama_status import explain_failure
from pipelines.sources import Source
from retrievers.errors import StoreError
from webui.chat_history import Turn
from webui.claim_marks import answer_with_marks, show_claims
from webui.context import chat_history, service
from webui.markdown import escape_markdown
from webui.service import DocsightService, OllamaReport
from webui.source_card import source_card

MODES = {"auto": "Auto (vision model for figures)", "text": "Text model", "vision": "Vision model"}


def generation_mode(mode: str, ollama: OllamaReport, settings) -> tuple[str | None, str]:
    """The mode to ask with (None: retrieval only) and a notice for the user."""
    if not ollama.reachable:
        return None, f"{ollama.error} Meanwhile, here are the best matching sources without a generated answer."
    text, vision = settings.text_model, settings.vision_model
    needed = {"text": [text], "vision": [vision], "auto": [text]}[mode]
    missing = [m for m in needed if not ollama.has(m)]
    if missing:
        pulls = " and ".join(f"`ollama pull {m}`" for m in missing)
        return None, f"Ollama has no {', '.join(missing)} ({pulls}). Showing the best matching sources only."
    if mode == "auto" and not ollama.has(vision):
        return "text", f"The vision model {vision} is not pulled: figures were described to the text model only."
    return mode, ""


def render_turn(svc: DocsightService, turn: Turn, index: int) -> None:
    with st.chat_message("user"):
        st.markdown(escape_markdown(turn.question))
    with st.chat_message("assistant"):
        sources = [Source(**s) for s in turn.sources]
        cited = [s for s in sources if s.n in turn.cited]
        if turn.answer:
            st.markdown(answer_with_marks(turn.answer, turn.claims, index, set(turn.cited)))
            details = f"{turn.model or 'no model'} · {turn.route} · {turn.seconds:.1f} s"
            if turn.scope:
                details += " · searched only " + ", ".join(turn.scope) + " (the question points at it)"
            st.caption(escape_markdown(details))
            show_claims(turn.claims)
            if turn.uncited:
                st.warning("This answer cites no source: treat it as unverified.")
        if turn.notice:
            st.info(turn.notice)
        shown = cited if turn.answer else sources
        if turn.answer and not cited and sources:
            st.caption("No source was cited; the retrieved sources are listed below.")
        for source in shown:
            source_card(svc, source, turn=index)
        others = [s for s in sources if s not in shown]
        if others:
            with st.expander(f"{len(others)} more retrieved source(s)"):
                for source in others:
                    source_card(svc, source, turn=index)


def answer(svc: DocsightService, question: str, mode: str, top_k: int, doc_ids: list[str]) -> Turn:
    turn = Turn(question=question)
    start = time.monotonic()
    effective, turn.notice = generation_mode(mode, svc.ollama_status(), svc.settings)
    with st.chat_message("user"):
        st.markdown(escape_markdown(question))
    with st.chat_message("assistant"):
        if effective is not None:
            placeholder, streamed = st.empty(), []

            def on_token(text: str) -> None:
                streamed.append(text)
                placeholder.markdown(escape_markdown("".join(streamed)) + " ▌")

            try:
                with st.spinner("Searching and answering…"):
                    result = svc.ask(question, mode=effective, top_k=top_k, doc_ids=doc_ids, on_token=on_token)
            except StoreError as exc:  # nothing to show either: the store is where the sources come from
                turn.notice = str(exc)
                turn.seconds = time.monotonic() - start
                return turn
            except Exception as exc:
                explained = explain_failure(exc, svc.settings.ollama_url, svc.settings.ollama_timeout)
                if explained is None:
                    raise
                svc.ollama_status(max_age_s=0)  # refresh the status panel
                turn.notice = f"{explained} Showing the best matching sources only."
            else:
                turn.answer, turn.cited = result["answer"], [c["n"] for c in result["citations"]]
                turn.route, turn.model, turn.uncited = result["route"], result["model"], result["uncited"]
                turn.sources, turn.scope = result["sources"], result["scope"]
                turn.claims = result.get("claims") or {}
                if result["route"] == "none":
                    turn.answer = NOTHING_RELEVANT
        if not turn.sources:
            try:
                with st.spinner("Searching…"):
                    found = svc.retrieve(question, top_k=top_k, doc_ids=doc_ids)
            except StoreError as exc:
                turn.notice = str(exc)
            else:
                turn.sources = [s.to_dict(with_crop=True) for s in found]
    turn.seconds = time.monotonic() - start
    return turn


svc = service()
history = chat_history()
st.title("Ask your documents")
records = svc.documents()
if not records:
    st.info("No documents yet. Add PDFs or images on the Documents page, then ask here.")
    st.page_link("views/documents.py", label="Go to Documents", icon=":material/description:")
    st.stop()

with st.sidebar:
    st.subheader("Question settings")
    names = {r.doc_id: f"{r.source} ({r.pages} p.)" for r in records}
    doc_ids = st.multiselect("Only these documents", list(names), format_func=names.get, placeholder="All documents")
    mode = st.radio("Model", list(MODES), format_func=MODES.get, key="docsight_mode")
    top_k = st.slider("Sources per answer", min_value=3, max_value=15, value=8)
    if st.button("Clear chat", disabled=not history.turns):
        history.clear()
        st.rerun()

for index, turn in enumerate(history.turns):
    render_turn(svc, turn, index)

question = st.chat_input("Ask a question about your documents")
if question and question.strip():
    history.add(answer(svc, question.strip(), mode, top_k, doc_ids))
    st.rerun()
