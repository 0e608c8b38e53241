import os
from pathlib import Path

from ingest.discovery import discover


def test_discover_recurses_sorts_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "one.png").write_bytes(b"x")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "secret.pdf").write_bytes(b"%PDF-1.4")
    files, problems = discover([tmp_path])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["b/two.pdf", "one.png"]
    assert problems == []


def test_discover_reports_missing_paths_and_dedupes(tmp_path: Path) -> None:
    f = tmp_path / "a.pdf"
    f.write_bytes(b"%PDF-1.4")
    files, problems = discover([f, tmp_path, tmp_path / "nope.pdf"])
    assert files == [f]
    assert problems == [(str(tmp_path / "nope.pdf"), "not found")]


def test_discover_survives_a_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "doc.pdf").write_bytes(b"%PDF-1.4")
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    files, _ = discover([tmp_path])
    assert [f.name for f in files] == ["doc.pdf"]
