"""`docsight eval` end to end on small slices of the real datasets: reports, CSV, plots, baselines, comparisons."""

import json
import os
from pathlib import Path

import pytest

from eval.cli import main
from tests.conftest import corpus_file
from tests.support.ollama_server import FakeOllama

# 4, 5 and 9 pages (a prefix match would also take PEPSICO_2023_8K_dated-2023-05-30.pdf: 172 pages, most of the run)
SMALL_FILINGS = (
    "PEPSICO_2023_8K_dated-2023-05-05.pdf",
    "FOOTLOCKER_2022_8K_dated-2022-05-20.pdf",
    "ULTABEAUTY_2023Q4_EARNINGS.pdf",
)


def _finance_slice(tmp_path: Path, filings: tuple[str, ...] = SMALL_FILINGS) -> Path:
    rows = []
    for line in corpus_file("financebench", "questions.jsonl").read_text().splitlines():
        row = json.loads(line)
        if row["doc_file"].split("/")[-1] in filings:
            row["doc_file"] = str(corpus_file("financebench", row["doc_file"]))
            rows.append(row)
    path = tmp_path / "finance.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def _run(*args: str) -> int:
    return main(list(args))


@pytest.fixture(scope="module")
def finance(tmp_path_factory) -> tuple[Path, str]:
    """The dataset slice and one store for the module: later runs find the filings ingested (unchanged)."""
    folder = tmp_path_factory.mktemp("finance")
    return _finance_slice(folder), str(folder / "qdrant")


@pytest.mark.slow
def test_retrieval_report_with_baselines_and_a_comparison(tmp_path: Path, finance) -> None:
    dataset, store = finance
    first, second = tmp_path / "run1", tmp_path / "run2"
    assert _run("retrieval", "--dataset", str(dataset), "--qdrant-path", store, "--out", str(first)) == 0
    report = (first / "report.md").read_text()
    for label in ("docsight, corpus-wide", "plain BM25 over pages", "plain dense (MiniLM", "docsight, own document"):
        assert label in report
    assert "Target page recall@5 corpus-wide >= 0.60" in report and "Versions: python" in report
    assert (first / "recall_at_k.png").stat().st_size > 1000 and (first / "latency.png").is_file()
    result = json.loads((first / "results.json").read_text())
    assert result["questions"] == 6 == len((first / "questions.csv").read_text().splitlines()) - 1
    assert all(0.0 <= v <= 1.0 for system in result["summary"].values() for v in system.values())
    assert result["summary"]["docsight_own_doc"]["recall@10"] >= 0.5  # small documents: evidence is findable

    args = ("retrieval", "--dataset", str(dataset), "--qdrant-path", store, "--out", str(second), "--no-baselines")
    assert _run(*args, "--baseline", str(first)) == 0
    assert f"## Compared with {first}" in (second / "report.md").read_text()


@pytest.mark.slow
def test_chart_retrieval_is_scored_per_image_and_task(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in corpus_file("charts", "questions.jsonl").read_text().splitlines()]
    first = next(r for r in rows if r["task"] == "Direct_Questions/Content")
    picked = [r for r in rows if r["image_files"] == first["image_files"]]  # one chart group: few images to OCR
    tasks = {r["task"] for r in picked}
    dataset = tmp_path / "charts.jsonl"
    charts = corpus_file("charts")
    for r in picked:
        r["image_files"] = [str(charts / f) for f in r["image_files"]]
        r["evidence_images"] = [str(charts / f) for f in r["evidence_images"]]
    dataset.write_text("\n".join(json.dumps(r) for r in picked))
    out = tmp_path / "charts-run"
    assert _run("retrieval", "--dataset", str(dataset), "--qdrant-path", str(tmp_path / "q"), "--out", str(out)) == 0
    report = (out / "report.md").read_text()
    assert all(f"| {task} | " in report for task in tasks)
    assert "within the group" in report
    assert "| all | " in report and "dense over OCR, all" in report
    result = json.loads((out / "results.json").read_text())
    assert {r["half"] for r in result["rows"]} <= {"A", "B"}
    assert set(result["by_half"]) <= {"A", "B"} and result["by_half"]
    assert all(set(v) >= {"docsight", "dense_ocr", "bm25_ocr_group"} for v in result["by_half"].values())
    assert result["content_questions"] == sum(r["task"].endswith("/Content") for r in picked)
    assert result["questions"] == len(picked) and set(result["summary"]) >= {
        "docsight",
        "bm25_ocr",
        "dense_ocr",
        "docsight_group",
        "bm25_ocr_group",
        "dense_ocr_group",
    }


@pytest.mark.slow
def test_answers_with_the_ollama_test_server(tmp_path: Path, monkeypatch, finance) -> None:
    dataset, store = finance
    with FakeOllama() as server:
        monkeypatch.setenv("DOCSIGHT_OLLAMA_URL", server.url)
        out = tmp_path / "answers"
        args = ["answers", "--dataset", str(dataset), "--qdrant-path", store, "--out", str(out)]
        assert _run(*args, "--mode", "text", "--limit", "3", "--judge", "llama3.2:3b") == 0
    result = json.loads((out / "results.json").read_text())
    summary = result["summary"]
    assert result["questions"] == 3 and summary["no_citation_share"] == 0.0
    assert 0.0 <= summary["citation_precision"] <= 1.0 and summary["ttft_p50_s"] > 0
    assert summary["judge_accuracy"] is not None
    assert "citation precision" in (out / "report.md").read_text()
    # the test server quotes its sources: what figures it states are in them
    assert summary["figures"] == sum(r["figures"] for r in result["rows"])
    assert (
        summary["figures_supported_share"] in (None, 1.0)
        and "figures supported share" in (out / "report.md").read_text()
    )


@pytest.mark.slow
def test_answers_report_the_share_of_generated_figures_supported_with_a_real_small_model(
    tmp_path: Path, monkeypatch, finance
) -> None:
    """Gemma 3 270M behind the Ollama-API test server: real, messy model output through the claim checker."""
    from tests.pipelines.test_query_small_llm import gemma as gemma_fixture

    answer = gemma_fixture.__wrapped__(tmp_path_factory=_Factory(tmp_path))
    dataset, store = finance
    with FakeOllama(answer_fn=answer) as server:
        monkeypatch.setenv("DOCSIGHT_OLLAMA_URL", server.url)
        out = tmp_path / "answers"
        args = ["answers", "--dataset", str(dataset), "--qdrant-path", store, "--out", str(out)]
        # two questions, four sources each: the model's prompt evaluation on the CPU is most of the time
        assert _run(*args, "--mode", "text", "--limit", "2", "--top-k", "4") == 0
    summary = json.loads((out / "results.json").read_text())["summary"]
    print(
        f"\nGemma 3 270M: {summary['figures']} figures, supported share {summary['figures_supported_share']}, "
        f"before repair {summary['figures_supported_share_before_repair']}, repaired {summary['repaired_answers']}"
    )
    assert summary["figures"] >= 0 and summary["repaired_answers"] <= 2
    if summary["figures"]:
        assert 0.0 <= summary["figures_supported_share"] <= 1.0


class _Factory:
    def __init__(self, root: Path) -> None:
        self.root = root

    def mktemp(self, name: str) -> Path:
        path = self.root / name
        path.mkdir()
        return path


def test_answers_without_ollama_is_an_environment_error(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DOCSIGHT_OLLAMA_URL", "http://127.0.0.1:9")
    dataset = _finance_slice(tmp_path)
    assert _run("answers", "--dataset", str(dataset), "--qdrant-path", str(tmp_path / "q")) == 3
    assert "cannot reach Ollama at http://127.0.0.1:9" in capsys.readouterr().err


def test_a_bad_dataset_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert _run("retrieval", "--dataset", str(tmp_path / "none.jsonl")) == 2
    assert "no such dataset file" in capsys.readouterr().err


@pytest.mark.slow
def test_bench_quick(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    assert _run("bench", "--quick", "--out", str(out), "--workers", "1") == 0
    report = (out / "report.md").read_text()
    assert "raw pdfplumber `extract_words`" in report and "| 1,000 |" in report and (out / "stages.png").is_file()
    assert "Load: 8 concurrent callers for 3 s on 1,000 chunks" in report
    load_row = report.split("| requests | requests/s |", 1)[1].splitlines()[2]
    assert int(load_row.split("|")[1]) > 0 and load_row.rstrip(" |").endswith("| 0")  # requests served, no errors
    assert "while FOOTLOCKER_2022_8K_dated-2022-05-20.pdf" in report and ", ingested, " in report
    during = next(line for line in report.splitlines() if line.startswith("| during ingestion |"))
    assert int(during.split("|")[2]) > 0  # questions were answered while the batch ran
    assert os.path.getsize(out / "stages.png") > 1000
    first = report.split("| imports s | store open s |", 1)[1].splitlines()[2].split("|")
    assert all(float(cell) > 0 for cell in first[1:6])  # a new process answered its first and second query
    for command in ("`docsight retrieve` (small store)", "`docsight --help`"):
        row = next(line for line in report.splitlines() if line.startswith(f"| {command} |"))
        assert float(row.split("|")[2]) > 0
    assert "Web UI" in report


@pytest.mark.slow
def test_bench_many_files_reports_files_per_second(tmp_path: Path) -> None:
    out = tmp_path / "many"
    assert _run("bench", "--many-files", "4", "12", "--out", str(out), "--workers", "1") == 0
    rows = [line.split("|") for line in (out / "report.md").read_text().splitlines() if line.startswith("| ")]
    by_count = {row[1].strip(): row for row in rows if row[1].strip() in ("4", "12")}
    assert set(by_count) == {"4", "12"}
    assert all(float(row[3]) > 0 and row[7].strip() == "0" for row in by_count.values())  # files/s, none failed
