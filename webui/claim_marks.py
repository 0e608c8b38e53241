"""The claim checks in the chat: unsupported figures marked in the answer, "N of M figures found in the cited
sources" under it, and the first answer when a repair round replaced it. Pure Markdown builders plus one
``show_claims`` that draws them, so the chat view needs two calls."""

from __future__ import annotations

from webui.markdown import answer_markdown, escape_markdown

MARK = ":red-background[{}]"


def unsupported_figures(claims: dict) -> list[dict]:
    return [f for s in claims.get("sentences", []) for f in s["figures"] if f["status"] == "unsupported"]


def answer_with_marks(answer: str, claims: dict | None, turn: int, cited: set[int]) -> str:
    """The escaped answer with citation links (as :func:`webui.markdown.answer_markdown`) and every unsupported
    figure highlighted."""
    spans = sorted(
        (f["start"], f["start"] + len(f["text"]))
        for f in unsupported_figures(claims or {})
        if answer[f["start"] : f["start"] + len(f["text"])] == f["text"]
    )
    parts, position = [], 0
    for start, end in spans:
        if start < position:
            continue
        parts.append(answer_markdown(answer[position:start], turn, cited))
        parts.append(MARK.format(escape_markdown(answer[start:end])))
        position = end
    parts.append(answer_markdown(answer[position:], turn, cited))
    return "".join(parts)


def claims_caption(claims: dict | None) -> str:
    """ "N of M figures found in the cited sources", with what was not found; empty without figures."""
    if not claims or not claims.get("total"):
        return ""
    missing = unsupported_figures(claims)
    line = claims["line"]
    if missing:
        line += " · not found: " + "; ".join(f"{f['text']} ({f['reason']})" for f in missing)
    if "first" in claims:
        first = claims["first"]["claims"]
        line += f" · corrected once after checking (the first answer had {first['found']} of {first['total']})"
    return escape_markdown(line)


def show_claims(claims: dict | None) -> None:
    """Draw the caption under the answer and, after a repair, the first answer in an expander."""
    import streamlit as st

    caption = claims_caption(claims)
    if not caption:
        return
    st.caption(caption)
    if claims and "first" in claims:
        with st.expander("First answer, before the figures were corrected"):
            st.markdown(escape_markdown(claims["first"]["answer"]))
