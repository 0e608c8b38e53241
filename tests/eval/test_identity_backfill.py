"""The opaque-name copy of a dataset and of a stored collection (issue 15's measurement)."""

from __future__ import annotations

import json
from pathlib import Path

from eval.identity_backfill import assemble_store, opaque_dataset
from pipelines.indexing import build_indexing_pipeline
from pipelines.settings import Settings
from pipelines.store import open_store
from tests.conftest import corpus_file


def test_opaque_dataset_renames_every_document_and_its_questions(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    (folder / "pdfs").mkdir(parents=True)
    names = ["samplefiles__multicolumn.pdf", "pypdf__multilang.pdf"]
    for name in names:
        (folder / "pdfs" / name).write_bytes(corpus_file("parsers", name).read_bytes())
    rows = [
        {"id": str(i), "question": f"q{i}", "doc_file": f"pdfs/{n}", "evidence_pages": [1]} for i, n in enumerate(names)
    ]
    (folder / "questions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))

    questions, renamed = opaque_dataset(folder / "questions.jsonl", tmp_path / "opaque")
    assert set(renamed) == set(names)
    for old, new in renamed.items():
        assert len(Path(new).stem) == 20 and not any(part in new for part in ("multicolumn", "multilang"))
        assert (tmp_path / "opaque" / "pdfs" / new).read_bytes() == (folder / "pdfs" / old).read_bytes()
    copied = [json.loads(line) for line in questions.read_text().splitlines()]
    assert [Path(r["doc_file"]).name for r in copied] == [renamed[n] for n in names]
    assert [r["question"] for r in copied] == ["q0", "q1"]


def test_assembled_store_holds_the_documents_under_their_new_names(settings: Settings, tmp_path: Path) -> None:
    store = open_store(settings)
    source = corpus_file("parsers", "samplefiles__multicolumn.pdf")
    build_indexing_pipeline(settings, store).run({"router": {"sources": [str(source)]}})
    record = store.registry.all()[0]
    store.close()

    out = tmp_path / "renamed"
    renamed = {record.source: ("0123456789abcdef0123.pdf", "/elsewhere/0123456789abcdef0123.pdf")}
    written = assemble_store(out, [(Path(settings.qdrant_path), {record.doc_id})], settings.collection, renamed)
    assert written == record.chunks

    store = open_store(Settings.from_env(environ={}, qdrant_path=str(out), collection=settings.collection))
    registry = store.registry
    try:
        (copy,) = registry.all()
        assert (copy.source, copy.path, copy.doc_id) == (*renamed[record.source], record.doc_id)
        assert copy.title == record.title and copy.title  # the identity from the content stays
        chunks = store.haystack_store.filter_documents()
        assert len(chunks) == record.chunks and {c.meta["source"] for c in chunks} == {"0123456789abcdef0123.pdf"}
        assert registry.get(record.doc_id) is not None
    finally:
        store.close()
