"""Chat: ask, watch the answer stream in, follow each [n] to its source card, open the cited page in the viewer
beside the chat, rate the answer."""

from __future__ import annotations

import time

import streamlit as st

from pipelines.generation.citation_checker import NOTHING_RELEVANT
from pipelines.generation.ollama_status import explain_failure
from pipelines.service import OllamaReport
from retrievers.errors import StoreError
from webui.chat_history import Turn
from webui.claim_marks import answer_with_marks, show_claims
from webui.context import chat_history, service
from webui.feedback import DOWN, UP
from webui.markdown import escape_markdown, short_name
from webui.service import WebService
from webui.source_card import source_card
from webui.viewer import document_viewer, viewer_open

MODES = {"auto": "Auto (vision model for figures)", "text": "Text model", "vision": "Vision model"}


def duration(seconds: float) -> str:
    """A timing caption: milliseconds under a second (never "0.0 s")."""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def generation_mode(
    mode: str, ollama: OllamaReport, settings, text: str = "", vision: str = ""
) -> tuple[str | None, str]:
    """The mode to ask with (None: retrieval only) and a notice for the user; ``text``/``vision`` are the chosen
    models (the configured ones by default)."""
    if not ollama.reachable:
        return None, f"{ollama.error} Meanwhile, here are the best matching sources without a generated answer."
    text, vision = text or settings.text_model, vision or settings.vision_model
    needed = {"text": [text], "vision": [vision], "auto": [text]}[mode]
    missing = [m for m in needed if not ollama.has(m)]
    if missing:
        pulls = " and ".join(f"`ollama pull {m}`" for m in missing)
        return None, f"Ollama has no {', '.join(missing)} ({pulls}). Showing the best matching sources only."
    if mode == "auto" and not ollama.has(vision):
        return "text", f"The vision model {vision} is not pulled: figures were described to the text model only."
    return mode, ""


def render_turn(svc: WebService, turn: Turn, index: int) -> None:
    with st.chat_message("user"):
        st.markdown(escape_markdown(turn.question))
    with st.chat_message("assistant"):
        sources = turn.sources
        cited = [s for s in sources if s.n in turn.cited]
        if turn.answer:
            st.markdown(answer_with_marks(turn.answer, turn.claims, index, set(turn.cited)))
            details = f"{turn.model or 'no model'} · {turn.route} · {duration(turn.seconds)}"
            if turn.scope:
                details += " · searched only " + ", ".join(turn.scope) + " (the question points at it)"
            st.caption(escape_markdown(details))
            show_claims(turn.claims)
            if turn.uncited:
                st.warning("This answer cites no source: treat it as unverified.")
            rating_buttons(svc, turn)
        elif turn.sources:
            st.caption(f"search only · {duration(turn.seconds)}")
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


def rating_buttons(svc: WebService, turn: Turn) -> None:
    """Thumbs up/down, stored in the feedback database under the answer's id (rating again replaces it)."""
    rated = svc.feedback.rating(turn.answer_id)
    up, down, said = st.columns([1, 1, 6], vertical_alignment="center")
    for column, value, icon, label in ((up, UP, ":material/thumb_up:", "Good answer"),
                                       (down, DOWN, ":material/thumb_down:", "Bad answer")):  # fmt: skip
        chosen = rated == value
        if column.button("", icon=icon, key=f"rate-{value}-{turn.answer_id}", help=label,
                         type="primary" if chosen else "secondary"):  # fmt: skip
            svc.feedback.rate(
                turn.answer_id,
                value,
                question=turn.question,
                answer=turn.answer,
                model=turn.model,
                route=turn.route,
                cited=turn.cited,
                sources=[s.to_dict() for s in turn.sources],
            )
            st.rerun()
    if rated is not None:
        said.caption("Rated " + ("helpful" if rated == UP else "not helpful") + ". Thank you.")


def answer(
    svc: WebService,
    question: str,
    mode: str,
    top_k: int,
    doc_ids: list[str],
    text_model: str = "",
    vision_model: str = "",
    temperature: float | None = None,
) -> Turn:
    turn = Turn(question=question)
    start = time.monotonic()
    effective, turn.notice = generation_mode(mode, svc.ollama_status(), svc.settings, text_model, vision_model)
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
                    result = svc.ask(
                        question,
                        mode=effective,
                        top_k=top_k,
                        doc_ids=doc_ids,
                        on_token=on_token,
                        text_model=text_model,
                        vision_model=vision_model,
                        temperature=temperature,
                    )
            except StoreError as exc:  # nothing to show either: the store is where the sources come from
                turn.notice = str(exc)
                turn.seconds = time.monotonic() - start
                return turn
            except Exception as exc:
                explained = explain_failure(
                    exc, svc.settings.ollama_url, svc.settings.ollama_timeout, svc.settings.ollama_deadline_s
                )
                if explained is None:
                    raise
                svc.ollama_status(max_age_s=0)  # refresh the status panel
                turn.notice = f"{explained} Showing the best matching sources only."
            else:
                turn.answer, turn.cited = result.answer, result.cited
                turn.route, turn.model, turn.uncited = result.route, result.model, result.uncited
                turn.sources, turn.scope, turn.claims = result.sources, result.scope, result.claims
                if result.route == "none":
                    turn.answer = NOTHING_RELEVANT
        if not turn.sources:
            try:
                with st.spinner("Searching…"):
                    found = svc.retrieve(question, top_k=top_k, doc_ids=doc_ids)
            except StoreError as exc:
                turn.notice = str(exc)
            else:
                turn.sources = found
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
    names = {r.doc_id: f"{short_name(r.source)} ({r.pages} p.)" for r in records}
    doc_ids = st.multiselect("Only these documents", list(names), format_func=names.get, placeholder="All documents")
    mode = st.radio("Model", list(MODES), format_func=MODES.get, key="docsight_mode")
    ollama = svc.ollama_status()
    text_model = vision_model = ""
    if ollama.available:
        models = ollama.available
        configured = {"text": svc.settings.text_model, "vision": svc.settings.vision_model}
        picked = {}
        for role, default in configured.items():
            options = models if default in models else [default, *models]
            picked[role] = st.selectbox(
                f"{role.capitalize()} model", options, index=options.index(default), key=f"docsight_{role}_model"
            )
        text_model, vision_model = picked["text"], picked["vision"]
    top_k = st.slider("Sources per answer", min_value=3, max_value=15, value=8, key="docsight_top_k")
    temperature = st.slider(
        "Temperature", min_value=0.0, max_value=1.0, value=0.0, step=0.1, key="docsight_temperature",
        help="0 answers the same way every time; higher values vary the wording",
    )  # fmt: skip
    if st.button("Clear chat", disabled=not history.turns):
        history.clear()
        st.rerun()

chat_column = st.container()
if viewer_open():
    chat_column, viewer_column = st.columns([3, 2], gap="medium")
    with viewer_column, st.container(key="docsight_viewer"):
        document_viewer(svc)

with chat_column:
    for index, turn in enumerate(history.turns):
        render_turn(svc, turn, index)

question = st.chat_input("Ask a question about your documents")
if question and question.strip():
    with chat_column:
        history.add(
            answer(svc, question.strip(), mode, top_k, doc_ids, text_model, vision_model, temperature=temperature)
        )
    st.rerun()
