"""Identity accuracy: the expectations (read off the filings' covers, keyed by their bytes' sha256) and the score
of docsight's identification against them, on real first pages under opaque names."""

from __future__ import annotations

import hashlib
import json

import pytest

from eval.identity_eval import EXPECTED, score
from ingest.identity import KINDS
from tests.conftest import corpus_file
from tests.ingest.identity.test_document_identifier import first_pages, identified


def _expected() -> list[dict]:
    return json.loads(EXPECTED.read_text())


def test_the_expectations_name_every_filing_by_its_content() -> None:
    rows = _expected()
    assert len(rows) == 38 and len({r["doc_id"] for r in rows}) == 38
    for row in rows:
        data = corpus_file("financebench", "pdfs", row["source"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["doc_id"]
        assert row["kind"] in KINDS and row["organisation"] and row["period"]


def test_score_counts_each_field_and_lists_the_misses() -> None:
    expected = [
        {"doc_id": "a", "source": "a.pdf", "organisation": "ACME CORP", "period": "FY2020", "kind": "10-K"},
        {"doc_id": "b", "source": "b.pdf", "organisation": "Beta Inc.", "period": "FY2021 Q2", "kind": "10-Q"},
        {"doc_id": "c", "source": "c.pdf", "organisation": "Gamma", "period": "2022-05-20", "kind": "8-K"},
    ]
    records = [
        {"doc_id": "a", "organisation": "ACME  Corp", "period": "FY2020", "kind": "10-K"},  # case and spaces
        {"doc_id": "b", "organisation": "Beta Inc.", "period": "2021 Q2", "kind": "10-Q"},
    ]
    result = score(records, expected)
    assert result["right"] == {"organisation": 2, "period": 1, "kind": 2, "all": 1}
    assert {(m["source"], m["field"]) for m in result["misses"]} == {
        ("b.pdf", "period"), ("c.pdf", "organisation"), ("c.pdf", "period"), ("c.pdf", "kind")
    }  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "pages"),
    [("WALMART_2020_10K.pdf", 1), ("BLOCK_2020_10K.pdf", 1), ("FOOTLOCKER_2022_8K_dated-2022-05-20.pdf", 1),
     ("MGMRESORTS_2022Q4_EARNINGS.pdf", 1), ("Pfizer_2023Q2_10Q.pdf", 8)],
)  # fmt: skip
def test_docsight_identifies_first_pages_as_the_expectations_say(tmp_path, name, pages) -> None:
    want = next(r for r in _expected() if r["source"] == name)
    meta = identified(first_pages(name, pages, tmp_path))[0].meta
    got = {"doc_id": want["doc_id"], "organisation": meta["organisation"], "period": meta["period"],
           "kind": meta["doc_kind"]}  # fmt: skip
    assert score([got], [want])["misses"] == []
