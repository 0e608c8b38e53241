"""Documents: upload and ingest with progress, see what is stored, delete or re-ingest a document."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import streamlit as st

from pipelines.batch.report import FAILED, INGESTED, UNCHANGED
from webui.context import service
from webui.ingest_jobs import CRASHED, IngestJob
from webui.markdown import escape_markdown
from webui.service import DocsightService

SUPPORTED = "PDF, PNG, JPEG, TIFF, HEIC"


def job_summary(job: IngestJob) -> str:
    counts = {s: sum(r.status == s for r in job.all_results) for s in (INGESTED, UNCHANGED, FAILED)}
    parts = [f"{counts[INGESTED]} ingested"]
    if counts[UNCHANGED]:
        parts.append(f"{counts[UNCHANGED]} already stored")
    if counts[FAILED]:
        parts.append(f"{counts[FAILED]} failed")
    seconds = max(job.finished - job.started, 0.0) if job.started else 0.0
    return f"Batch {job.job_id}: " + ", ".join(parts) + f" ({job.pages} pages, {seconds:.0f} s)"


def file_rows(job: IngestJob) -> list[dict]:
    return [
        {
            "file": Path(r.file).name,
            "status": r.status,
            "pages": r.pages,
            "chunks": r.chunks,
            "details": r.error or r.note or "",
        }
        for r in job.all_results
    ]


def show_job(job: IngestJob) -> None:
    if job.active:
        total = max(job.files_total, 1)
        st.progress(
            min(job.files_done / total, 1.0),
            text=f"Batch {job.job_id}: {job.files_done}/{job.files_total} files · {job.pages} pages · "
            f"{job.pages_per_second:.1f} pages/s"
            if job.state == "running"
            else f"Batch {job.job_id}: queued",
        )
        if job.current:
            st.caption("Parsing " + escape_markdown(", ".join(job.current)))
        finished = {Path(r.file).name for r in job.results} | set(job.current)
        waiting = [Path(f).name for f in job.files if Path(f).name not in finished]
        if waiting and job.state == "running":
            st.caption(f"Waiting ({len(waiting)}): " + escape_markdown(", ".join(waiting[:20])))
    elif job.state == CRASHED:
        st.error(f"Batch {job.job_id} stopped: {job.error}")
    elif job.failed:
        st.warning(job_summary(job))
    else:
        st.success(job_summary(job))
    for result in job.failed:
        st.error(f"{escape_markdown(Path(result.file).name)}: {escape_markdown(result.error or 'failed')}")
    if job.all_results:
        st.dataframe(file_rows(job), hide_index=True)


def jobs_panel(svc: DocsightService) -> None:
    jobs = [job.snapshot() for job in svc.ingests.jobs[-5:]][::-1]
    seen = st.session_state.setdefault("docsight_jobs_seen", set())
    finished_now = [j.job_id for j in jobs if not j.active and j.job_id not in seen]
    for job in jobs:
        show_job(job)
    if finished_now:
        seen.update(finished_now)
        st.rerun(scope="app")  # the document table outside this fragment changed


def upload_form(svc: DocsightService) -> None:
    limit = svc.settings.max_file_mb
    counter = st.session_state.setdefault("docsight_upload_counter", 0)
    files = st.file_uploader(
        f"Add documents ({SUPPORTED}; up to {limit} MB each)",
        accept_multiple_files=True,
        key=f"docsight_upload_{counter}",
        help=f"Each file may be at most {limit} MB (DOCSIGHT_MAX_FILE_MB). Scans and images are OCRed.",
    )
    if st.button(f"Ingest {len(files)} file(s)" if files else "Ingest", type="primary", disabled=not files):
        svc.ingest_uploads([(f.name, f.getvalue()) for f in files])
        st.session_state["docsight_upload_counter"] = counter + 1  # a fresh, empty uploader
        st.rerun()


def document_table(svc: DocsightService) -> None:
    records = svc.documents()
    st.subheader(f"{len(records)} document(s)")
    if not records:
        st.caption("Nothing stored yet.")
        return
    st.dataframe(
        [
            {
                "document": r.source,
                "pages": r.pages,
                "chunks": r.chunks,
                "figures": r.figures,
                "tables": r.tables,
                "pages without text": ", ".join(map(str, r.empty_pages[:20])),
                "ingested": datetime.fromisoformat(r.ingested_at).astimezone().strftime("%Y-%m-%d %H:%M"),
                "id": r.doc_id[:12],
            }
            for r in records
        ],
        hide_index=True,
    )
    by_id = {r.doc_id: r for r in records}
    chosen = st.selectbox(
        "Manage a document", list(by_id), format_func=lambda d: f"{by_id[d].source} ({d[:12]})", key="docsight_manage"
    )
    record = by_id[chosen]
    left, right = st.columns(2)
    if left.button("Re-ingest", help="parse the file again and replace its chunks", disabled=svc.ingests.active()):
        svc.reingest(record.doc_id)
        st.rerun()
    confirm_key = f"docsight_confirm_delete_{record.doc_id}"
    if not st.session_state.get(confirm_key):
        if right.button("Delete", help="remove it from the store (and its uploaded file)"):
            st.session_state[confirm_key] = True
            st.rerun()
    else:
        right.warning(f"Delete {escape_markdown(record.source)} and its {record.chunks} chunks?")
        if right.button("Yes, delete", type="primary"):
            svc.delete(record.doc_id)
            st.session_state.pop(confirm_key, None)
            st.toast(f"Deleted {record.source}")
            st.rerun()
        if right.button("Cancel"):
            st.session_state.pop(confirm_key, None)
            st.rerun()


svc = service()
st.title("Documents")
upload_form(svc)
st.fragment(jobs_panel, run_every=1.0 if svc.ingests.active() else None)(svc)
document_table(svc)
