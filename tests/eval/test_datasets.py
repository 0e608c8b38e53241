"""Datasets: the shipped FinanceBench and chart files, a user's own JSONL, and clear errors for bad ones."""

import json
from pathlib import Path

import pytest

from eval.datasets import ChartQuestion, DatasetError, Question, load
from tests.conftest import corpus_file


def test_financebench_and_charts_load() -> None:
    finance = load(corpus_file("financebench", "questions.jsonl"))
    assert len(finance) == 68 and all(isinstance(q, Question) and q.doc_file.is_file() for q in finance)
    charts = load(corpus_file("charts", "questions.jsonl"))
    assert len(charts) == 148 and all(isinstance(q, ChartQuestion) for q in charts)
    assert all(p.is_file() for q in charts for p in q.images)
    assert sum(q.content for q in charts) == 30 and sum(q.structure for q in charts) == 30


def test_a_users_own_jsonl_with_absolute_paths(tmp_path: Path) -> None:
    pdf = corpus_file("parsers", "unstructured__loremipsum-flat.pdf")
    line = {
        "question": "What is lorem ipsum?",
        "answer": "placeholder text",
        "doc_file": str(pdf),
        "evidence_pages": [1],
    }
    (tmp_path / "mine.jsonl").write_text(json.dumps(line) + "\n\n")
    [q] = load(tmp_path / "mine.jsonl")
    assert q.doc_file == pdf and q.id == "q1" and q.source == pdf.name


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no questions"),
        ("{not json}\n", ":1: not JSON"),
        ('{"question": "q", "answer": "a", "doc_file": "x.pdf"}\n', ":1: missing evidence_pages"),
        ('{"question": "q", "answer": "a", "doc_file": "x.pdf", "evidence_pages": [0]}\n', "1-based"),
    ],
)
def test_bad_datasets_say_where_and_what(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(DatasetError, match=message):
        load(path)
    with pytest.raises(DatasetError, match="no such dataset file"):
        load(tmp_path / "missing.jsonl")
