import os
from pathlib import Path

from ingest.discovery import SKIPPED, discover


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


def test_symlinks_out_of_the_named_folders_are_skipped_and_reported(tmp_path: Path) -> None:
    inside, outside = tmp_path / "docs", tmp_path / "elsewhere"
    (inside / "sub").mkdir(parents=True)
    outside.mkdir()
    (inside / "report.pdf").write_bytes(b"%PDF-1.4")
    (outside / "secret.pdf").write_bytes(b"%PDF-1.4")
    os.symlink(outside, inside / "out-dir")
    os.symlink(outside / "secret.pdf", inside / "out-file.pdf")
    os.symlink("/proc/kmsg", inside / "kmsg.pdf")
    os.symlink(tmp_path / "gone.pdf", inside / "dangling.pdf")
    os.symlink(inside / "report.pdf", inside / "sub" / "same.pdf")  # stays inside: followed (and de-duplicated)
    files, problems = discover([inside])
    assert files == [inside / "report.pdf"]
    reasons = dict(problems)
    for name in ("out-dir", "out-file.pdf", "kmsg.pdf"):
        assert reasons[str(inside / name)].startswith(f"{SKIPPED}symlink to ")
        assert "outside the folders being ingested" in reasons[str(inside / name)]
    assert reasons[str(inside / "dangling.pdf")] == f"{SKIPPED}broken symlink (to {tmp_path / 'gone.pdf'})"
    # named together, the other folder is one of "the named folders": its links are followed
    both, problems = discover([inside, outside])
    assert {os.path.realpath(f) for f in both} == {str(inside / "report.pdf"), str(outside / "secret.pdf")}
    assert str(inside / "out-dir") not in dict(problems)


def test_follow_symlinks_opts_in(tmp_path: Path) -> None:
    inside, outside = tmp_path / "docs", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(b"%PDF-1.4")
    os.symlink(outside, inside / "out-dir")
    files, problems = discover([inside], follow_symlinks=True)
    assert files == [inside / "out-dir" / "secret.pdf"] and problems == []


def test_a_thousand_nested_folders_are_walked_and_other_paths_kept(tmp_path: Path) -> None:
    deep = leaf = tmp_path / "deep"
    deep.mkdir()
    for _ in range(1000):
        leaf = leaf / "d"
        leaf.mkdir()
    (leaf / "bottom.pdf").write_bytes(b"%PDF-1.4")
    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF-1.4")
    try:
        files, problems = discover([deep, other])
        assert files == [leaf / "bottom.pdf", other] and problems == []
    finally:  # bottom up: pytest's own clean-up of tmp_path recurses per level
        (leaf / "bottom.pdf").unlink()
        while leaf != deep:
            leaf.rmdir()
            leaf = leaf.parent
