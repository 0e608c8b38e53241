import pytest

from ingest.layout.blocks import PAGE, TEXT, Block
from ingest.layout.reading_order import Word
from ingest.pdf_interpret import PageInk
from ingest.text_layer import keep_layer, ocr_reason, plausible


def words(text: str) -> list[Word]:
    return [Word(t, 10.0 * i, 0.0, 10.0 * i + 8, 10.0, 10.0, False) for i, t in enumerate(text.split())]


def ocr(text: str) -> list[Block]:
    return [Block(TEXT, text, 1, (0, 0, 10, 10), ocr=True), Block(PAGE, text, 1, (0, 0, 100, 100), ocr=True)]


@pytest.mark.parametrize(
    "text",
    [
        "Quarterly revenue grew by twelve percent in 2019",
        "Les résultats du troisième trimestre sont en hausse",
        "营业收入同比增长百分之十二 主要来自海外市场",
        "SKU XJ7-KLM CRM std::vector<int> C++ HTTP/2",
    ],
)
def test_real_text_is_plausible(text: str) -> None:
    assert plausible(words(text))


@pytest.mark.parametrize(
    "text",
    [
        "qxzjk vwbfgh pqtrs zzkv hjklm xqvw",
        "k#q%b w~zx& ^^pq# h%k&j",
        "(cid:12)(cid:34) (cid:56)(cid:7) (cid:99)(cid:3)",
        "\ufffd\ufffd\ufffd \ufffd\ufffd",
    ],
)
def test_garbage_is_implausible(text: str) -> None:
    assert not plausible(words(text))


def test_ocr_reasons() -> None:
    text = words("Quarterly revenue grew by twelve percent")
    visible = PageInk(chars=40)
    assert ocr_reason(text, visible, has_images=True) is None
    assert ocr_reason(text, PageInk(chars=40, invisible_chars=40), has_images=True) == "invisible text layer"
    assert ocr_reason(words("qxzjk vwbfgh pqtrs zzkv"), visible, has_images=False) == "implausible text layer"
    assert ocr_reason([], PageInk(), has_images=True) == "no text layer over a picture"
    assert ocr_reason([], PageInk(paths=3, path_segments=2600), has_images=False).startswith("no text layer, only")
    assert ocr_reason([], PageInk(paths=1, path_segments=5), has_images=False) is None  # a frame, a rule


def test_an_invisible_layer_is_kept_only_when_ocr_agrees() -> None:
    layer = words("Quarterly revenue grew by twelve percent")
    assert keep_layer(layer, ocr("Quarterly revenue grew by twelve percent"))
    assert keep_layer(layer, ocr("Quarterly revenue grcw by twelve pcrcent"))  # OCR's own slips
    assert not keep_layer(layer, ocr("The board approved the dividend today"))
    assert keep_layer(layer, [])  # OCR read nothing: the layer is all there is
    assert not keep_layer(words("qxzjk vwbfgh pqtrs zzkv"), [])  # ... unless it is garbage
