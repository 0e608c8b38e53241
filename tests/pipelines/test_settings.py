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
