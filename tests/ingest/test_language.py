"""ingest.language's lazily filled langdetect table answers exactly as langdetect's own loader."""

from __future__ import annotations

import json
import random

import pytest
from langdetect import LangDetectException
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

from ingest import language
from tests.conftest import REPO, corpus_file


def _texts() -> list[str]:
    questions = corpus_file("financebench", "questions.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["question"] for line in questions if line]
    multilingual = json.loads((REPO / "eval" / "multilingual_questions.json").read_text(encoding="utf-8"))
    texts += [q[side] for q in multilingual["questions"] for side in ("native", "english")]
    references = REPO / "tests" / "ingest" / "fixtures" / "multilingual_references.json"
    texts += [r["text"] for r in json.loads(references.read_text(encoding="utf-8"))["references"]]
    words = " ".join(texts).split()
    rng = random.Random(0)  # mixtures of languages and scripts, short and long
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(2, 60))) for _ in range(150)]
    return texts


def _probabilities(factory: DetectorFactory, text: str) -> list[tuple[str, float]] | str:
    detector = factory.create()
    detector.append(text)
    try:
        return [(found.lang, found.prob) for found in detector.get_probabilities()]
    except LangDetectException as exc:
        return str(exc)


@pytest.fixture(scope="module")
def eager() -> DetectorFactory:
    """langdetect's own factory: every profile loaded into the whole table up front."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.seed = 0
    return factory


def test_lazy_table_gives_langdetects_probabilities(eager: DetectorFactory) -> None:
    lazy = language._detector_factory()
    assert lazy.get_lang_list() == eager.get_lang_list()
    texts = _texts()
    assert len(texts) > 250
    answers = [_probabilities(lazy, text) for text in texts]
    assert answers == [_probabilities(eager, text) for text in texts]  # languages and probabilities, to the bit
    assert {a[0][0] for a in answers if isinstance(a, list)} >= {"en", "fr", "ko", "ja", "ar"}


def test_rows_are_computed_only_for_ngrams_asked_for(eager: DetectorFactory) -> None:
    table = language._LazyProbabilities(
        [(0, {"ab": 2, "c": 1, "abcd": 5}, [4, 8, 1]), (2, {"ab": 6}, [1, 3, 1])], size=3
    )
    assert "abcd" in table and "zz" not in table
    assert table["ab"] == [2 / 8, 0.0, 6 / 3]
    assert table["abcd"] == [0.0, 0.0, 0.0]  # longer than a trigram: no weight, as in langdetect
    with pytest.raises(KeyError):
        table["zz"]
    shared = language._detector_factory().word_lang_prob_map
    language.detect_language("Revenue increased 5% to $3.2 billion in fiscal 2018 compared with 2017.")
    assert 0 < len(shared._rows) < len(eager.word_lang_prob_map) / 10
