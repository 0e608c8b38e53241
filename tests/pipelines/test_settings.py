import re

import pytest

from pipelines.settings import Settings, SettingsError


def test_environment_variables_with_prefix_are_read() -> None:
    env = {"DOCSIGHT_QDRANT_PATH": "/srv/q", "DOCSIGHT_WORKERS": "3", "DOCSIGHT_OLLAMA_URL": "http://gpu:11434"}
    settings = Settings.from_env(environ=env)
    assert (settings.qdrant_path, settings.workers, settings.ollama_url) == ("/srv/q", 3, "http://gpu:11434")


def test_flags_override_the_environment_and_none_means_unset() -> None:
    settings = Settings.from_env(environ={"DOCSIGHT_COLLECTION": "env"}, collection="flag", workers=None)
    assert settings.collection == "flag" and settings.workers >= 1


def test_bad_values_name_the_variable() -> None:
    with pytest.raises(SettingsError, match="DOCSIGHT_WORKERS='many' is not a valid int"):
        Settings.from_env(environ={"DOCSIGHT_WORKERS": "many"})


def test_documented_lists_every_setting_with_prefix() -> None:
    names = [name for name, _ in Settings.documented()]
    assert "DOCSIGHT_QDRANT_URL" in names and all(n.startswith("DOCSIGHT_") for n in names)
    assert Settings.from_env(environ={"DOCSIGHT_OCR_LANGUAGES": "eng+deu"}).ocr_language_list == ["eng", "deu"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DOCSIGHT_CHUNK_TOKENS": "0"}, "DOCSIGHT_CHUNK_TOKENS=0 is out of range"),
        ({"DOCSIGHT_CHUNK_OVERLAP_TOKENS": "220"}, "DOCSIGHT_CHUNK_OVERLAP_TOKENS=220 must be smaller than"),
        ({"DOCSIGHT_CHUNK_TOKENS": "100", "DOCSIGHT_CHUNK_OVERLAP_TOKENS": "150"}, "must be smaller than"),
        ({"DOCSIGHT_MAX_WORKER_MEMORY_MB": "50"}, "DOCSIGHT_MAX_WORKER_MEMORY_MB=50 is too small"),
        ({"DOCSIGHT_OCR_DPI": "0"}, "DOCSIGHT_OCR_DPI=0 is out of range: it must be between 50 and 1200"),
        ({"DOCSIGHT_CROP_MAX_SIDE": "0"}, "DOCSIGHT_CROP_MAX_SIDE=0 is out of range"),
        ({"DOCSIGHT_EMBED_BATCH_SIZE": "0"}, "DOCSIGHT_EMBED_BATCH_SIZE=0 is out of range"),
        ({"DOCSIGHT_WORKERS": "-2"}, "DOCSIGHT_WORKERS=-2 is out of range"),
        ({"DOCSIGHT_MAX_FILE_MB": "-1"}, "DOCSIGHT_MAX_FILE_MB=-1 is out of range"),
        ({"DOCSIGHT_FILE_TIMEOUT_S": "-5"}, "DOCSIGHT_FILE_TIMEOUT_S=-5 is out of range"),
        ({"DOCSIGHT_OLLAMA_TIMEOUT": "0"}, "DOCSIGHT_OLLAMA_TIMEOUT=0 is out of range"),
        ({"DOCSIGHT_OLLAMA_DEADLINE_S": "-1"}, "DOCSIGHT_OLLAMA_DEADLINE_S=-1 is out of range"),
        ({"DOCSIGHT_OLLAMA_NUM_PREDICT": "0"}, "DOCSIGHT_OLLAMA_NUM_PREDICT=0 is out of range"),
        ({"DOCSIGHT_CROP_JPEG_QUALITY": "101"}, "DOCSIGHT_CROP_JPEG_QUALITY=101 is out of range"),
    ],
)
def test_out_of_range_values_and_relations_name_the_variable(env: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env(environ=env)


def test_boundaries_that_make_sense_are_accepted() -> None:
    ok = Settings.from_env(environ={"DOCSIGHT_MAX_WORKER_MEMORY_MB": "0", "DOCSIGHT_CHUNK_OVERLAP_TOKENS": "0"})
    assert ok.max_worker_memory_mb == 0 and ok.chunk_overlap_tokens == 0


def test_the_cli_exits_3_naming_the_variable_before_doing_anything(tmp_path, monkeypatch, capsys) -> None:
    from pipelines.cli import main

    monkeypatch.setenv("DOCSIGHT_QDRANT_PATH", str(tmp_path / "store"))
    monkeypatch.setenv("DOCSIGHT_CHUNK_TOKENS", "0")
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    assert main(["ingest", str(tmp_path / "a.pdf")]) == 3
    assert "DOCSIGHT_CHUNK_TOKENS=0 is out of range" in capsys.readouterr().err
    monkeypatch.delenv("DOCSIGHT_CHUNK_TOKENS")
    assert main(["ingest", str(tmp_path / "a.pdf"), "--workers", "-1"]) == 3
    assert "DOCSIGHT_WORKERS=-1" in capsys.readouterr().err
    assert not (tmp_path / "store").exists()  # nothing was written
