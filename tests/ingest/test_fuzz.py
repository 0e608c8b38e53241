"""Mutated real PDFs and images (hypothesis, derandomised so CI sees the same inputs every run) end as documents or
as a specific IngestError — never an internal error — and a batch of them finishes with a reason for every file."""

import random
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.converters.image_ocr_converter import ImageOCRConverter
from ingest.converters.pdf_layout_converter import PDFLayoutConverter
from ingest.errors import IngestError, find_cause
from ingest.filetypes import PDF, detect_type
from pipelines.batch.report import FAILED, INGESTED
from pipelines.batch.runner import BatchIngest
from tests.conftest import corpus_file
from tests.support import hostile_inputs

# hostile inputs generated in code (issue 20), small enough to mutate quickly
GENERATED = {
    "transparent.png": hostile_inputs.transparent_png,
    "grey16.png": hostile_inputs.grey16_png,
    "sideways.jpg": hostile_inputs.sideways_photo_jpeg,
    "mentions-pdf.png": hostile_inputs.png_mentioning_pdf,
    "iccp-bomb.png": lambda: hostile_inputs.png_iccp_bomb(8),
    "invisible-layer.pdf": hostile_inputs.scan_with_invisible_garbage_pdf,
    "outlines.pdf": hostile_inputs.outlined_text_pdf,
    "long-number.pdf": hostile_inputs.pdf_with_long_number,
    "zeros.pdf": lambda: hostile_inputs.pdf_header_then_zeros(1),
}
SEEDS = [
    "pdfplumber__nics-background-checks-2015-11.pdf",
    "unstructured__loremipsum-flat.pdf",
    "samplefiles__multicolumn.pdf",
    "unstructured__table-multi-row-column-cells.png",
    *GENERATED,
]


@cache
def seed_bytes(seed: str) -> bytes:
    return GENERATED[seed]() if seed in GENERATED else corpus_file("parsers", seed).read_bytes()


SPECIFIC = ("corrupt", "empty file", "unsupported format", "no text", "too large", "encrypted", "timeout")


def mutate(data: bytes, op: str, position: float, size: int, junk: bytes) -> bytes:
    """Flip bytes, truncate, insert junk or zero a run, at a relative ``position``."""
    out = bytearray(data)
    at = min(len(out) - 1, int(position * len(out)))
    if op == "flip":
        for i in range(size):
            out[(at + 97 * i) % len(out)] ^= junk[i % len(junk)] or 0xFF
    elif op == "truncate":
        out = out[: max(1, at)]
    elif op == "insert":
        out[at:at] = junk * max(1, size // max(1, len(junk)))
    else:
        out[at : at + size] = bytes(len(out[at : at + size]))
    return bytes(out)


def convert(path: Path) -> str:
    """'ok' or the IngestError's message; anything else is raised (an internal error)."""
    converter = PDFLayoutConverter() if detect_type(path) == PDF else ImageOCRConverter()
    try:
        converter.run(sources=[str(path)])
    except Exception as exc:
        found = find_cause(exc, IngestError)
        if found is None:
            raise
        return found.message
    return "ok"


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.sampled_from(SEEDS),
    op=st.sampled_from(["flip", "truncate", "insert", "zero"]),
    position=st.floats(0, 1),
    size=st.integers(1, 2000),
    junk=st.binary(min_size=1, max_size=64),
)
def test_a_mutated_file_ends_as_documents_or_a_specific_error(tmp_path: Path, seed, op, position, size, junk) -> None:
    path = tmp_path / f"mutated{Path(seed).suffix}"
    path.write_bytes(mutate(seed_bytes(seed), op, position, size, junk))
    try:
        outcome = convert(path)
    except IngestError as exc:  # raised before conversion (type detection)
        outcome = exc.message
    assert outcome == "ok" or outcome.startswith(SPECIFIC), outcome


@pytest.mark.slow
def test_a_batch_of_mutated_files_reports_every_file(settings, tmp_path: Path) -> None:
    rng = random.Random(7)
    folder = tmp_path / "mutated"
    folder.mkdir()
    for i in range(len(SEEDS)):
        seed = SEEDS[i % len(SEEDS)]
        data = seed_bytes(seed)
        op = ["flip", "truncate", "insert", "zero"][i % 4]
        mutated = mutate(data, op, rng.random(), rng.randint(1, 2000), rng.randbytes(16))
        (folder / f"{i:02d}-{op}{Path(seed).suffix}").write_bytes(mutated)
    results = BatchIngest(settings).run([str(folder)])
    assert len(results) == len(SEEDS)
    for result in results:
        assert result.status == INGESTED or (result.status == FAILED and result.error.startswith(SPECIFIC)), result
