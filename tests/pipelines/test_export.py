"""Pipeline YAML exports: checked in, loadable, runnable as they are, and deployable with hayhooks."""

from pathlib import Path

import pytest
import yaml
from haystack import Pipeline

from pipelines.export import ALLOWED_MODULES, pipeline_yamls
from pipelines.settings import Settings
from tests.conftest import REPO, corpus_file
from tests.support.ollama_server import FakeOllama

QUESTION = "How many firearm background checks were there in Alabama?"


def test_checked_in_yaml_is_what_the_code_builds() -> None:
    for name, text in pipeline_yamls(Settings.from_env(environ={})).items():
        checked_in = (REPO / "pipelines" / name).read_text()
        assert checked_in == text, f"pipelines/{name} is stale: run `docsight export`"


@pytest.mark.parametrize("name", ["indexing.yaml", "query.yaml"])
def test_checked_in_yaml_loads_and_has_hayhooks_io(name: str) -> None:
    text = (REPO / "pipelines" / name).read_text()
    pipeline = Pipeline.loads(text, allowed_modules=ALLOWED_MODULES)
    data = yaml.safe_load(text)
    assert data["inputs"] and data["outputs"]
    for socket in [*data["outputs"].values()]:
        component = socket.split(".")[0]
        assert component in pipeline.graph.nodes


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """YAML exported for a test store and a test Ollama server, with one document ingested through the YAML."""
    root = tmp_path_factory.mktemp("export")
    server = FakeOllama().__enter__()
    settings = Settings.from_env(environ={}, qdrant_path=str(root / "q"), ollama_url=server.url)
    yamls = pipeline_yamls(settings)
    indexing = Pipeline.loads(yamls["indexing.yaml"], allowed_modules=ALLOWED_MODULES)
    source = str(corpus_file("parsers", "pdfplumber__nics-background-checks-2015-11.pdf"))
    out = indexing.run({"router": {"sources": [source]}})
    assert out["writer"]["records"][0]["source"] == Path(source).name
    indexing.get_component("writer").document_store.close()
    yield yamls, server
    server.__exit__(None, None, None)


def test_exported_query_yaml_runs_as_it_is(exported) -> None:
    yamls, server = exported
    query = Pipeline.loads(yamls["query.yaml"], allowed_modules=ALLOWED_MODULES)
    out = query.run(
        {
            "expander": {"query": QUESTION},
            "prompt_builder": {"question": QUESTION, "mode": "text"},
        }
    )
    assert out["claims"]["citations"][0]["source"] == "pdfplumber__nics-background-checks-2015-11.pdf"
    claims = out["claims"]["claims"]
    assert claims["line"] == f"{claims['found']} of {claims['total']} figures found in the cited sources"
    assert claims["sentences"] and claims["sentences"][0]["citations"]
    assert server.chats()[-1]["options"]["num_ctx"] >= 2048
    query.get_component("retriever").document_store.close()


def test_query_yaml_deploys_with_hayhooks(exported, monkeypatch, tmp_path) -> None:
    yamls, _ = exported
    monkeypatch.setenv("HAYSTACK_DESERIALIZATION_ALLOWLIST", ",".join(ALLOWED_MODULES))
    # hayhooks reads its settings when imported and auto-deploys (and rewrites) what it finds in its pipelines
    # folder, ./pipelines by default: point it at an empty folder first, or it works on this repo's pipelines/
    monkeypatch.setenv("HAYHOOKS_PIPELINES_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    from fastapi.testclient import TestClient
    from hayhooks.server.app import create_app
    from hayhooks.server.pipelines.registry import registry
    from hayhooks.settings import settings as hayhooks_settings

    # hayhooks reads its settings once, when first imported, and another test may have imported it already
    monkeypatch.setattr(hayhooks_settings, "pipelines_dir", str(tmp_path))
    registry.clear()
    with TestClient(create_app()) as client:
        deployed = client.post(
            "/deploy-yaml",
            json={
                "name": "docsight",
                "source_code": yamls["query.yaml"],
                "overwrite": True,
                "save_file": False,
                "skip_mcp": True,
            },
        )
        assert deployed.status_code == 200, deployed.text
        answer = client.post("/docsight/run", json={"question": QUESTION, "mode": "text"})
        assert answer.status_code == 200, answer.text
        checked = answer.json()["result"]["claims"]  # hayhooks returns the outputs by component
        first = checked["citations"][0]
        assert first["page"] == 1 and f"[{first['n']}]" in checked["answer"]
        assert {f["status"] for s in checked["claims"]["sentences"] for f in s["figures"]} <= {
            "supported",
            "computed",
            "unsupported",
        }
