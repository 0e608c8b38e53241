"""Chat: conversations (follow-ups made standalone, saved as they go, listed in the sidebar), the sources as soon as
they are found, the answer streaming in, each [n] followed to its source card, the cited page in the viewer beside
the chat, ratings."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from pipelines.answer import source_groups
from pipelines.conversation.store import DOWN, UP
from pipelines.conversation.turns import Conversation, Turn
from pipelines.generation.citation_checker import NOTHING_RELEVANT
from pipelines.generation.ollama_status import explain_failure
from pipelines.service import OllamaReport
from retrievers.errors import StoreError
from webui.claim_marks import answer_with_marks, show_claims
from webui.context import service
from webui.markdown import escape_markdown, short_name
from webui.service import WebService
from webui.source_card import source_card
from webui.viewer import document_viewer, viewer_open

CONVERSATION = "docsight_conversation"  # this session's open conversation
MODE = "docsight_mode"
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


def render_turn(svc: WebService, conversation: Conversation, turn: Turn, index: int) -> None:
    with st.chat_message("user"):
        st.markdown(escape_markdown(turn.question))
    with st.chat_message("assistant"):
        if turn.searched_for:
            st.caption(escape_markdown(f"Searched for: {turn.searched_for}"))
        sources = svc.with_crops(turn.sources)
        cited = [s for s in sources if s.n in turn.citations]
        if turn.answer:
            st.markdown(answer_with_marks(turn.answer, turn.claims, index, set(turn.citations)))
            details = f"{turn.model or 'no model'} · {turn.route or 'stopped'} · {duration(turn.seconds)}"
            if turn.scope:
                details += " · searched only " + ", ".join(turn.scope) + " (the question points at it)"
            st.caption(escape_markdown(details))
            show_claims(turn.claims)
            if turn.uncited and turn.complete:
                st.warning("This answer cites no source: treat it as unverified.")
            if turn.complete:
                rating_buttons(svc, conversation, turn)
        elif turn.sources:
            st.caption(f"search only · {duration(turn.seconds)}")
        if turn.notice:
            st.info(turn.notice)
        shown = cited if turn.answer and turn.complete else sources
        if turn.answer and turn.complete and not cited and sources:
            st.caption("No source was cited; the retrieved sources are listed below.")
        for name, group in source_groups(shown, turn.split):  # a comparison: the sources of each document together
            if name and group:
                st.markdown(f"**{escape_markdown(name)}**")
            for source in group:
                source_card(svc, source, turn=index)
        others = [s for s in sources if s not in shown]
        if others:
            with st.expander(f"{len(others)} more retrieved source(s)"):
                for source in others:
                    source_card(svc, source, turn=index)


def rating_buttons(svc: WebService, conversation: Conversation, turn: Turn) -> None:
    """Thumbs up/down, kept with the turn in its saved conversation (rating again replaces it)."""
    up, down, said = st.columns([1, 1, 6], vertical_alignment="center")
    for column, value, icon, label in ((up, UP, ":material/thumb_up:", "Good answer"),
                                       (down, DOWN, ":material/thumb_down:", "Bad answer")):  # fmt: skip
        chosen = turn.rating == value
        if column.button("", icon=icon, key=f"rate-{value}-{turn.answer_id}", help=label,
                         type="primary" if chosen else "secondary"):  # fmt: skip
            svc.conversations.rate(conversation, turn, value)
            st.rerun()
    if turn.rating:
        said.caption("Rated " + ("helpful" if turn.rating == UP else "not helpful") + ". Thank you.")


def answer(
    svc: WebService,
    conversation: Conversation,
    question: str,
    mode: str,
    top_k: int,
    doc_ids: list[str],
    text_model: str = "",
    vision_model: str = "",
    temperature: float | None = None,
) -> Turn | None:
    """Answer ``question`` as the conversation's next turn, saved from the start: a click while it streams (which
    makes Streamlit stop this run) leaves the question, the sources and the answer so far in the conversation."""
    index = len(conversation.turns)
    effective, notice = generation_mode(mode, svc.ollama_status(), svc.settings, text_model, vision_model)
    with st.chat_message("user"):
        st.markdown(escape_markdown(question))
    with st.chat_message("assistant"):
        status = st.status("Searching…", expanded=False)
        placeholder, streamed = st.empty(), []
        st.button("Stop", icon=":material/stop_circle:", key=f"stop-{index}", help="stop this answer; it stays")

        def on_sources(turn: Turn) -> None:
            status.update(label=f"{len(turn.sources)} source(s) found", state="complete")
            with status:
                if turn.searched_for:
                    st.caption(escape_markdown(f"Searched for: {turn.searched_for}"))
                for source in turn.sources:
                    st.caption(escape_markdown(f"[{source.n}] {source.source}, page {source.page} ({source.kind})"))

        def on_token(text: str) -> None:
            streamed.append(text)
            placeholder.markdown(escape_markdown("".join(streamed)) + " ▌")

        try:
            turn = svc.answer_turn(
                conversation,
                question,
                mode=effective or mode,
                top_k=top_k,
                doc_ids=doc_ids,
                generate=effective is not None,
                on_sources=on_sources,
                on_token=on_token,
                text_model=text_model,
                vision_model=vision_model,
                temperature=temperature,
            )
        except StoreError as exc:  # nothing to show either: the store is where the sources come from
            _note(svc, conversation, str(exc))
            return None
        except Exception as exc:
            explained = explain_failure(
                exc, svc.settings.ollama_url, svc.settings.ollama_timeout, svc.settings.ollama_deadline_s
            )
            if explained is None:
                raise
            svc.ollama_status(max_age_s=0)  # refresh the status panel
            _note(svc, conversation, f"{explained} Showing the best matching sources only.")
            return None
    if notice:
        turn.notice = notice
    if turn.route == "none":
        turn.answer = NOTHING_RELEVANT
    svc.conversations.save_turn(conversation, turn)
    return turn


def _note(svc: WebService, conversation: Conversation, notice: str) -> None:
    """Put ``notice`` on the conversation's last turn (the one that failed; it stays incomplete) and save it."""
    turn = conversation.turns[-1]
    turn.notice = notice
    svc.conversations.save_turn(conversation, turn)


def conversation_sidebar(svc: WebService) -> Conversation:
    """The conversation list (new, switch, rename, delete with confirmation, export); returns the open one, kept
    in the page's URL (``?c=<id>``) so that it survives a reload and a restart."""
    store = svc.conversations
    saved = store.list()
    wanted = st.query_params.get("c", "")
    current = st.session_state.get(CONVERSATION)
    if current is None or (wanted and current.id != wanted):
        current = next((store.get(c.id) for c in saved if c.id == wanted), None) or Conversation(name=_new_name())
        st.session_state[CONVERSATION] = current
        st.session_state[MODE] = current.mode
    st.subheader("Conversations")
    new, clear = st.columns(2)
    if new.button("New chat", icon=":material/add_comment:", key="docsight_new_chat"):
        _open(Conversation(name=_new_name(), doc_ids=current.doc_ids, mode=current.mode))
    if clear.button("Clear chat", disabled=not current.turns, key="docsight_clear_chat"):
        store.delete(current.id)
        _open(Conversation(name=_new_name(), doc_ids=current.doc_ids, mode=current.mode))
    listed = {c.id: c.name for c in saved}
    if current.id not in listed:
        listed = {current.id: current.name, **listed}
    chosen = st.selectbox("Open", list(listed), format_func=listed.get, index=list(listed).index(current.id),
                          key=f"docsight_conversations_{current.id}")  # fmt: skip
    if chosen != current.id:
        _open(store.get(chosen))
    if current.turns:
        name = st.text_input("Name", value=current.name, key=f"docsight_name_{current.id}")
        if name.strip() and name != current.name:
            store.rename(current, name)
        st.download_button("Export as Markdown", current.markdown(), file_name=f"{current.name}.md",
                           icon=":material/download:", key=f"docsight_export_{current.id}")  # fmt: skip
        if st.button("Delete conversation", icon=":material/delete:", key=f"docsight_delete_{current.id}"):
            st.session_state["docsight_confirm_delete"] = current.id
        if st.session_state.get("docsight_confirm_delete") == current.id:
            st.warning(f"Delete {current.name} and its {len(current.turns)} turn(s)?")
            yes, no = st.columns(2)
            if yes.button("Delete", type="primary", key="docsight_delete_yes"):
                store.delete(current.id)
                st.session_state.pop("docsight_confirm_delete", None)
                _open(Conversation(name=_new_name()))
            if no.button("Keep", key="docsight_delete_no"):
                st.session_state.pop("docsight_confirm_delete", None)
                st.rerun()
    return current


def document_filter(svc: WebService, conversation: Conversation, records) -> list[str]:
    """The conversation's document filter. Documents deleted meanwhile (in another tab, say) are dropped from it
    with a notice; the rest of the selection stays."""
    names = {r.doc_id: f"{short_name(r.source)} ({r.pages} p.)" for r in records}
    gone = [d for d in conversation.doc_ids if d not in names]
    if gone:
        conversation.doc_ids = [d for d in conversation.doc_ids if d in names]
        if conversation.turns:
            svc.conversations.save_settings(conversation)
        st.info(f"{len(gone)} document(s) of this chat's filter were deleted and dropped from it.")
    key = f"docsight_docs_{conversation.id}"
    if key in st.session_state:
        st.session_state[key] = [d for d in st.session_state[key] if d in names]
    chosen = st.multiselect("Only these documents", list(names), default=conversation.doc_ids, format_func=names.get,
                            placeholder="All documents", key=key)  # fmt: skip
    if chosen != conversation.doc_ids:
        conversation.doc_ids = chosen
        if conversation.turns:
            svc.conversations.save_settings(conversation)
    return chosen


def _open(conversation: Conversation) -> None:
    st.session_state[CONVERSATION] = conversation
    st.session_state[MODE] = conversation.mode
    st.query_params["c"] = conversation.id
    st.rerun()


def _new_name() -> str:
    return "Chat " + datetime.now().strftime("%Y-%m-%d %H:%M")


svc = service()
st.title("Ask your documents")
records = svc.documents()
if not records:
    st.info("No documents yet. Add PDFs or images on the Documents page, then ask here.")
    st.page_link("views/documents.py", label="Go to Documents", icon=":material/description:")
    st.stop()

with st.sidebar:
    conversation = conversation_sidebar(svc)
    st.subheader("Question settings")
    doc_ids = document_filter(svc, conversation, records)
    st.session_state.setdefault(MODE, conversation.mode)
    mode = st.radio("Model", list(MODES), format_func=MODES.get, key=MODE)
    if mode != conversation.mode:
        conversation.mode = mode
        if conversation.turns:
            svc.conversations.save_settings(conversation)
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

chat_column = st.container()
if viewer_open():
    chat_column, viewer_column = st.columns([3, 2], gap="medium")
    with viewer_column, st.container(key="docsight_viewer"):
        document_viewer(svc)

with chat_column:
    for index, turn in enumerate(conversation.turns):
        render_turn(svc, conversation, turn, index)

question = st.chat_input("Ask a question about your documents")
if question and question.strip():
    if not conversation.turns:
        svc.conversations.save_settings(conversation)
        st.query_params["c"] = conversation.id
    with chat_column:
        answer(svc, conversation, question.strip(), mode, top_k, doc_ids, text_model, vision_model, temperature)
    st.rerun()
