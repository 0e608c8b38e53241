import itertools

from haystack import Document

from ingest.chunking.layout_chunker import LayoutChunker, count_tokens
from ingest.converters.pdf_layout_converter import PDFLayoutConverter
from tests.conftest import corpus_file


def _block(kind: str, text: str, page: int = 1, top: float = 0.0, section: str = "") -> Document:
    return Document(
        content=text,
        meta={
            "doc_id": "d" * 64,
            "source": "x.pdf",
            "page": page,
            "kind": kind,
            "section": section,
            "bbox": [10.0, top, 100.0, top + 10.0],
            "page_size": [612.0, 792.0],
        },
    )


def test_chunks_never_cross_pages_and_stay_within_budget() -> None:
    blocks = PDFLayoutConverter().run(sources=[corpus_file("parsers", "pdfplumber__federal-register-2020-17221.pdf")])
    chunks = LayoutChunker(max_tokens=200, overlap_tokens=30).run(documents=blocks["documents"])["documents"]
    pages_of_blocks = {b.meta["page"] for b in blocks["documents"]}
    assert {c.meta["page"] for c in chunks} == pages_of_blocks
    for chunk in chunks:
        if chunk.meta["kind"] == "text":
            assert count_tokens(chunk.content) <= 200 * 1.2
    assert [c.meta["chunk_index"] for c in chunks] == list(range(len(chunks)))


def test_a_page_becomes_windows_with_the_context_around_headings_and_tables() -> None:
    blocks = [
        _block("heading", "Consolidated Statements of Cash Flows", top=10),
        _block("text", "intro words " * 5, top=30, section="Consolidated Statements of Cash Flows"),
        _block("table", "| Item | 2018 |\n| --- | --- |\n| Capital expenditures | (1,577) |", top=50),
        _block("text", "The company faces risks.", top=300, section="Risk Factors"),
    ]
    chunks = LayoutChunker().run(documents=blocks)["documents"]
    window, table = chunks
    assert window.meta["kind"] == "text" and table.meta["kind"] == "table"
    assert window.content.splitlines() == [
        "Consolidated Statements of Cash Flows",
        ("intro words " * 5).strip(),
        "Item 2018 Capital expenditures (1,577)",  # the table's rows as plain text, in reading order
        "The company faces risks.",
    ]
    assert window.meta["section"] == "Consolidated Statements of Cash Flows"
    assert window.meta["bbox"] == [10.0, 10.0, 100.0, 310.0]
    assert table.content.startswith("| Item | 2018 |")  # the table also stays whole, as Markdown


def test_table_stays_whole_even_above_budget() -> None:
    rows = "\n".join(f"| row {i} | {i * 1000} |" for i in range(200))
    chunks = LayoutChunker(max_tokens=50, overlap_tokens=10).run(
        documents=[_block("text", "before"), _block("table", rows, top=20), _block("text", "after", top=900)]
    )["documents"]
    tables = [c for c in chunks if c.meta["kind"] == "table"]
    assert len(tables) == 1 and tables[0].content == rows
    windows = [c for c in chunks if c.meta["kind"] == "text"]
    assert windows[0].content.startswith("before\nrow 0 0") and windows[-1].content.endswith("after")


def test_long_text_is_cut_into_overlapping_windows() -> None:
    words = [f"w{i}" for i in range(400)]
    chunks = LayoutChunker(max_tokens=100, overlap_tokens=20).run(documents=[_block("text", " ".join(words))])
    pieces = [c.content.split() for c in chunks["documents"]]
    assert len(pieces) >= 4
    for a, b in itertools.pairwise(pieces):
        assert a[-1] in b  # consecutive pieces overlap
    assert pieces[0][0] == "w0" and pieces[-1][-1] == "w399"


def test_ids_are_deterministic_and_unique() -> None:
    blocks = [_block("text", f"paragraph {i}", top=i * 20.0) for i in range(3)] + [_block("text", "next", page=2)]
    first = LayoutChunker().run(documents=blocks)["documents"]
    second = LayoutChunker().run(documents=blocks)["documents"]
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first)


def test_to_dict_from_dict_round_trip() -> None:
    chunker = LayoutChunker(max_tokens=300, overlap_tokens=50, min_tokens=5)
    assert LayoutChunker.from_dict(chunker.to_dict()).to_dict() == chunker.to_dict()


def test_text_without_spaces_is_windowed_within_the_budget_without_inserted_spaces() -> None:
    # A Chinese paragraph has no spaces: each character is a word piece, and a window must be able to end inside it.
    blocks = PDFLayoutConverter().run(sources=[corpus_file("parsers", "pymupdf__chinese-tables.pdf")])["documents"]
    chinese = "".join("".join((b.content or "").split()) for b in blocks)
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in chinese) > 300
    paragraph = chinese[:1200]
    chunks = LayoutChunker(max_tokens=100, overlap_tokens=20).run(documents=[_block("text", paragraph)])["documents"]
    assert len(chunks) >= 8
    for chunk in chunks:
        assert count_tokens(chunk.content) <= 100
        assert " " not in chunk.content and chunk.content in paragraph  # cut between characters, nothing inserted
    assert paragraph.startswith(chunks[0].content) and paragraph.endswith(chunks[-1].content)
    assert count_tokens("营业收入 5,363") == 4 + 3 and count_tokens("capital expenditures") == 2
