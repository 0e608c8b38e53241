"""`docsight ingest --shard I/N`: N uncoordinated workers split one folder, each file exactly once."""

import dataclasses
import shutil
from pathlib import Path

import pytest

from ingest.discovery import discover
from pipelines.batch.report import FAILED
from pipelines.batch.runner import BatchIngest
from pipelines.batch.sharding import in_shard, parse_shard
from pipelines.store import open_store
from tests.conftest import corpus_file


def test_parse_shard() -> None:
    assert parse_shard("0/4") == (0, 4) and parse_shard("3/4") == (3, 4)
    for bad in ("4/4", "-1/2", "1", "a/b", "1/0"):
        with pytest.raises(ValueError, match="I/N"):
            parse_shard(bad)


def test_shards_partition_the_files_wherever_the_folder_is_mounted(tmp_path: Path) -> None:
    folder = corpus_file("parsers")
    files, _ = discover([folder])
    shards = [in_shard(files, [folder], i, 3) for i in range(3)]
    assert sorted(f for shard in shards for f in shard) == sorted(files)
    assert all(len(s) >= len(files) // 6 for s in shards)  # roughly even
    mounted = tmp_path / "elsewhere" / "docs"
    shutil.copytree(folder, mounted)
    moved, _ = discover([mounted])
    for i in range(3):
        assert [f.name for f in in_shard(moved, [mounted], i, 3)] == [f.name for f in shards[i]]


@pytest.mark.slow
def test_two_shards_ingest_a_folder_once(settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in (  # one-page files, two in each shard (by their names), none needing OCR
        "pdfplumber__nics-background-checks-2015-11.pdf",
        "samplefiles__annotated_pdf.pdf",
        "pdfplumber__issue-297-example.pdf",
        "samplefiles__habibi.pdf",
    ):
        shutil.copy(corpus_file("parsers", name), folder / name)
    one_worker = dataclasses.replace(settings, workers=1)  # the split does not depend on the workers of a shard
    runs = [BatchIngest(one_worker, shard=(i, 2)).run([str(folder)]) for i in range(2)]
    assert all(runs)  # both shards had files to ingest
    names = [Path(r.file).name for run in runs for r in run]
    assert sorted(names) == sorted(p.name for p in folder.iterdir())  # each file in exactly one shard
    ok = {Path(r.file).name for run in runs for r in run if r.status != FAILED}
    store = open_store(settings)
    registry = store.registry
    try:
        assert {r.source for r in registry.all()} == ok
        assert store.count_documents() == sum(r.chunks for run in runs for r in run)
    finally:
        store.close()
