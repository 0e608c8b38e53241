from haystack import Document

from ingest.classifiers.chunk_language_classifier import ChunkLanguageClassifier
from ingest.language import detect_language, main_language


def test_scripts_decide_cjk_and_langdetect_the_rest() -> None:
    assert detect_language("盐城高新区投资集团有限公司 2023 年度第四期超短期融资券募集说明书") == "zh"  # langdetect: ko
    assert detect_language("元来日本語は漢文に倣い、文字を上から下へ") == "ja"
    assert detect_language("안녕하세요, 저희는 YGE소속 그룹 TREASURE멤버 HARUTO씨의 팬입니다.") == "ko"
    assert detect_language("Une façon d'assister l'analyse d'entrepôt de données repose sur les logs") == "fr"
    assert detect_language("Revenue increased 5% to $3.2 billion in fiscal 2018 compared with 2017.") == "en"
    assert detect_language("مرحبا بالعالم، هذا نص عربي قصير") == "ar"
    assert detect_language("2018 | 1,577") == "und"


def test_run_sets_chunk_and_document_language() -> None:
    docs = [
        Document(content="Revenue increased to $3.2 billion in fiscal 2018 compared with 2017.", meta={"doc_id": "a"}),
        Document(content="안녕하세요, 저희는 그룹의 팬입니다.", meta={"doc_id": "a"}),
        Document(content="Nous proposons une méthode pour résumer et interroger des logs.", meta={"doc_id": "b"}),
    ]
    out = ChunkLanguageClassifier().run(documents=docs)["documents"]
    assert [d.meta["language"] for d in out] == ["en", "ko", "fr"]
    assert [d.meta["document_language"] for d in out] == ["en", "en", "fr"]
    assert [d.id for d in out] == [d.id for d in docs]
    assert main_language(["x"], ["und"]) == "und"


def test_to_dict_from_dict_round_trip() -> None:
    data = ChunkLanguageClassifier().to_dict()
    assert isinstance(ChunkLanguageClassifier.from_dict(data), ChunkLanguageClassifier)
