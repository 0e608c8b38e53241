"""``docsight eval retrieval|answers|claims|bench|conversations`` (also ``python -m eval``). Every run writes a
folder with ``report.md``, ``results.json``, ``questions.csv`` and PNG plots; ``--baseline OLD_DIR`` lists what
changed."""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

from eval import report
from eval.datasets import ChartQuestion, DatasetError, load
from eval.metrics import percentile, recall_curve
from pipelines.settings import Settings

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
METRICS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@5")
LABELS = {
    "docsight": "docsight, corpus-wide",
    "bm25": "plain BM25 over pages, corpus-wide",
    "dense": "plain dense (MiniLM, 200-word windows), corpus-wide",
    "docsight_own_doc": "docsight, own document",
    "dense_own_doc": "plain dense, own document",
}
TARGET_RECALL_AT_5, TARGET_CHART_RANK1 = 0.60, 0.80


def _out(args: argparse.Namespace, kind: str) -> Path:
    return Path(args.out or f"eval/results/{kind}-{datetime.now(UTC):%Y%m%d-%H%M%S}")


def _settings(args: argparse.Namespace, dataset: Path) -> Settings:
    return Settings.from_env(
        collection=args.collection or f"eval-{dataset.stem}-{dataset.parent.name}",
        qdrant_path=args.qdrant_path or "data/eval/qdrant",
        qdrant_url=args.qdrant_url,
    )


def run_retrieval(args: argparse.Namespace) -> Path:
    from rich.console import Console

    from eval.charts_eval import SYSTEMS as CHART_SYSTEMS
    from eval.charts_eval import evaluate_charts
    from eval.retrieval_eval import evaluate

    if args.opaque_names:
        from eval.identity_backfill import opaque_dataset

        args.dataset, _ = opaque_dataset(args.dataset, Path("data/eval") / f"{args.dataset.parent.name}-opaque")
    questions = load(args.dataset)
    settings = _settings(args, args.dataset)
    out = _out(args, "retrieval")
    console = Console(stderr=True)
    title = f"Dataset `{args.dataset}`, collection `{settings.collection}` at {settings.qdrant_location}."
    if isinstance(questions[0], ChartQuestion):
        result = evaluate_charts(settings, questions, top_k=args.top_k, console=console)
        lines = report.header("docsight chart retrieval", settings, [title]) + _chart_lines(result, args)
        curves = {
            s: recall_curve([r[f"{s}_rank"] for r in result["rows"] if r["task"].endswith("/Content")])
            for s in CHART_SYSTEMS
        }
        out.mkdir(parents=True, exist_ok=True)
        plot = report.plot_recall(out, curves, "Content questions: evidence chart within k")
        lines += [f"![recall@k]({plot})", ""]
    else:
        options = {
            "scope_by_name": not args.no_scope,
            "dense_weight": args.dense_weight,
            "chunks_per_page": args.chunks_per_page,
        }
        result = evaluate(
            settings,
            questions,
            top_k=args.top_k,
            baselines=not args.no_baselines,
            console=console,
            retriever_options=options,
        )
        title += (
            f" Retriever: scope by document name {'off' if args.no_scope else 'on'}, dense weight {args.dense_weight},"
            f" chunks per page first {args.chunks_per_page}."
        )
        lines = report.header("docsight retrieval evaluation", settings, [title]) + _retrieval_lines(result)
        out.mkdir(parents=True, exist_ok=True)
        systems = [s for s in LABELS if s in result["summary"]]
        curves = {LABELS[s]: recall_curve([r[f"{s}_rank"] for r in result["rows"]]) for s in systems}
        lines += [
            f"![recall@k]({report.plot_recall(out, curves, 'Evidence page within the top k')})",
            f"![latency]({report.plot_histogram(out, result['latency_ms'], 'docsight retrieve latency')})",
            "",
        ]
    if args.baseline:
        lines += report.changes(args.baseline, result["rows"], lambda r: (r.get("docsight_rank") or 99) <= 5)
    return report.write(out, lines, result)


def _retrieval_lines(result: dict) -> list[str]:
    summary = result["summary"]
    rows = [[LABELS[s], *[summary[s][m] for m in METRICS]] for s in LABELS if s in summary]
    latency = result["latency_ms"]
    r5 = summary["docsight"]["recall@5"]
    lines = [
        f"{result['questions']} questions over {result['documents']} documents; a hit is an evidence page of the "
        "question's document; ranks count distinct pages.",
        "",
        *report.table(["system", *METRICS], rows),
        "",
        f"Target page recall@5 corpus-wide >= {TARGET_RECALL_AT_5:.2f}: docsight {r5:.3f} "
        f"({'met' if r5 >= TARGET_RECALL_AT_5 else 'not met'}).",
        "",
        *_sources_lines(result),
        f"docsight retrieve latency (query embedding included): p50 {percentile(latency, 0.5, 0.0):.0f} ms, "
        f"p95 {percentile(latency, 0.95, 0.0):.0f} ms.",
        "",
    ]
    lines += _breakdown_lines(result)
    if result["failed_documents"]:
        lines += ["Documents that failed to ingest: " + "; ".join(result["failed_documents"]), ""]
    misses = [r for r in result["rows"] if not r.get("docsight_rank") or r["docsight_rank"] > 5]
    lines += [f"## Misses at 5 ({len(misses)})", ""]
    lines += report.table(
        ["id", "document", "evidence", "docsight top 5"],
        [[r["id"], r["document"], r["evidence_pages"], ", ".join(r["docsight_top5"])] for r in misses],
    )
    return [*lines, ""]


def _sources_lines(result: dict) -> list[str]:
    """How often an evidence page is among the pages of the sources an answer is given."""
    from eval.retrieval_eval import ANSWER_TOP_K

    given = result.get("sources")
    if not given:
        return []
    cells = [
        f"{label} {v['hit']['all']:.3f} (half A {v['hit']['A']:.3f} / B {v['hit']['B']:.3f}; "
        f"{v['pages']:.1f} distinct pages)"
        for label, v in (("corpus-wide", given["sources"]), ("own document", given["sources_own_doc"]))
    ]
    return [f"Evidence page among the {ANSWER_TOP_K} sources an answer is given: " + "; ".join(cells) + ".", ""]


def _breakdown_lines(result: dict) -> list[str]:
    """recall@5 of every system per cross-validation half and per question type."""
    groups = [(f"half {h}", v) for h, v in result.get("by_half", {}).items()]
    groups += [(t or "(no type)", v) for t, v in result.get("by_type", {}).items()]
    systems = [s for s in LABELS if s in result["summary"]]
    if not groups or not systems:
        return []
    rows = [[name, v["questions"], *[v.get(s, {}).get("recall@5", 0.0) for s in systems]] for name, v in groups]
    return [
        "## recall@5 by half and question type",
        "",
        "Halves split each question type by the SHA-1 of the ids (eval/splits.py): tune on one, read the other.",
        "",
        *report.table(["questions", "n", *[LABELS[s] for s in systems]], rows),
        "",
    ]


_CONTENT_COLUMNS = ("docsight", "bm25_ocr", "dense_ocr", "docsight_group_content", "bm25_ocr_group", "dense_ocr_group")


def _chart_lines(result: dict, args: argparse.Namespace) -> list[str]:
    from eval.charts_eval import SYSTEMS as CHART_SYSTEMS

    def r1(scores: dict, system: str) -> float:
        return scores.get(system, {}).get("recall@1", 0.0)

    rows = [[task, v["questions"], *(r1(v, s) for s in CHART_SYSTEMS)] for task, v in result["by_task"].items()]
    summary = result["summary"]
    group, everywhere = r1(summary, "docsight_group"), r1(summary, "docsight")
    words_only = r1(summary, "docsight_group_content")
    return [
        f"{result['questions']} questions over {result['documents']} chart images; the unit is the image: is an "
        "evidence chart ranked first? Ranked across all charts, and within the question's chart group (the charts "
        'the user asks about, given as an ordered document filter: "the second chart" is resolved). Structure '
        "questions carry no content words: `docsight eval answers` evaluates them with the chart group given.",
        "",
        *report.table(
            [
                "task",
                "questions",
                "docsight, all charts",
                "BM25 over OCR, all",
                "dense over OCR, all",
                "docsight, group",
                "docsight, group, words only",
                "BM25 over OCR, group",
                "dense over OCR, group",
            ],
            rows,
        ),
        "",
        "Content questions by cross-validation half (eval/splits.py), rank-1:",
        "",
        *report.table(
            [
                "half",
                "docsight, all charts",
                "BM25 over OCR, all",
                "dense over OCR, all",
                "docsight, group, words only",
                "BM25 over OCR, group",
                "dense over OCR, group",
            ],
            [
                [label, *(r1(v, s) for s in _CONTENT_COLUMNS)]
                for label, v in [*((f"half {h}", v) for h, v in result.get("by_half", {}).items()), ("all", summary)]
            ],
        ),
        "",
        f"Content questions ({result['content_questions']}), rank-1: docsight {group:.3f} within the group "
        f'({words_only:.3f} from the words alone, without resolving "the second chart"; {everywhere:.3f} across '
        f"all charts); plain BM25 over OCR text {r1(summary, 'bm25_ocr_group'):.3f} within "
        f"the group ({r1(summary, 'bm25_ocr'):.3f} across all); target >= {TARGET_CHART_RANK1:.2f} "
        f"({'met' if group >= TARGET_CHART_RANK1 else 'not met'}).",
        "",
    ]


def run_answers(args: argparse.Namespace) -> Path:
    from rich.console import Console

    from eval.answers_eval import evaluate_answers

    questions = load(args.dataset)
    if args.limit:
        questions = questions[: args.limit]
    settings = _settings(args, args.dataset)
    out = _out(args, "answers")
    result = evaluate_answers(
        settings, questions, mode=args.mode, top_k=args.top_k, judge_model=args.judge, console=Console(stderr=True)
    )
    s = result["summary"]
    lines = report.header(
        "docsight answer evaluation",
        settings,
        [
            f"Dataset `{args.dataset}` ({result['questions']} questions), mode `{args.mode}`, "
            f"Ollama {settings.ollama_url}."
        ],
    )
    lines += report.table(["metric", "value"], [[k.replace("_", " "), v] for k, v in s.items()])
    lines += [
        "",
        "Accuracy: numbers within 2 % of the reference's first number, text by normalised containment"
        + (f", judge: {args.judge}." if args.judge else "."),
        "",
    ]
    totals = [1000 * r["total_s"] for r in result["rows"]]
    out.mkdir(parents=True, exist_ok=True)
    lines += [f"![latency]({report.plot_histogram(out, totals, 'answer latency (total)')})", ""]
    lines += report.table(
        ["id", "correct", "cited", "answer"],
        [[r["id"], r["correct"], ", ".join(r["cited"]), r["answer"][:160]] for r in result["rows"]],
    )
    if args.baseline:
        lines += ["", *report.changes(args.baseline, result["rows"], lambda r: bool(r.get("correct")))]
    return report.write(out, lines, result)


def run_claims(args: argparse.Namespace) -> Path:
    from rich.console import Console

    from eval.claims_eval import PLANTS, TARGET_DETECTION, TARGET_RECALL, evaluate_claims, raw_rows

    questions = load(args.dataset)
    if isinstance(questions[0], ChartQuestion):
        raise DatasetError(f"{args.dataset}: eval claims needs FinanceBench-shaped questions (doc_file, pages)")
    if args.limit:
        questions = questions[: args.limit]
    out = _out(args, "claims")
    result = evaluate_claims(questions, raw_rows(args.dataset), console=Console(stderr=True))
    s = result["summary"]

    def share(value) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    lines = report.header(
        "docsight claim checker",
        Settings.from_env(),
        [
            f"Dataset `{args.dataset}`: {s['answers']} reference answers, {s['answers_with_figures']} with figures. "
            "Evidence pages parsed by docsight's PDF converter and chunker (only those pages); every chunk of them "
            "is a cited source."
        ],
    )
    lines += [
        f"Reference figures found (supported or computed): {s['found']} of {s['figures']} = "
        f"**{share(s['recall'])}** (target >= {TARGET_RECALL:.2f}, "
        f"{'met' if (s['recall'] or 0) >= TARGET_RECALL else 'not met'}).",
        "",
        *report.table(["cause of a miss", "figures"], sorted(s["misses_by_cause"].items(), key=lambda kv: -kv[1])),
        "",
        f"Planted errors flagged unsupported: {s['planted_flagged']} of {s['planted']} = **{share(s['detection'])}** "
        f"(target >= {TARGET_DETECTION:.2f}, {'met' if (s['detection'] or 0) >= TARGET_DETECTION else 'not met'}).",
        "",
        *report.table(
            ["planted error", "planted", "flagged", "share", "not an error (excluded)"],
            [
                [k, v["planted"], v["flagged"], share(v["share"]), v["not_an_error"]]
                for k, v in s["planted_by_kind"].items()
                if k in PLANTS
            ],
        ),
        "",
        f"False alarms on the unchanged answers: {share(s['false_alarm_figures'])} of reference figures, "
        f"{share(s['false_alarm_answers'])} of answers with figures.",
        "",
        "By cross-validation half (eval/splits.py):",
        "",
        *report.table(
            ["half", "answers", "figures", "recall", "planted", "detection", *PLANTS],
            [
                [
                    half,
                    h["answers"],
                    h["figures"],
                    share(h["recall"]),
                    h["planted"],
                    share(h["detection"]),
                    *(share(h["planted_by_kind"][k]["share"]) for k in PLANTS),
                ]
                for half, h in s.get("halves", {}).items()
            ],
        ),
        "",
        "## Misses",
        "",
        *report.table(
            ["id", "document", "figure", "cause", "reason"],
            [
                [r["id"], r["document"], m["figure"], m["cause"], m["reason"][:90]]
                for r in result["rows"]
                for m in r["misses"]
            ],
        ),
        "",
        "## Planted errors not flagged",
        "",
        *report.table(
            ["id", "kind", "original", "planted", "status"],
            [
                [p["id"], p["kind"], p["original"], p["planted"], p["status"]]
                for p in result["planted"]
                if p["status"] != "unsupported" and not p["not_an_error"]
            ],
        ),
        "",
    ]
    return report.write(out, lines, result)


def run_bench(args: argparse.Namespace) -> Path:
    from eval import bench

    out = _out(args, "bench")
    if args.many_files is not None:  # only the many-small-files benchmark
        text = bench.bench_many_files(args.many_files or list(bench.MANY_FILES), workers=args.workers)
        settings = Settings.from_env(workers=args.workers)
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.md").write_text(
            "\n".join([*report.header("docsight benchmark: many small files", settings, []), text]), encoding="utf-8"
        )
        return out / "report.md"
    store, small_store, pdfs = out / "store", out / "store-small", Path(args.pdfs)
    sample = bench.QUICK_SAMPLE if args.quick else bench.DEFAULT_SAMPLE
    files = sorted(pdfs.glob("*.pdf")) if args.all else [pdfs / name for name in sample]
    ingest_text = bench.bench_ingest(
        files,
        workers=args.workers,
        out=out,
        keep_store=None if args.ingest_only else store,
        keep_small_store=None if args.ingest_only else small_store,
    )
    stages = bench.stage_rates(out / "results.json")
    settings = Settings.from_env(workers=args.workers)
    lines = [
        *report.header("docsight benchmarks", settings, [f"Sample: {', '.join(f.name for f in files)}."]),
        ingest_text,
        f"![pages/s per stage]({report.plot_bars(out, stages, 'pages/s per stage', 'pages/s', 'stages.png')})",
        "",
    ]
    if not args.ingest_only:
        questions = bench.questions_from(Path(args.questions), 5 if args.quick else args.queries)
        lines.append(
            bench.bench_retrieval(
                collection="bench",
                qdrant_path=str(store),
                questions=questions,
                sizes=[1_000] if args.quick else [1_000, 10_000, 100_000],
                callers=args.callers,
                load_seconds=3 if args.quick else args.load_seconds,
                out=out,
            )
        )
        lines.append(
            bench.bench_responsiveness(
                collection="bench",
                qdrant_path=str(store),
                questions=questions,
                workers=args.workers,
                ingest_file=pdfs / (bench.QUICK_UPLOAD if args.quick else bench.UPLOAD),
            )
        )
        lines.append(
            bench.bench_cli(
                qdrant_path=str(small_store),
                collection="bench",
                question=questions[0],
                runs=1 if args.quick else 3,
            )
        )
        lines.append(bench.bench_ui(qdrant_path=str(small_store), collection="bench"))
        for folder in (store, small_store):  # the chunks served the latency runs; the report keeps the numbers
            shutil.rmtree(folder, ignore_errors=True)
    (out / "report.md").write_text("\n".join(lines), encoding="utf-8")
    return out / "report.md"


def run_conversations(args: argparse.Namespace) -> Path:
    from rich.console import Console

    from eval.conversations_eval import dataset_files, evaluate_conversations, load_conversations
    from eval.retrieval_eval import ingest_documents
    from pipelines.generation.ollama_status import OllamaError, check_ollama

    rows = load_conversations(args.dataset)
    settings = Settings.from_env(
        collection=args.collection or "eval-questions-financebench",
        qdrant_path=args.qdrant_path or "data/eval/qdrant",
        qdrant_url=args.qdrant_url,
    )
    files = dataset_files(rows, args.pdfs)
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise FileNotFoundError(f"filings not found: {', '.join(missing[:5])}")
    console = Console(stderr=True)
    ingest_documents(settings, files, console)  # unchanged files are skipped
    model = not args.no_model
    if model:
        try:
            check_ollama(settings.ollama_url, [settings.text_model], api_key=settings.ollama_api_key)
        except OllamaError as exc:
            console.print(f"no model rewrite: {exc}")
            model = False
    result = evaluate_conversations(
        settings, rows, top_k=args.top_k, compare_k=args.compare_k, model_rewrite=model, console=console
    )
    s, k = result["summary"], args.top_k
    rewriter = f"{settings.text_model} at {settings.ollama_url}" if model else "not measured (no Ollama reachable)"
    recall = s[f"followup_recall@{k}"]
    lines = report.header(
        "docsight conversations",
        settings,
        [
            f"Dataset `{args.dataset}`: {s['followups']} follow-up pairs, {s['comparison']['questions']} comparison "
            f"questions, {s['comparing_followup']['questions']} comparing follow-ups; filings from `{args.pdfs}`. "
            f"Model rewrite: {rewriter}."
        ],
    )
    labels = {
        "alone": "(a) the follow-up asked alone",
        "rules": "(b) in the conversation, rules' rewrite (no model)",
        "model": "(c) in the conversation, model rewrite",
        "standalone": "(d) the standalone question (ceiling)",
    }
    lines += [f"Follow-ups: page recall@{k} of the second turn.", ""]
    lines += report.table(["system", f"recall@{k}"], [[labels[name], value] for name, value in recall.items()])
    if "rules" in recall and recall.get("standalone") is not None:
        gap = recall["standalone"] - recall["rules"]
        lines += ["", f"(b) is {gap:+.3f} from the standalone questions (target: within 0.05)."]
    lines += ["", f"Comparisons: sources (top-k {args.compare_k}) with an evidence page of each filing.", ""]
    lines += report.table(
        ["set", "questions", "both filings", "per filing", "baseline: both", "baseline: per filing"],
        [
            [
                name,
                s[kind]["questions"],
                s[kind]["balanced"]["both"],
                s[kind]["balanced"]["per_document"],
                s[kind]["baseline"]["both"],
                s[kind]["baseline"]["per_document"],
            ]
            for kind, name in (
                ("comparison", "one question naming two filings (baseline: no per-document shares)"),
                ("comparing_followup", "a follow-up adding a filing (baseline: the follow-up alone)"),
            )
        ],
    )
    lines += ["", f"Retrieval time: {result['seconds']:.0f} s.", ""]
    out = _out(args, "conversations")
    return report.write(out, lines, result)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="docsight eval", description="measure retrieval, answers, speed, memory")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("retrieval", "page recall@k, MRR, nDCG (FinanceBench shape) or chart rank-1 (charts), with baselines"),
        ("answers", "answer accuracy, citation precision/recall, latency (needs Ollama)"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--dataset", type=Path, required=True, help="a JSONL file (FinanceBench or chart shape)")
        sub.add_argument("--top-k", type=int, default=10 if name == "retrieval" else 8)
        sub.add_argument("--collection", help="default: eval-<dataset name>")
        sub.add_argument("--qdrant-path", help="embedded store (default: data/eval/qdrant)")
        sub.add_argument("--qdrant-url", help="a Qdrant server instead")
        sub.add_argument("--out", help="output folder (default: eval/results/<kind>-<time>)")
        sub.add_argument("--baseline", type=Path, metavar="OLD_DIR", help="an earlier run's folder to compare with")
    retrieval = commands.choices["retrieval"]
    retrieval.add_argument("--no-baselines", action="store_true", help="skip plain BM25 and plain dense")
    retrieval.add_argument("--no-scope", action="store_true", help="ablation: do not scope by document names")
    retrieval.add_argument("--dense-weight", type=float, default=2.0, help="ablation: dense weight in the fusion")
    retrieval.add_argument(
        "--chunks-per-page", type=int, default=1, help="ablation: chunks a page gets before others' (0: fused order)"
    )
    retrieval.add_argument(
        "--opaque-names",
        action="store_true",
        help="evaluate a copy of the dataset whose documents are renamed to a hash of their bytes (in "
        "data/eval/<folder>-opaque; collection eval-<name>-<folder>-opaque unless --collection)",
    )
    answers = commands.choices["answers"]
    answers.add_argument("--mode", choices=["auto", "text", "vision"], default="auto")
    answers.add_argument("--limit", type=int, help="only the first N questions")
    answers.add_argument("--judge", metavar="MODEL", help="also ask this Ollama model whether each answer is right")
    conversations = commands.add_parser(
        "conversations", help="follow-up recall@k (alone, rules, model, standalone) and comparisons across filings"
    )
    conversations.add_argument(
        "--dataset", type=Path, default=Path(__file__).with_name("conversations.jsonl"), help="the conversations set"
    )
    conversations.add_argument("--pdfs", type=Path, default=CORPUS / "financebench", help="the FinanceBench folder")
    conversations.add_argument("--top-k", type=int, default=5, help="follow-ups: recall at this k")
    conversations.add_argument("--compare-k", type=int, default=8, help="comparisons: sources per question")
    conversations.add_argument("--no-model", action="store_true", help="skip (c), the model rewrite")
    conversations.add_argument("--collection", help="default: eval-questions-financebench (as eval retrieval)")
    conversations.add_argument("--qdrant-path", help="embedded store (default: data/eval/qdrant)")
    conversations.add_argument("--qdrant-url", help="a Qdrant server instead")
    conversations.add_argument("--out", help="output folder (default: eval/results/conversations-<time>)")
    claims = commands.add_parser(
        "claims", help="the claim checker on reference answers (recall) and planted errors (detection); no Ollama"
    )
    claims.add_argument(
        "--dataset", type=Path, default=CORPUS / "financebench" / "questions.jsonl", help="FinanceBench-shaped JSONL"
    )
    claims.add_argument("--limit", type=int, help="only the first N questions")
    claims.add_argument("--out", help="output folder (default: eval/results/claims-<time>)")
    bench = commands.add_parser("bench", help="ingestion pages/s, stage split, memory; retrieval latency by size")
    bench.add_argument("--pdfs", default=str(CORPUS / "financebench" / "pdfs"))
    bench.add_argument("--questions", default=str(CORPUS / "financebench" / "questions.jsonl"))
    bench.add_argument("--workers", type=int, default=2)
    bench.add_argument("--queries", type=int, default=20)
    bench.add_argument("--callers", type=int, default=8, help="concurrent retrieve callers in the load test")
    bench.add_argument("--load-seconds", type=float, default=60, help="load test length on the largest collection")
    bench.add_argument("--quick", action="store_true", help="one small filing, 1k chunks, 3 s of load (a smoke run)")
    bench.add_argument("--all", action="store_true", help="ingest every PDF in --pdfs instead of the sample")
    bench.add_argument("--ingest-only", action="store_true", help="only the ingestion benchmark")
    bench.add_argument(
        "--many-files",
        type=int,
        nargs="*",
        metavar="N",
        help="only files/s for batches of N one-page PDFs (default: 100 1000 5000)",
    )
    bench.add_argument("--out")
    return parser


def main(argv: list[str] | None = None) -> int:
    from pipelines.display import plain
    from pipelines.generation.ollama_status import OllamaError
    from retrievers.errors import StoreError

    args = build_parser().parse_args(argv)
    try:
        run = {
            "retrieval": run_retrieval,
            "answers": run_answers,
            "claims": run_claims,
            "bench": run_bench,
            "conversations": run_conversations,
        }[args.command]
        path = run(args)
    except (DatasetError, FileNotFoundError) as exc:
        print(f"docsight eval: error: {exc}", file=sys.stderr)
        return 2
    except (OllamaError, StoreError) as exc:
        print(f"docsight eval: error: {exc}", file=sys.stderr)
        return 3
    print(plain(path.read_text(encoding="utf-8"), keep_lines=True))  # it quotes file names
    print(f"report: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
