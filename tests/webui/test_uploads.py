"""Uploaded names are data: nothing climbs out of the upload folder or overwrites another document's file."""

from pathlib import Path

import pytest

from webui.uploads import MAX_NAME_BYTES, UploadError, is_upload, safe_filename, save_upload


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/shadow", "shadow"),
        ("C:\\reports\\Q3 report.pdf", "Q3 report.pdf"),
        ("a\x00b.pdf", "a_b.pdf"),
        ("line\nbreak.pdf", "line_break.pdf"),
        ("..", "upload"),
        ("", "upload"),
        ("   ", "upload"),
        (".hidden.pdf", "hidden.pdf"),
        ("\udcff\udcfe.pdf", "__.pdf"),  # a non-UTF-8 name as Python decodes it (surrogate escapes)
        ("Jahresbericht 2023 – Übersicht.pdf", "Jahresbericht 2023 – Übersicht.pdf"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_very_long_names_are_shortened_and_keep_their_extension() -> None:
    name = safe_filename("é" * 400 + ".pdf")
    assert name.endswith(".pdf") and len(name.encode()) <= MAX_NAME_BYTES
    name.encode("utf-8")  # still valid UTF-8 after cutting multi-byte characters


def test_saved_uploads_stay_inside_the_folder_and_never_overwrite(tmp_path: Path) -> None:
    root = tmp_path / "uploads"
    first = save_upload(root, "../../report.pdf", b"%PDF-1.4 first", max_bytes=1000)
    second = save_upload(root, "report.pdf", b"%PDF-1.4 second", max_bytes=1000)
    again = save_upload(root, "/abs/report.pdf", b"%PDF-1.4 first", max_bytes=1000)
    assert first != second and first == again
    assert first.read_bytes() == b"%PDF-1.4 first" and second.read_bytes() == b"%PDF-1.4 second"
    assert all(p.resolve().is_relative_to(root.resolve()) and p.name == "report.pdf" for p in (first, second))
    assert is_upload(first, root) and not is_upload(tmp_path / "elsewhere.pdf", root)
    assert not list(root.rglob("*.part"))


def test_empty_and_too_large_uploads_are_refused_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(UploadError, match=r"^empty\.pdf: empty file"):
        save_upload(tmp_path, "empty.pdf", b"", max_bytes=10)
    with pytest.raises(UploadError) as info:
        save_upload(tmp_path, "big.pdf", b"x" * (3 << 20), max_bytes=2 << 20)
    assert info.value.name == "big.pdf" and info.value.reason.startswith("too large: 3.1 MB (the limit is 2 MB")
    assert not any(tmp_path.iterdir())
