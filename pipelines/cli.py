"""The ``docsight`` command line. Errors are rendered here, once, with an exit code.

Exit codes: 0 success; 1 some files failed (the rest is stored); 2 usage error; 3 environment error (store locked
or unreachable, embedding-model mismatch, a setting with a bad value); 4 ``ask --strict``: the answer has figures
not found in the sources it cites.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ingest.schema import Kind
from pipelines.display import markup_safe, plain, plain_text
from pipelines.settings import Settings, SettingsError

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_ENV, EXIT_UNSUPPORTED = 0, 1, 2, 3, 4


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits with 2 too; keep its message short and ours
        self.print_usage(sys.stderr)
        print(f"docsight: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _store_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--collection", help="collection name (DOCSIGHT_COLLECTION, default: docsight)")
    parser.add_argument("--qdrant-path", help="embedded store folder (DOCSIGHT_QDRANT_PATH, default: data/qdrant)")
    parser.add_argument("--qdrant-url", help="Qdrant server URL; overrides the embedded store (DOCSIGHT_QDRANT_URL)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="docsight", description="Local-first document understanding: ingest, retrieve, ask.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ingest = commands.add_parser("ingest", help="ingest PDFs and images (files or folders, recursively)")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    _store_flags(ingest)
    ingest.add_argument("--workers", type=int, help="parser processes (DOCSIGHT_WORKERS)")
    ingest.add_argument(
        "--password",
        action="append",
        default=[],
        metavar="FILE=PASSWORD",
        help="password of an encrypted PDF, by file name or path; repeatable",
    )
    ingest.add_argument("--report", type=Path, metavar="FILE.json", help="write a per-file JSON report")
    ingest.add_argument("--no-progress", action="store_true", help="no progress bar (one line per file instead)")
    ingest.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="follow symlinks that lead out of the named folders (by default they are skipped and reported)",
    )
    ingest.add_argument(
        "--shard",
        metavar="I/N",
        help="process only shard I of N (0 <= I < N): N workers given the same folder ingest each file once",
    )

    retrieve = commands.add_parser("retrieve", help="the ranked sources for a question (no LLM involved)")
    retrieve.add_argument("question")
    _store_flags(retrieve)
    retrieve.add_argument("--top-k", type=int, default=10)
    retrieve.add_argument("--json", action="store_true", help="print the hits as JSON")
    retrieve.add_argument("--doc", action="append", metavar="DOC_ID_OR_SOURCE", help="only this document; repeatable")
    _identity_flags(retrieve)
    retrieve.add_argument(
        "--kind",
        action="append",
        choices=[Kind.TEXT, Kind.TABLE, Kind.FIGURE, Kind.PAGE],
        help="only this kind of chunk; repeatable",
    )
    retrieve.add_argument("--pages", metavar="FIRST-LAST", help="only this page range, e.g. 3-7 or 12")

    ask = commands.add_parser("ask", help="answer a question from the documents, with cited sources")
    ask.add_argument("question")
    _store_flags(ask)
    ask.add_argument(
        "--mode",
        choices=["auto", "text", "vision"],
        default="auto",
        help="auto: the vision model when figures or page images are among the best sources",
    )
    ask.add_argument("--top-k", type=int, default=8)
    ask.add_argument("--doc", action="append", metavar="DOC_ID_OR_SOURCE", help="only this document; repeatable")
    _identity_flags(ask)
    ask.add_argument("--json", action="store_true", help="print one JSON object instead of streaming")
    ask.add_argument("--ollama-url", help="Ollama server (DOCSIGHT_OLLAMA_URL)")
    ask.add_argument(
        "--strict", action="store_true", help="exit with 4 when a figure of the answer is not in the sources it cites"
    )
    ask.add_argument(
        "--conversation",
        metavar="NAME",
        help="add the question as the next turn of this saved conversation (created if there is none)",
    )

    chat = commands.add_parser("chat", help="an interactive conversation: follow-up questions, saved as you go")
    _store_flags(chat)
    chat.add_argument("--conversation", metavar="NAME", help="continue this saved conversation (default: a new one)")
    chat.add_argument("--mode", choices=["auto", "text", "vision"], default=None, help="model route (default: auto)")
    chat.add_argument("--top-k", type=int, default=8)
    chat.add_argument("--doc", action="append", metavar="DOC_ID_OR_SOURCE", help="only this document; repeatable")
    chat.add_argument("--ollama-url", help="Ollama server (DOCSIGHT_OLLAMA_URL)")

    export = commands.add_parser("export", help="write the indexing and query pipelines as Haystack YAML")
    export.add_argument("--out", type=Path, default=Path("pipelines"), help="folder (default: ./pipelines)")
    export.add_argument(
        "--only", choices=["indexing", "query"], help="write only this pipeline (e.g. query, for a hayhooks server)"
    )
    _store_flags(export)

    evaluate = commands.add_parser(
        "eval", help="measure retrieval, answers, speed and memory (docsight eval --help)", add_help=False
    )
    evaluate.add_argument("rest", nargs=argparse.REMAINDER)

    commands.add_parser(
        "prepare", help="build derived model files now (the ONNX encoder), so that nothing is built at first use"
    )

    ui = commands.add_parser("ui", help="start the web UI (Streamlit) on DOCSIGHT_UI_ADDRESS:DOCSIGHT_UI_PORT")
    _store_flags(ui)
    ui.add_argument("--address", help="interface to bind (DOCSIGHT_UI_ADDRESS, default: 127.0.0.1)")
    ui.add_argument("--port", type=int, help="port (DOCSIGHT_UI_PORT, default: 8501)")

    collections = commands.add_parser("collections", help="list, create, rename or delete collections")
    collection_commands = collections.add_subparsers(dest="collections_command", required=True, parser_class=_Parser)
    listed = collection_commands.add_parser("list", help="collections with their documents, points, embedding model")
    listed.add_argument("--json", action="store_true")
    created = collection_commands.add_parser("create", help="a new, empty collection")
    created.add_argument("name")
    removed = collection_commands.add_parser("delete", help="remove a collection and everything in it")
    removed.add_argument("name")
    renamed = collection_commands.add_parser("rename", help="give a collection another name (copies it)")
    renamed.add_argument("name")
    renamed.add_argument("new_name")
    for sub in (listed, created, removed, renamed):
        sub.add_argument("--qdrant-path", help="embedded store folder (DOCSIGHT_QDRANT_PATH, default: data/qdrant)")
        sub.add_argument("--qdrant-url", help="Qdrant server URL (DOCSIGHT_QDRANT_URL)")

    docs = commands.add_parser("docs", help="list, delete or correct ingested documents")
    docs_commands = docs.add_subparsers(dest="docs_command", required=True, parser_class=_Parser)
    listing = docs_commands.add_parser("list", help="documents with pages, chunks, figures, tables")
    _store_flags(listing)
    listing.add_argument("--json", action="store_true")
    delete = docs_commands.add_parser("delete", help="remove every point of a document")
    delete.add_argument("target", nargs="?", metavar="DOC_ID_OR_SOURCE")
    delete.add_argument("--all", action="store_true", help="delete every document of the collection")
    _store_flags(delete)
    edit = docs_commands.add_parser(
        "set", help="correct a document's title, organisation, period or kind, or tag it (kept across re-ingests)"
    )
    edit.add_argument("target", metavar="DOC_ID_OR_SOURCE")
    edit.add_argument("--title")
    edit.add_argument("--organisation", metavar="NAME")
    edit.add_argument(
        "--alias", action="append", metavar="NAME", help="a short form or ticker of the organisation; repeatable"
    )
    edit.add_argument("--period", metavar="PERIOD", help="e.g. FY2018, FY2023 Q2, 2023-05-03")
    edit.add_argument("--doc-kind", metavar="KIND", help="10-K, 10-Q, 8-K, earnings release, paper, invoice, ...")
    edit.add_argument("--tag", action="append", metavar="TAG", help="a label of your own; repeatable")
    edit.add_argument("--no-tags", action="store_true", help="remove the document's tags")
    edit.add_argument("--json", action="store_true")
    _store_flags(edit)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        collection=getattr(args, "collection", None),
        qdrant_path=getattr(args, "qdrant_path", None),
        qdrant_url=getattr(args, "qdrant_url", None),
        workers=getattr(args, "workers", None),
        ollama_url=getattr(args, "ollama_url", None),
        ui_address=getattr(args, "address", None),
        ui_port=getattr(args, "port", None),
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["eval"]:  # eval/ builds on pipelines/; it is loaded only for this command
        from eval.cli import main as eval_main

        return eval_main(argv[1:])
    args = build_parser().parse_args(argv)
    for name in ("question", "doc", "target"):  # bytes that are not UTF-8 in argv: U+FFFD, as in file names
        value = getattr(args, name, None)
        if isinstance(value, str):
            setattr(args, name, plain_text(value))
        elif isinstance(value, list):
            setattr(args, name, [plain_text(v) for v in value])
    from pipelines.generation.errors import OllamaError
    from retrievers.errors import StoreError

    try:
        settings = settings_from(args)
        if args.command == "ingest":
            return _ingest(args, settings)
        if args.command == "retrieve":
            return _retrieve(args, settings)
        if args.command == "ask":
            return _ask(args, settings)
        if args.command == "chat":
            return _chat(args, settings)
        if args.command == "ui":
            return _ui(settings)
        if args.command == "prepare":
            from pipelines.embedders import prepare_embedder

            print(f"ready: {prepare_embedder(settings)}")
            return EXIT_OK
        if args.command == "export":
            from pipelines.export import export

            for path in export(settings, args.out, only=args.only):
                print(f"wrote {path}")
            return EXIT_OK
        if args.command == "collections":
            return _collections(args, settings)
        if args.command == "docs" and args.docs_command == "list":
            return _docs_list(args, settings)
        if args.command == "docs" and args.docs_command == "delete":
            return _docs_delete(args, settings)
        if args.command == "docs" and args.docs_command == "set":
            return _docs_set(args, settings)
    except (StoreError, SettingsError, OllamaError) as exc:
        print(f"docsight: error: {plain(exc)}", file=sys.stderr)
        return EXIT_ENV
    except _UsageError as exc:
        print(f"docsight: error: {plain(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # retrieve, ask, docs: nothing to finish
        print("\ndocsight: interrupted", file=sys.stderr)
        return 130
    finally:
        _close_stores()
    return EXIT_USAGE


class _UsageError(Exception):
    pass


_opened: list = []  # services opened by this command, closed by main() before the interpreter shuts down


def _open_service(settings: Settings):
    from pipelines.service import DocsightService

    service = DocsightService(settings)
    _opened.append(service)
    return service


def _close_stores() -> None:
    """Close what the command opened: left to the garbage collector at interpreter shutdown, qdrant-client's
    embedded store fails to close (``ImportError: sys.meta_path is None``)."""
    import contextlib

    while _opened:
        with contextlib.suppress(Exception):  # best effort: the command's own outcome is what counts
            _opened.pop().close()


def _parse_passwords(values: list[str]) -> dict[str, str]:
    passwords = {}
    for value in values:
        name, sep, password = value.partition("=")
        if not sep or not name:
            raise _UsageError(f"--password takes FILE=PASSWORD, got {value!r}")
        passwords[name] = password
    return passwords


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console

    from pipelines.batch.report import FAILED, render_table, write_report
    from pipelines.batch.runner import BatchIngest, BatchInterrupted
    from pipelines.batch.sharding import parse_shard
    from pipelines.progress_display import IngestProgressDisplay

    passwords = _parse_passwords(args.password)
    if not any(Path(p).exists() for p in args.paths):
        raise _UsageError(f"no such file or folder: {', '.join(args.paths)}")
    shard = None
    if args.shard:
        try:
            shard = parse_shard(args.shard)
        except ValueError as exc:
            raise _UsageError(str(exc)) from None
    console = Console(stderr=True)
    display = IngestProgressDisplay(console, bar=not args.no_progress and console.is_terminal)
    stop = _StopOnSignal()
    batch = BatchIngest(settings, on_progress=display, shard=shard, follow_symlinks=args.follow_symlinks, stop=stop)
    try:
        with stop:
            try:
                results = batch.run(args.paths, passwords)
            finally:
                display.close()
    except BatchInterrupted as interrupted:
        if args.report:
            write_report(interrupted.results, args.report)
        render_table(interrupted.results, Console())
        print(
            f"docsight: stopped by {stop.name}: {len(interrupted.results)} file(s) finished (every ingested document "
            f"is complete), {interrupted.remaining} not yet; run the same command again to ingest the rest.",
            file=sys.stderr,
        )
        return 128 + stop.signum
    if args.report:
        write_report(results, args.report)
    render_table(results, Console())
    return EXIT_PARTIAL if any(r.status == FAILED for r in results) else EXIT_OK


class _StopOnSignal:
    """An event set by SIGINT (Ctrl-C) or SIGTERM while in its ``with`` block: the batch then stops between two
    documents. A second signal stops at once (the protocol makes even that safe; see DocumentRegistry)."""

    def __init__(self) -> None:
        import threading

        self._event = threading.Event()
        self.signum, self.name = 0, ""
        self._saved: dict = {}

    def is_set(self) -> bool:
        return self._event.is_set()

    def _handle(self, signum, _frame) -> None:
        import signal

        if self._event.is_set():
            raise SystemExit(128 + signum)
        self.signum, self.name = signum, signal.Signals(signum).name
        print(f"\ndocsight: {self.name}: stopping after the document being written...", file=sys.stderr)
        self._event.set()

    def __enter__(self) -> _StopOnSignal:
        import signal

        for signum in (signal.SIGINT, signal.SIGTERM):
            self._saved[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        import signal

        for signum, handler in self._saved.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def _page_range(value: str | None) -> tuple[int | None, int | None]:
    if not value:
        return None, None
    first, _, last = value.partition("-")
    try:
        return int(first), int(last or first)
    except ValueError:
        raise _UsageError(f"--pages takes FIRST-LAST, e.g. 3-7, got {value!r}") from None


def _retrieve(args: argparse.Namespace, settings: Settings) -> int:
    if args.top_k < 1:
        raise _UsageError("--top-k must be at least 1")
    page_from, page_to = _page_range(args.pages)
    service, doc_ids = _open_collection(settings, args.doc, _about(args))
    hits = service.retrieve(
        args.question, top_k=args.top_k, doc_ids=doc_ids, kinds=args.kind, page_from=page_from, page_to=page_to
    )
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], indent=2, ensure_ascii=False))
        return EXIT_OK
    from rich.console import Console

    console = Console()
    for hit in hits:  # source, section and text come from files: escaped, control characters made visible
        console.print(
            f"[bold]{hit.n}.[/] {markup_safe(hit.source)} p.{hit.page} {markup_safe(f'[{hit.kind}]')} "
            f"score {hit.score:.3f}{' (crop)' if hit.has_crop else ''} — {markup_safe(hit.section[:60])}",
            highlight=False,
        )
        console.print("   " + plain(" ".join(hit.text.split())[:300]), markup=False, highlight=False)
    if not hits:
        console.print("no matching chunks")
    return EXIT_OK


def _identity_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--organisation", metavar="NAME", help="only documents about it (or a short form: MMM, 3M)")
    parser.add_argument("--period", metavar="PERIOD", help="only documents of this period or year (FY2018, 2023)")
    parser.add_argument("--doc-kind", metavar="KIND", help="only documents of this kind (10-K, 10-Q, paper, ...)")
    parser.add_argument("--tag", metavar="TAG", help="only documents with this tag (docsight docs set --tag)")


def _about(args: argparse.Namespace) -> dict[str, str]:
    """The ``--organisation``/``--period``/``--doc-kind``/``--tag`` choices of a command (empty: none)."""
    names = {"organisation": args.organisation, "period": args.period, "kind": args.doc_kind, "tag": args.tag}
    return {k: v for k, v in names.items() if v}


def _is_about(document, about: dict[str, str]) -> bool:
    """Whether a document's identity (see ingest.identity) matches every ``about`` choice, case-insensitively: the
    organisation or one of its short forms; the period or one of its years; the kind; one of its tags."""
    organisation, period, kind, tag = (about.get(k, "").lower() for k in ("organisation", "period", "kind", "tag"))
    names = {n.lower() for n in (document.organisation, *document.aliases) if n}
    years = document.years
    return (
        (not organisation or organisation in names)
        and (not period or period in {document.period.lower(), *years, *(f"fy{y}" for y in years)})
        and (not kind or kind == document.kind.lower())
        and (not tag or tag in {t.lower() for t in document.tags})
    )


def _open_collection(settings: Settings, only: list[str] | None, about: dict[str, str] | None = None):
    """The service over a collection that has documents, and the doc ids --doc names and --organisation/--period/
    --doc-kind choose (None: all)."""
    from pipelines.service import NoDocumentMatchError

    service = _open_service(settings)
    documents = service.require_documents()
    doc_ids = None
    if only:
        try:
            doc_ids = [d.doc_id for d in service.resolve(only)]
        except NoDocumentMatchError as exc:
            raise _UsageError(str(exc)) from None
    if about:
        chosen = [d.doc_id for d in documents if _is_about(d, about) and (doc_ids is None or d.doc_id in doc_ids)]
        if not chosen:
            wanted = ", ".join(f"{k} {v}" for k, v in about.items())
            raise _UsageError(f"no document of {wanted} in collection {settings.collection} (see docsight docs list)")
        doc_ids = chosen
    return service, doc_ids


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from pipelines.generation.ollama_status import check_ollama

    models = {"text": [settings.text_model], "vision": [settings.vision_model]}.get(
        args.mode, [settings.text_model, settings.vision_model]
    )
    check_ollama(settings.ollama_url, models, api_key=settings.ollama_api_key)
    service, doc_ids = _open_collection(settings, args.doc, _about(args))

    def stream(text: str) -> None:
        if not args.json:
            print(plain(text, keep_lines=True), end="", flush=True)

    with _explained_ollama_failures(settings):
        if args.conversation:
            conversation = service.conversations.open_or_create(args.conversation)
            chosen = doc_ids or conversation.doc_ids
            answer = service.answer_turn(
                conversation, args.question, mode=args.mode, top_k=args.top_k, doc_ids=chosen, on_token=stream
            ).to_answer()
        else:
            answer = service.ask(args.question, mode=args.mode, top_k=args.top_k, doc_ids=doc_ids, on_token=stream)
    return print_answer(answer, settings, as_json=args.json, mode=args.mode, strict=args.strict)


class _explained_ollama_failures:
    """Raise an Ollama failure as the OllamaError that says what to do (see ``explain_failure``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, _tb) -> bool:
        from pipelines.generation.ollama_status import explain_failure

        if isinstance(exc, Exception):
            s = self.settings
            explained = explain_failure(exc, s.ollama_url, s.ollama_timeout, s.ollama_deadline_s)
            if explained is not None:
                raise explained from None
        return False


def print_answer(answer, settings: Settings, *, as_json: bool, mode: str, strict: bool = False) -> int:
    """Print a streamed answer's ending (or the whole answer as JSON): corrections, notes, citations, figure
    checks. :returns: the exit code (4: ``strict`` and a figure not in the cited sources)."""
    length_note = (
        f"the answer was cut off at {settings.ollama_num_predict} tokens (DOCSIGHT_OLLAMA_NUM_PREDICT)"
        if answer.cut_off
        else None
    )
    claims = answer.claims
    failed = EXIT_UNSUPPORTED if strict and claims.get("unsupported") else EXIT_OK
    if as_json:
        payload = {**answer.to_dict(with_crop=False), "cut_off": length_note, "mode": mode}
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return failed
    if answer.route == "none":
        print(plain(answer.answer, keep_lines=True))
    elif "first" in claims:
        print("\n\nCorrected after checking its figures against the sources:\n" + plain(answer.answer, keep_lines=True))
    print()
    if length_note:
        print(f"note: {length_note}", file=sys.stderr)
    if answer.uncited:
        print("warning: this answer cites no source; treat it as unverified", file=sys.stderr)
    if answer.standalone and answer.standalone != answer.question:
        print(f"(searched for: {plain(answer.standalone)})", file=sys.stderr)
    if answer.scope:
        print(f"(searched only {plain(', '.join(answer.scope))}: the question points at it)", file=sys.stderr)
    for c in answer.citations:
        print(f"[{c.n}] {plain(c.source)}, page {c.page} ({c.kind})")
    if claims.get("total"):
        print(claims["line"])
    for sentence in claims.get("sentences", []):
        for figure in sentence["figures"]:
            if figure["status"] == "unsupported":
                print(f"warning: {plain(figure['text'])}: {plain(figure['reason'])}", file=sys.stderr)
    return failed


CHAT_HELP = """Ask a question, or: /new [NAME] a new conversation, /docs [DOC...] only these documents (no DOC: all),
/mode auto|text|vision, /history, /quit. Ctrl-C stops the answer being written."""


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    """The interactive loop of ``docsight chat`` (see CHAT_HELP)."""
    from pipelines.generation.ollama_status import OllamaError, check_ollama

    service, doc_ids = _open_collection(settings, args.doc)
    store = service.conversations
    conversation = store.open_or_create(args.conversation) if args.conversation else store.create("Chat")
    if doc_ids is not None or args.mode:
        conversation.doc_ids = doc_ids if doc_ids is not None else conversation.doc_ids
        conversation.mode = args.mode or conversation.mode
        store.save_settings(conversation)
    print(f"conversation {plain(conversation.name)!r} ({len(conversation.turns)} turns). {CHAT_HELP}", file=sys.stderr)
    while True:
        try:
            line = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            print(file=sys.stderr)
            return EXIT_OK
        line = plain_text(line)
        if not line:
            continue
        if line.startswith("/"):
            command, _, rest = line.partition(" ")
            if command in ("/quit", "/exit"):
                return EXIT_OK
            if command == "/new":
                conversation = store.create(
                    rest.strip() or "Chat", doc_ids=conversation.doc_ids, mode=conversation.mode
                )
                print(f"new conversation {plain(conversation.name)!r}", file=sys.stderr)
            elif command == "/docs":
                _chat_docs(service, conversation, rest.split())
            elif command == "/mode" and rest.strip() in ("auto", "text", "vision"):
                conversation.mode = rest.strip()
                store.save_settings(conversation)
                print(f"mode {conversation.mode}", file=sys.stderr)
            elif command == "/history":
                for turn in conversation.turns:
                    print(f"you: {plain(turn.question)}\ndocsight: {plain(turn.answer or turn.notice)}")
            else:
                print(CHAT_HELP, file=sys.stderr)
            continue
        try:
            check_ollama(settings.ollama_url, [settings.text_model], api_key=settings.ollama_api_key)
            generate = True
        except OllamaError as exc:
            print(f"docsight: {plain(exc)} Showing the best matching sources only.", file=sys.stderr)
            generate = False
        try:
            with _explained_ollama_failures(settings):
                turn = service.answer_turn(
                    conversation,
                    line,
                    mode=conversation.mode,
                    doc_ids=conversation.doc_ids,
                    top_k=args.top_k,
                    generate=generate,
                    on_token=lambda text: print(plain(text, keep_lines=True), end="", flush=True),
                )
        except KeyboardInterrupt:
            print("\n(stopped; the answer so far is saved)", file=sys.stderr)
            continue
        except OllamaError as exc:
            print(f"\ndocsight: error: {plain(exc)}", file=sys.stderr)
            continue
        if generate:
            print_answer(turn.to_answer(), settings, as_json=False, mode=conversation.mode)
        else:
            for source in turn.sources:
                print(f"[{source.n}] {plain(source.source)}, page {source.page} ({source.kind})")


def _chat_docs(service, conversation, names: list[str]) -> None:
    from pipelines.service import NoDocumentMatchError

    try:
        conversation.doc_ids = [d.doc_id for d in service.resolve(names)] if names else []
    except NoDocumentMatchError as exc:
        print(f"docsight: {plain(exc)}", file=sys.stderr)
        return
    service.conversations.save_settings(conversation)
    chosen = ", ".join(plain(d.source) for d in service.documents() if d.doc_id in conversation.doc_ids)
    print(f"searching {chosen or 'all documents'}", file=sys.stderr)


def streamlit_command(settings: Settings) -> list[str]:
    """The ``streamlit run`` command line of the packaged app (through :mod:`webui.serve`, which loads what the
    first page needs before the server starts): bound to the configured address, no usage statistics, uploads
    capped at the ingestion file limit."""
    import importlib.util

    spec = importlib.util.find_spec("webui")  # locates the package without importing it
    if spec is None or spec.origin is None:
        raise _UsageError("the webui package is not installed")
    app = Path(spec.origin).with_name("app.py")
    return [
        sys.executable,
        "-m",
        "webui.serve",
        "run",
        str(app),
        "--server.address",
        settings.ui_address,
        "--server.port",
        str(settings.ui_port),
        "--server.headless",
        "true",
        "--server.maxUploadSize",
        str(settings.max_file_mb),
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
        "--global.developmentMode",
        "false",
    ]


def _ui(settings: Settings) -> int:
    import os

    command = streamlit_command(settings)
    print(f"docsight web UI on http://{settings.ui_address}:{settings.ui_port}", file=sys.stderr)
    # the app reads the same settings from the environment; flags given here are passed on that way
    env = {**os.environ, **{f"DOCSIGHT_{k.upper()}": str(v) for k, v in _ui_overrides(settings).items()}}
    os.execvpe(command[0], command, env)
    return EXIT_OK  # not reached


def _ui_overrides(settings: Settings) -> dict:
    return {"collection": settings.collection, "qdrant_path": settings.qdrant_path, "qdrant_url": settings.qdrant_url}


def _docs_list(args: argparse.Namespace, settings: Settings) -> int:
    documents = _open_service(settings).documents()
    if args.json:
        print(json.dumps([d.to_dict() for d in documents], indent=2))
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"collection {markup_safe(settings.collection)} ({markup_safe(settings.qdrant_location)})")
    columns = ("doc_id", "source", "title", "organisation", "period", "kind", "language", "pages", "chunks")
    for column in (*columns, "figures", "tables", "tags", "ingested"):
        table.add_column(column)
    for d in documents:
        table.add_row(
            plain(d.doc_id[:12]),
            Text(plain(d.source)),
            Text(plain(d.title)),
            Text(plain(d.organisation)),
            plain(d.period),
            plain(d.kind),
            plain(d.language),
            str(d.pages),
            str(d.chunks),
            str(d.figures),
            str(d.tables),
            Text(plain(", ".join(d.tags))),
            d.ingested_at[:19].replace("T", " "),
        )
    Console().print(table)
    return EXIT_OK


def _docs_delete(args: argparse.Namespace, settings: Settings) -> int:
    from pipelines.service import NoDocumentMatchError

    if bool(args.target) == bool(args.all):
        raise _UsageError("give either DOC_ID_OR_SOURCE or --all")
    service = _open_service(settings)
    try:
        targets = service.documents() if args.all else service.resolve([args.target])
    except NoDocumentMatchError as exc:
        print(f"docsight: error: {plain(exc)}", file=sys.stderr)
        return EXIT_PARTIAL
    if not targets:
        print(f"docsight: error: collection {plain(settings.collection)} has no documents", file=sys.stderr)
        return EXIT_PARTIAL
    for document in targets:
        service.delete(document.doc_id)
        print(f"deleted {plain(document.source)} ({plain(document.doc_id[:12])}, {document.chunks} chunks)")
    return EXIT_OK


def _collections(args: argparse.Namespace, settings: Settings) -> int:
    import dataclasses

    from pipelines.store import open_store, open_store_client
    from retrievers.collections import (
        CollectionNameError,
        check_name,
        collection_names,
        delete_collection,
        list_collections,
        rename_collection,
    )
    from retrievers.errors import CollectionNotFoundError

    try:
        if args.collections_command == "create":
            chosen = dataclasses.replace(settings, collection=check_name(args.name))
            client = open_store_client(chosen)
            exists = args.name in collection_names(client)
            client.close()
            if exists:
                raise CollectionNameError(f"there is already a collection {args.name!r}")
            open_store(chosen).close()  # creates it, recording the configured embedding model
            print(f"created collection {plain(args.name)} ({plain(settings.qdrant_location)})")
            return EXIT_OK
        client = open_store_client(settings)
        try:
            if args.collections_command == "list":
                return _print_collections(list_collections(client), settings, as_json=args.json)
            if args.collections_command == "delete":
                info = delete_collection(client, args.name)
                print(f"deleted collection {plain(info.name)} ({info.documents} documents, {info.points} points)")
            else:
                info = rename_collection(client, args.name, args.new_name, server=bool(settings.qdrant_url))
                print(f"renamed collection {plain(args.name)} to {plain(info.name)} ({info.documents} documents)")
        finally:
            client.close()
    except (CollectionNameError, CollectionNotFoundError) as exc:
        raise _UsageError(str(exc)) from None
    return EXIT_OK


def _print_collections(collections, settings: Settings, *, as_json: bool) -> int:
    if as_json:
        print(json.dumps([c.to_dict() for c in collections], indent=2))
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"collections ({markup_safe(settings.qdrant_location)})")
    for column in ("collection", "documents", "points", "embedding model", "created"):
        table.add_column(column)
    for c in collections:
        table.add_row(markup_safe(c.name), str(c.documents), str(c.points), markup_safe(c.embedding_model),
                      c.created_at[:19].replace("T", " "))  # fmt: skip
    Console().print(table)
    if not collections:
        print("no collections yet: docsight collections create NAME, or docsight ingest PATH... --collection NAME")
    return EXIT_OK


def _docs_set(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.identity.edits import EditError
    from pipelines.service import NoDocumentMatchError

    tags = [] if args.no_tags else args.tag
    edits = {"title": args.title, "organisation": args.organisation, "aliases": args.alias, "period": args.period,
             "kind": args.doc_kind, "tags": tags}  # fmt: skip
    if all(v is None for v in edits.values()):
        raise _UsageError("give at least one of --title, --organisation, --alias, --period, --doc-kind, --tag")
    service = _open_service(settings)
    try:
        targets = service.resolve([args.target])
    except NoDocumentMatchError as exc:
        raise _UsageError(str(exc)) from None
    if len(targets) > 1:
        raise _UsageError(f"{args.target!r} names {len(targets)} documents; give a doc id")
    try:
        document = service.set_identity(targets[0].doc_id, **edits)
    except EditError as exc:
        raise _UsageError(str(exc)) from None
    if args.json:
        print(json.dumps(document.to_dict(), indent=2, ensure_ascii=False))
        return EXIT_OK
    print(
        f"{plain(document.source)} ({plain(document.doc_id[:12])}): {plain(document.title)} | organisation "
        f"{plain(document.organisation or '-')} | period {plain(document.period or '-')} | kind {plain(document.kind)}"
        + (f" | tags {plain(', '.join(document.tags))}" if document.tags else "")
    )
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
