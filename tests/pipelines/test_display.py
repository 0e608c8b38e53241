"""Names, paths and reasons from files are shown as text: no terminal escapes, no Rich markup."""

from rich.console import Console

from pipelines.batch.report import FAILED, INGESTED, SKIPPED, UNCHANGED, FileResult, render_table
from pipelines.display import markup_safe, plain, plain_text

HOSTILE_NAMES = [
    "\x1b[31mred\x1b[0m.pdf",
    "\x1b]0;owned\x07title.pdf",
    "[bold red]x.pdf",
    "[link=file:evil]click.pdf",
    "tab\there\u202egnp.pdf",
]


def test_plain_makes_control_characters_visible_and_bytes_valid() -> None:
    assert plain("\x1b[31mred") == "\\x1b[31mred"
    assert plain("a\u202eb\x9bc\x7f") == "a\\u202eb\\x9bc\\x7f"
    assert plain("line\nnext\ttab", keep_lines=True) == "line\nnext\ttab"
    assert plain("line\nnext") == "line\\x0anext"
    assert plain_text("\udcff revenue") == "\ufffd revenue"  # a non-UTF-8 byte from argv
    assert markup_safe("[bold]x[/]") == "\\[bold]x\\[/]"


def test_the_summary_table_shows_hostile_names_and_reasons_literally() -> None:
    results = [FileResult(file=f"/in/{name}", status=INGESTED, pages=1, chunks=1) for name in HOSTILE_NAMES]
    results += [
        FileResult(file="/in/notes.txt", status=FAILED, error="unsupported format: [/] text"),
        FileResult(file="/in/copy.pdf", status=UNCHANGED, note="same content as /in/dup[/x].pdf"),
        FileResult(file="/in/link", status=SKIPPED, note="symlink to /etc, outside the folders being ingested"),
    ]
    console = Console(record=True, width=400, force_terminal=True, color_system="standard")
    render_table(results, console)  # used to raise MarkupError on "[/]"
    text = console.export_text()
    for shown in ("\\x1b[31mred\\x1b[0m.pdf", "[bold red]x.pdf", "[link=file:evil]click.pdf"):
        assert shown in text
    assert "unsupported format: [/] text" in text and "same content as /in/dup[/x].pdf" in text
    assert "\\u202egnp.pdf" in text and "1 skipped" in text
    raw = console.export_text(styles=True)
    assert "\x1b[31mred" not in raw and "\x1b]0;" not in raw and "\x1b]8;" not in raw  # no colour, title, link
