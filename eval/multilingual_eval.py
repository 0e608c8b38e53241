"""Documents in other languages and scripts: OCR/extraction quality, retrieval rank-1 per embedder, ingestion speed.

``python -m eval.multilingual_eval [--out DIR] [--embedders minilm,e5-small-multilingual] [--texts DIR]``

- **Character error rate** of docsight's text for hand-transcribed reference passages
  (``tests/ingest/fixtures/multilingual_references.json``): the edit distance between a reference and the best-matching
  span of the file's extracted text, over the reference's length, after NFKC normalisation (whitespace collapsed;
  removed altogether for Chinese and Japanese). ``--texts DIR`` scores texts saved as ``DIR/<file>.txt`` instead
  (e.g. from an older docsight) and stops there.
- **Retrieval**: every corpus file is ingested into a fresh embedded collection per embedder; each question of
  ``eval/multilingual_questions.json`` is asked in its language and in English; a hit at rank 1 is a chunk of the
  answer's file and page.
- **Speed**: wall time of each ingestion (parsing, OCR and embedding) and the dense embedder alone over the same
  chunks (chunks/s).
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
import unicodedata
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "parsers"
REFERENCES = REPO / "tests" / "ingest" / "fixtures" / "multilingual_references.json"
QUESTIONS = REPO / "eval" / "multilingual_questions.json"
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_UNSPACED_LANGUAGES = ("zh", "ja")


def normalise(text: str, language: str) -> str:
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).replace("\u2019", "'")
    if language in _UNSPACED_LANGUAGES:
        return re.sub(r"\s+", "", text)
    return " ".join(text.split())


def character_error_rate(reference: str, text: str, language: str) -> float:
    """Edit distance from ``reference`` to the best-matching span of ``text``, over the reference's length."""
    ref, hyp = normalise(reference, language), normalise(text, language)
    if not ref:
        return 0.0
    columns = np.arange(len(hyp) + 1)
    hyp_codes = np.frombuffer(hyp.encode("utf-32-le"), dtype=np.uint32)
    row = np.zeros(len(hyp) + 1, dtype=np.int64)  # free start: the span may begin anywhere
    for i, char in enumerate(ref, start=1):
        substitution = row[:-1] + (hyp_codes != ord(char))
        best = np.empty_like(row)
        best[0] = i
        best[1:] = np.minimum(substitution, row[1:] + 1)
        row = np.minimum.accumulate(best - columns) + columns  # insertions along the row
    return float(row.min()) / len(ref)  # free end


def extracted_texts(files: list[str], settings) -> dict[str, str]:
    """Each file's text as docsight extracts it (every block but the page images), or the error."""
    from ingest.converters.image_ocr_converter import ImageOCRConverter
    from ingest.converters.pdf_layout_converter import PDFLayoutConverter
    from ingest.errors import IngestError

    out = {}
    for name in files:
        path = CORPUS / name
        converter = (
            PDFLayoutConverter(ocr_languages=settings.ocr_language_list)
            if path.suffix == ".pdf"
            else ImageOCRConverter(ocr_languages=settings.ocr_language_list)
        )
        try:
            docs = converter.run(sources=[path])["documents"]
            out[name] = "\n".join(d.content or "" for d in docs if d.meta.get("kind") != "page")
        except IngestError as exc:
            out[name] = f"[failed: {exc}]"
    return out


def cer_rows(texts: dict[str, str]) -> list[dict]:
    refs = json.loads(REFERENCES.read_text(encoding="utf-8"))["references"]
    return [
        {
            "file": r["file"],
            "language": r["language"],
            "cer": round(character_error_rate(r["text"], texts.get(r["file"], ""), r["language"]), 3),
        }
        for r in refs
    ]


def _chunks(files: list[str], settings) -> list:
    from haystack import Pipeline

    from pipelines.indexing import build_indexing_pipeline

    pipe: Pipeline = build_indexing_pipeline(settings)
    pipe.remove_component("dense_embedder")
    pipe.remove_component("sparse_embedder")
    result = pipe.run({"router": {"sources": [str(CORPUS / f) for f in files]}})
    return result["identifier"]["documents"]


def embedding_speed(chunks: list, settings, embedder: str) -> float:
    from pipelines.embedders import document_embedder

    component = document_embedder(_with(settings, embedder=embedder))
    component.warm_up()
    started = time.perf_counter()
    component.run(documents=chunks)
    return len(chunks) / (time.perf_counter() - started)


def retrieval_rows(files: list[str], settings, embedder: str, questions: list[dict]) -> tuple[list[dict], dict]:
    from pipelines.batch.runner import BatchIngest
    from pipelines.retrieval import build_retrieval_pipeline, retrieve
    from pipelines.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        run_settings = _with(settings, embedder=embedder, qdrant_path=str(Path(tmp) / "qdrant"), collection="ml")
        started = time.perf_counter()
        results = BatchIngest(run_settings).run([str(CORPUS / f) for f in files])
        seconds = time.perf_counter() - started
        ingest = {
            "seconds": round(seconds, 1),
            "chunks": sum(r.chunks or 0 for r in results),
            "failed": [f"{Path(r.file).name}: {r.error}" for r in results if r.status == "failed"],
        }
        store = open_store(run_settings)
        try:
            pipeline = build_retrieval_pipeline(run_settings, store)
            rows = []
            for q in questions:
                for asked in ("native", "english"):
                    docs = retrieve(pipeline, q[asked], top_k=5)
                    ranking = [(d.meta.get("source"), int(d.meta.get("page", 0))) for d in docs]
                    target = (q["file"], q["page"])
                    rank = ranking.index(target) + 1 if target in ranking else None
                    rows.append({"language": q["language"], "asked_in": asked, "question": q[asked], "rank": rank})
        finally:
            store.close()
    return rows, ingest


def _with(settings, **changes):
    return settings.__class__(**{**settings.__dict__, **changes})


def rank1_table(rows_by_embedder: dict[str, list[dict]]) -> list[str]:
    lines = [
        "| language | asked in | " + " | ".join(rows_by_embedder) + " |",
        "|---|---|" + "---|" * len(rows_by_embedder),
    ]
    groups: dict[tuple[str, str], dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for embedder, rows in rows_by_embedder.items():
        for row in rows:
            groups[(row["language"], row["asked_in"])][embedder].append(row["rank"] == 1)
            groups[("all", row["asked_in"])][embedder].append(row["rank"] == 1)
    for (language, asked), by in sorted(groups.items(), key=lambda kv: (kv[0][0] == "all", kv[0])):
        cells = [f"{sum(by[e])}/{len(by[e])}" for e in rows_by_embedder]
        lines.append(f"| {language} | {asked} | " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> Path:
    from pipelines.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--embedders", default="minilm,e5-small-multilingual")
    parser.add_argument("--texts", type=Path, default=None, help="score texts saved as DIR/<file>.txt, then stop")
    args = parser.parse_args(argv)
    out = args.out or REPO / "eval" / "results" / f"multilingual-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    out.mkdir(parents=True, exist_ok=True)
    settings = Settings.from_env(workers=1)
    refs = json.loads(REFERENCES.read_text(encoding="utf-8"))["references"]
    questions = json.loads(QUESTIONS.read_text(encoding="utf-8"))["questions"]
    files = sorted({r["file"] for r in refs} | {q["file"] for q in questions})
    if args.texts:
        texts = {
            f: (args.texts / f"{f}.txt").read_text(encoding="utf-8")
            for f in files
            if (args.texts / f"{f}.txt").exists()
        }
    else:
        texts = extracted_texts(files, settings)
    result: dict = {"cer": cer_rows(texts)}
    lines = ["# docsight multilingual evaluation", "", "| file | language | CER |", "|---|---|---|"]
    lines += [f"| {r['file']} | {r['language']} | {r['cer']:.3f} |" for r in result["cer"]]
    if not args.texts:
        embedders = [e for e in args.embedders.split(",") if e]
        chunks = _chunks(files, settings)
        result["embedding_chunks_per_s"] = {e: round(embedding_speed(chunks, settings, e), 2) for e in embedders}
        result["retrieval"], result["ingest"] = {}, {}
        for embedder in embedders:
            result["retrieval"][embedder], result["ingest"][embedder] = retrieval_rows(
                files, settings, embedder, questions
            )
        lines += ["", f"Rank-1 hits ({len(questions)} questions, each asked in its language and in English):", ""]
        lines += rank1_table(result["retrieval"])
        lines += [
            "",
            "| embedder | ingestion (s, all files) | chunks | dense embedding alone (chunks/s) |",
            "|---|---|---|---|",
        ]
        for e in embedders:
            ing = result["ingest"][e]
            lines.append(f"| {e} | {ing['seconds']} | {ing['chunks']} | {result['embedding_chunks_per_s'][e]} |")
    (out / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return out


if __name__ == "__main__":
    main()
