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


def test_heading_starts_a_chunk_and_becomes_its_section() -> None:
    blocks = [
        _block("text", "intro words " * 5, top=10),
        _block("heading", "Risk Factors", top=30),
        _block("text", "The company faces risks.", top=50, section="Risk Factors"),
    ]
    chunks = LayoutChunker().run(documents=blocks)["documents"]
    assert [c.content for c in chunks] == ["intro words " * 5, "Risk Factors\nThe company faces risks."]
    assert chunks[1].meta["section"] == "Risk Factors"
    assert chunks[1].meta["bbox"] == [10.0, 30.0, 100.0, 60.0]


def test_table_stays_whole_even_above_budget() -> None:
    rows = "\n".join(f"| row {i} | {i * 1000} |" for i in range(200))
    chunks = LayoutChunker(max_tokens=50, overlap_tokens=10).run(
        documents=[_block("text", "before"), _block("table", rows, top=20), _block("text", "after", top=900)]
    )["documents"]
    tables = [c for c in chunks if c.meta["kind"] == "table"]
    assert len(tables) == 1 and tables[0].content == rows


def test_long_paragraph_splits_with_overlap() -> None:
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
