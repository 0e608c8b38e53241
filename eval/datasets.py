"""Evaluation datasets: FinanceBench-shaped JSONL (any user's own too) and the MultiChartQA chart questions.

FinanceBench shape, one JSON object per line: ``question``, ``answer``, ``doc_file`` (relative to the JSONL's
folder, or absolute) and ``evidence_pages`` (1-based physical pages); ``id`` and ``question_type`` are optional.
Chart shape: ``question_plain`` (or ``question``), ``answer``, ``image_files`` (the chart group),
``evidence_images`` and ``task``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


class DatasetError(ValueError):
    """The dataset file cannot be used; the message names the file, the line and what is missing."""


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answer: str
    doc_file: Path
    evidence_pages: tuple[int, ...]
    kind: str = ""  # the dataset's question type (FinanceBench: metrics-generated, novel-generated, domain-relevant)

    @property
    def source(self) -> str:
        return self.doc_file.name


@dataclass(frozen=True)
class ChartQuestion:
    id: str
    question: str
    answer: str
    images: tuple[Path, ...]  # the chart group, in order ("the first chart" is images[0])
    evidence: tuple[Path, ...]
    task: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def content(self) -> bool:
        """Content questions name what the chart shows; structure questions ("the tick spacing") do not."""
        return self.task.endswith("/Content")

    @property
    def structure(self) -> bool:
        return self.task.endswith("/Structure")


def load(path: Path) -> list[Question] | list[ChartQuestion]:
    """Read a dataset; the shape is recognised from its first line.

    :raises DatasetError: the file is missing, not JSONL, or a line lacks a required field.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path}: no such dataset file")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{number}: not JSON ({exc.msg})") from None
    if not rows:
        raise DatasetError(f"{path}: no questions")
    if "image_files" in rows[0][1]:
        return [_chart(path, n, row) for n, row in rows]
    return [_question(path, n, row) for n, row in rows]


def _require(path: Path, number: int, row: dict, *fields: str) -> None:
    missing = [f for f in fields if f not in row]
    if missing:
        raise DatasetError(f"{path}:{number}: missing {', '.join(missing)}")


def _question(path: Path, number: int, row: dict) -> Question:
    _require(path, number, row, "question", "answer", "doc_file", "evidence_pages")
    doc = Path(row["doc_file"])
    pages = row["evidence_pages"]
    if not isinstance(pages, list) or not all(isinstance(p, int) and p >= 1 for p in pages):
        raise DatasetError(f"{path}:{number}: evidence_pages must be a list of 1-based page numbers")
    return Question(
        id=str(row.get("id", f"q{number}")),
        question=row["question"],
        answer=str(row["answer"]),
        doc_file=doc if doc.is_absolute() else path.parent / doc,
        evidence_pages=tuple(pages),
        kind=str(row.get("question_type") or ""),
    )


def _chart(path: Path, number: int, row: dict) -> ChartQuestion:
    _require(path, number, row, "answer", "image_files")
    images = tuple(path.parent / f for f in row["image_files"])
    return ChartQuestion(
        id=str(row.get("id", f"q{number}")),
        question=row.get("question_plain") or row["question"],
        answer=str(row["answer"]),
        images=images,
        evidence=tuple(path.parent / f for f in row.get("evidence_images") or row["image_files"]),
        task=row.get("task", ""),
    )


def dataset_files(questions: list[Question] | list[ChartQuestion]) -> list[Path]:
    """Every document or chart the questions are about, once each, sorted."""
    return sorted({p for q in questions for p in (q.images if isinstance(q, ChartQuestion) else (q.doc_file,))})
