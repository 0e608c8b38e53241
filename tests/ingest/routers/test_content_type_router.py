"""ContentTypeRouter on real files: by content, or by the types the caller detected."""

import shutil
from pathlib import Path

import pytest

from ingest.routers.content_type_router import ContentTypeRouter
from tests.conftest import corpus_file


def test_files_are_routed_by_their_bytes_not_their_names(tmp_path: Path) -> None:
    pdf, png, text = tmp_path / "report.txt", tmp_path / "chart.pdf", tmp_path / "notes.png"
    shutil.copy(corpus_file("parsers", "samplefiles__multicolumn.pdf"), pdf)
    shutil.copy(corpus_file("parsers", "unstructured__table-multi-row-column-cells.png"), png)
    text.write_text("just text")
    routed = ContentTypeRouter().run(sources=[pdf, png, text])
    assert routed == {"pdf": [str(pdf)], "image": [str(png)], "unsupported": [str(text)]}


def test_types_detected_by_the_caller_are_used_without_reading_the_files(tmp_path: Path) -> None:
    gone = [tmp_path / "a.bin", tmp_path / "b.bin"]  # they do not exist: reading them would route them unsupported
    routed = ContentTypeRouter().run(sources=gone, file_types=["pdf", "tiff"])
    assert routed == {"pdf": [str(gone[0])], "image": [str(gone[1])], "unsupported": []}
    with pytest.raises(ValueError, match="file_types has 1 entries for 2 source"):
        ContentTypeRouter().run(sources=gone, file_types=["pdf"])
