"""``docs set``: a user corrects what a document is; the record, every chunk's payload and the embedded label
follow at once, scoping by name uses the correction, and a re-ingest of the same bytes keeps it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from ingest.identity.edits import EditError, apply_edits, checked_edits
from ingest.identity.identify import DocumentIdentity
from pipelines.batch.runner import BatchIngest
from pipelines.service import DocsightService
from tests.conftest import REPO, corpus_file


def cover(tmp_path: Path, name: str = "0000066740-19-000010.pdf") -> Path:
    """The first page of a FinanceBench 10-K under an opaque name."""
    source = pdfium.PdfDocument(str(corpus_file("financebench", "pdfs", "3M_2018_10K.pdf")))
    copy = pdfium.PdfDocument.new()
    copy.import_pages(source, [0])
    copy.save(str(tmp_path / name))
    return tmp_path / name


def test_edits_are_checked_and_applied_over_the_content() -> None:
    identity = DocumentIdentity("3M COMPANY Form 10-K FY2018", "3M COMPANY", ["3M", "MMM"], "FY2018", ["2018"], "10-K")
    edited = apply_edits(identity, {"organisation": "Minnesota Mining and Manufacturing", "period": "FY2019 Q4"})
    assert (edited.organisation, edited.period, edited.years) == ("Minnesota Mining and Manufacturing", "FY2019 Q4",
                                                                   ["2019"])  # fmt: skip
    assert edited.aliases == ["Minnesota Mining and Manufacturing", "Minnesota"]  # the old ticker named the old name
    assert edited.title == "Minnesota Mining and Manufacturing Form 10-K FY2019 Q4"  # composed again
    assert apply_edits(identity, {"title": "My notes"}).title == "My notes"
    assert checked_edits({"kind": "EARNINGS  release", "tags": ["a", " a ", ""], "title": None}) == {
        "kind": "earnings release",
        "tags": ["a"],
    }
    with pytest.raises(EditError, match="unknown kind 'memo'"):
        checked_edits({"kind": "memo"})
    with pytest.raises(EditError, match="cannot be edited"):
        checked_edits({"source": "x.pdf"})


@pytest.mark.slow
def test_an_edit_reaches_record_payload_label_and_survives_reingest(tmp_path: Path, settings) -> None:
    path = cover(tmp_path)
    assert BatchIngest(settings).run([str(path)])[0].status == "ingested"
    service = DocsightService(settings)
    try:
        (document,) = service.documents()
        assert document.organisation == "3M COMPANY"
        before = {c.text: c for c in service.chunks(document.doc_id)}
        old_vectors = _dense(service, document.doc_id)

        edited = service.set_identity(
            document.doc_id, organisation="Widgetco Industries Inc.", period="FY2017", tags=["audit"]
        )
        assert (edited.organisation, edited.period, edited.tags) == ("Widgetco Industries Inc.", "FY2017", ["audit"])
        assert edited.aliases == ["Widgetco Industries", "Widgetco"] and edited.years == ["2017"]
        assert edited.title == "Widgetco Industries Inc. Form 10-K FY2017"
        payloads = _payloads(service, document.doc_id)
        assert len(payloads) == len(before)
        assert {p["organisation"] for p in payloads} == {"Widgetco Industries Inc."}
        assert {p["title"] for p in payloads} == {"Widgetco Industries Inc. 10-K FY2017"}
        assert {tuple(p["tags"]) for p in payloads} == {("audit",)}
        assert all(p["committed"] for p in payloads)
        assert _dense(service, document.doc_id) != old_vectors  # embedded again with the new label
        # the question names the corrected organisation and year: scoped to it, not to the old name
        hits = service.retrieve("What did Widgetco report for 2017?", top_k=3)
        assert hits and {h.doc_id for h in hits} == {document.doc_id}
        # a second edit keeps the first one's fields
        service.set_identity(document.doc_id, kind="other")
        assert service.document(document.doc_id).organisation == "Widgetco Industries Inc."
        service.delete(document.doc_id)
    finally:
        service.close()
    # the same bytes under another name: the edits come back
    copy = tmp_path / "copy"
    copy.mkdir()
    renamed = Path(shutil.copy(path, copy / "download (3).pdf"))
    assert BatchIngest(settings).run([str(renamed)])[0].status == "ingested"
    service = DocsightService(settings)
    try:
        (again,) = service.documents()
        assert (again.organisation, again.period, again.kind, again.tags) == (
            "Widgetco Industries Inc.", "FY2017", "other", ["audit"]
        )  # fmt: skip
        payloads = _payloads(service, again.doc_id)
        assert {p["organisation"] for p in payloads} == {"Widgetco Industries Inc."}
        assert not any("identity_edits" in p for p in payloads)
    finally:
        service.close()


def _payloads(service: DocsightService, doc_id: str) -> list[dict]:
    record = service.registry.get(doc_id)
    points = service.store.client.retrieve(service.store.collection, record.point_ids, with_payload=True)
    return [p.payload["meta"] for p in points]


def _dense(service: DocsightService, doc_id: str) -> list:
    record = service.registry.get(doc_id)
    points = service.store.client.retrieve(service.store.collection, record.point_ids[:3], with_vectors=True)
    return [list(p.vector["text-dense"][:4]) for p in points]


@pytest.mark.slow
def test_docs_set_on_the_command_line(tmp_path: Path) -> None:
    store = tmp_path / "q"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSIGHT_")} | {
        "DOCSIGHT_QDRANT_PATH": str(store),
        "DOCSIGHT_WORKERS": "1",
    }

    def docsight(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "pipelines.cli", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env, timeout=600)

    assert docsight("ingest", str(cover(tmp_path))).returncode == 0
    changed = docsight("docs", "set", "0000066740-19-000010.pdf", "--period", "FY2019", "--tag", "checked", "--json")
    assert changed.returncode == 0, changed.stderr
    assert json.loads(changed.stdout)["period"] == "FY2019"
    listed = json.loads(docsight("docs", "list", "--json").stdout)
    assert (listed[0]["period"], listed[0]["tags"]) == ("FY2019", ["checked"])
    tagged = docsight("retrieve", "cover page", "--tag", "checked", "--json")
    assert tagged.returncode == 0 and json.loads(tagged.stdout)
    untagged = docsight("retrieve", "cover page", "--tag", "other")
    assert untagged.returncode == 2 and "no document of tag other" in untagged.stderr
    bad = docsight("docs", "set", "0000066740-19-000010.pdf", "--doc-kind", "memo")
    assert bad.returncode == 2 and "unknown kind 'memo'" in bad.stderr
    nothing = docsight("docs", "set", "0000066740-19-000010.pdf")
    assert nothing.returncode == 2 and "give at least one" in nothing.stderr
