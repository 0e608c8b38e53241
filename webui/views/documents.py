"""Documents: upload and ingest with per-page progress, fix or remove failed files, see what is stored (sorted),
inspect a document's chunks, delete one or many or re-ingest."""

from __future__ import annotations

import base64
import time
from datetime import datetime
from pathlib import Path

import streamlit as st

from ingest.identity import KINDS
from pipelines.batch.report import FAILED, INGESTED, UNCHANGED
from webui.context import service
from webui.ingest_jobs import CRASHED, RUNNING, STATUS_LABELS, IngestJob
from webui.markdown import escape_markdown, readable_reason
from webui.service import WebService

SUPPORTED = "PDF, PNG, JPEG, TIFF, HEIC"
SORTS = {
    "Newest first": (lambda r: r.ingested_at, True),
    "Name": (lambda r: r.source.lower(), False),
    "Pages": (lambda r: r.pages, True),
    "Chunks": (lambda r: r.chunks, True),
}
INSPECT_CHUNKS = 200


def job_summary(job: IngestJob) -> str:
    counts = {s: sum(r.status == s for r in job.all_results) for s in (INGESTED, UNCHANGED, FAILED)}
    parts = [f"{counts[INGESTED]} ingested"]
    if counts[UNCHANGED]:
        names = [Path(r.file).name for r in job.all_results if r.status == UNCHANGED]
        listed = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
        parts.append(f"{counts[UNCHANGED]} {STATUS_LABELS[UNCHANGED]} ({listed})")
    if counts[FAILED]:
        parts.append(f"{counts[FAILED]} failed")
    seconds = max(job.finished - job.started, 0.0) if job.started else 0.0
    pages = sum(r.pages for r in job.all_results if r.status == INGESTED)
    return f"Batch {job.job_id}: " + ", ".join(parts) + f" ({pages} pages, {seconds:.0f} s)"


def file_rows(job: IngestJob) -> list[dict]:
    """One row per file, in the order given: its phase or result, pages (parsed of total while running)."""
    now = time.time()
    rows = [
        {
            "file": r.file,
            "status": STATUS_LABELS[FAILED],
            "pages": "",
            "chunks": None,
            "details": readable_reason(r.error),
        }
        for r in job.rejected
    ]
    for file in job.progress.values():
        result = file.result
        if result is not None and result.file in job.removed:
            continue
        pages = str(result.pages) if result is not None else f"{file.pages_parsed}/{file.pages_total or '?'}"
        details = "" if result is None else readable_reason(result.error or result.note or "")
        rows.append(
            {
                "file": file.name,
                "status": file.describe(now),
                "pages": pages,
                "chunks": None if result is None else result.chunks,
                "details": details,
            }
        )
    return rows


def progress_text(job: IngestJob) -> str:
    if job.state != RUNNING:
        return f"Batch {job.job_id}: queued ({job.files_total} files)"
    text = f"Batch {job.job_id}: {job.files_done}/{job.files_total} files · {job.pages} pages parsed"
    text += f" · {job.pages_per_second:.1f} pages/s"
    left = job.seconds_left()
    return text + (f" · about {left:.0f} s left" if left is not None else "")


def show_job(svc: WebService, job: IngestJob) -> None:
    if job.active:
        st.progress(min(job.fraction, 1.0), text=progress_text(job))
    elif job.state == CRASHED:
        st.error(f"Batch {job.job_id} stopped: {job.error}")
    elif job.failed:
        st.warning(job_summary(job))
    else:
        st.success(job_summary(job))
    for result in job.failed:
        failed_file(svc, job, result)
    remove = f"Remove {len(job.failed)} failed file(s)"
    hint = "forget them here and delete the uploaded copies"
    if job.failed and not job.active and st.button(remove, key=f"remove-failed-{job.job_id}", help=hint):
        svc.remove_failed(job.job_id)
        st.rerun()
    if job.progress or job.rejected:
        st.dataframe(file_rows(job), hide_index=True, width="stretch")


def failed_file(svc: WebService, job: IngestJob, result) -> None:
    """The reason a file failed; for an encrypted PDF, a password field and a retry."""
    name = Path(result.file).name
    reason = readable_reason(result.error or "failed")
    st.error(f"{escape_markdown(name)}: {escape_markdown(reason)}")
    if not (result.error or "").startswith("encrypted") or job.active or not Path(result.file).is_file():
        return
    with st.form(f"password-{job.job_id}-{name}", border=False):
        field, retry = st.columns([4, 1], vertical_alignment="bottom")
        password = field.text_input(f"Password for {name}", type="password", key=f"pw-{job.job_id}-{result.file}")
        if retry.form_submit_button("Retry", icon=":material/lock_open:") and password:
            svc.retry_with_password(job.job_id, result.file, password)
            st.rerun()


def jobs_panel(svc: WebService) -> None:
    jobs = [job.snapshot() for job in svc.ingests.jobs[-5:]][::-1]
    for job in jobs:
        show_job(svc, job)
    # finished files appear in the document table (outside this fragment) and the sidebar count at once
    stored = sum(r.status == INGESTED for job in jobs for r in job.results)
    active = any(job.active for job in jobs)
    if st.session_state.get("docsight_seen_ingested") != (stored, active):
        changed = "docsight_seen_ingested" in st.session_state
        st.session_state["docsight_seen_ingested"] = (stored, active)
        if changed:
            st.rerun(scope="app")


def upload_form(svc: WebService) -> None:
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


def document_table(svc: WebService) -> None:
    records = svc.documents()
    st.subheader(f"{len(records)} document(s)")
    if not records:
        st.caption("Nothing stored yet.")
        return
    order = st.selectbox("Sort by", list(SORTS), key="docsight_sort")
    key, reverse = SORTS[order]
    records = sorted(records, key=key, reverse=reverse)
    st.dataframe(
        [
            {
                "document": r.source,
                "title": r.title,
                "organisation": r.organisation,
                "period": r.period,
                "kind": r.kind,
                "tags": ", ".join(r.tags),
                "language": r.language,
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
        width="stretch",
    )
    by_id = {r.doc_id: r for r in records}
    label = lambda d: f"{by_id[d].source} ({d[:12]})"  # noqa: E731
    chosen = st.selectbox("Manage a document", list(by_id), format_func=label, key="docsight_manage")
    record = by_id[chosen]
    left, middle, _ = st.columns([1, 1, 3])
    if left.button("Re-ingest", help="parse the file again and replace its chunks", disabled=svc.ingests.active()):
        svc.reingest(record.doc_id)
        st.rerun()
    confirm(svc, middle, [record.doc_id], f"{record.source} and its {record.chunks} chunks", "Delete", "one")
    identity_form(svc, record)
    inspector(svc, record)
    selected = st.multiselect("Select documents to delete together", list(by_id), format_func=label,
                              key="docsight_bulk")  # fmt: skip
    if selected:
        chunks = sum(by_id[d].chunks for d in selected)
        confirm(svc, st, selected, f"{len(selected)} document(s) and their {chunks} chunks",
                f"Delete {len(selected)} selected", "bulk")  # fmt: skip


def confirm(svc: WebService, where, doc_ids: list[str], what: str, label: str, name: str) -> None:
    """A delete button whose confirmation appears right under it (in view, not below the fold)."""
    key = f"docsight_confirm_{name}_{'-'.join(doc_ids)}"
    if not st.session_state.get(key):
        if where.button(label, help="remove from the store (and uploaded files)", key=f"{key}_ask"):
            st.session_state[key] = True
            st.rerun()
        return
    box = where.container(border=True)
    box.warning(f"Delete {escape_markdown(what)}?")
    yes, no = box.columns(2)
    if yes.button("Yes, delete", type="primary", key=f"{key}_yes"):
        svc.delete_many(doc_ids)
        st.session_state.pop(key, None)
        st.toast(f"Deleted {what}")
        st.rerun()
    if no.button("Cancel", key=f"{key}_no"):
        st.session_state.pop(key, None)
        st.rerun()


def identity_form(svc: WebService, record) -> None:
    """Correct what a document is (kept across re-ingests of the same file; see pipelines.identity_edit)."""
    with st.expander(f"Edit what {record.source} is"), st.form(f"identity-{record.doc_id}", border=False):
        title = st.text_input("Title", record.title)
        organisation = st.text_input("Organisation", record.organisation)
        period = st.text_input("Period", record.period, help="e.g. FY2018, FY2023 Q2, 2023-05-03")
        kinds = list(KINDS)
        kind = st.selectbox("Kind", kinds, index=kinds.index(record.kind) if record.kind in kinds else len(kinds) - 1)
        tags = st.text_input("Tags", ", ".join(record.tags), help="comma-separated labels of your own")
        if st.form_submit_button("Save", icon=":material/save:"):
            edits = {"title": title, "organisation": organisation, "period": period, "kind": kind,
                     "tags": [t.strip() for t in tags.split(",") if t.strip()]}  # fmt: skip
            current = {"title": record.title, "organisation": record.organisation, "period": record.period,
                       "kind": record.kind, "tags": list(record.tags)}  # fmt: skip
            changed = {k: v for k, v in edits.items() if v != current[k]}
            if changed:
                svc.set_identity(record.doc_id, **changed)
                st.toast(f"Saved {', '.join(changed)} of {record.source}")
                st.rerun()


def inspector(svc: WebService, record) -> None:
    """What docsight made of a file: its chunks in order, with kind, page, section and crop."""
    with st.expander(f"Inspect {record.source}: {record.chunks} chunks"):
        chunks = svc.chunks(record.doc_id)
        kinds = sorted({c.kind for c in chunks})
        shown = st.multiselect("Kinds", kinds, default=kinds, key=f"inspect-kinds-{record.doc_id}")
        listed = [c for c in chunks if c.kind in shown]
        more = f" (the first {INSPECT_CHUNKS} shown)" if len(listed) > INSPECT_CHUNKS else ""
        st.caption(f"{len(listed)} of {len(chunks)} chunks{more}")
        for chunk in listed[:INSPECT_CHUNKS]:
            st.markdown(
                f"**#{chunk.n}** · page {chunk.page} · {chunk.kind}" + (" · OCR" if chunk.ocr else "")
                + (f" · {escape_markdown(chunk.section[:120])}" if chunk.section else "")
            )  # fmt: skip
            if chunk.has_crop and chunk.crop_jpeg_b64:
                st.image(base64.b64decode(chunk.crop_jpeg_b64), width=360)
            st.text(chunk.text[:600] + (" …" if len(chunk.text) > 600 else ""))


svc = service()
st.title("Documents")
upload_form(svc)
st.fragment(jobs_panel, run_every=1.0 if svc.ingests.active() else None)(svc)
document_table(svc)
