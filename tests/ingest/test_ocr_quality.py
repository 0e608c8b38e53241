"""Which OCR readings count as text, which languages a script is read with, and how words are joined (no OCR)."""

from ingest.ocr_engines import join_lines, join_words
from ingest.ocr_quality import OcrWord, unreadable_reason
from ingest.ocr_script import candidate_languages


def words(text: str, confidence: float) -> list[OcrWord]:
    return [OcrWord(w, confidence) for w in text.split()]


def test_a_wrong_language_reading_is_rejected_for_its_confidence() -> None:
    # what English made of the Chinese sample (unstructured__chi_sim_image.jpeg), at tesseract's confidence
    reason = unreadable_reason(words("Pe HS aMAD, SSRN AE “EA” , Wi 7}, PADMA RWS RES OAS.", 20.3))
    assert "confidence 20/100" in reason


def test_single_letters_symbols_and_a_missing_script_are_rejected() -> None:
    assert "single letters" in unreadable_reason(words("a ~ l i , t e r b k", 70))
    assert "symbols" in unreadable_reason(words("|~ ,.; ~~ --| ** %% @@", 70))
    assert "Hangul" in unreadable_reason(words("OH SAR SIH YGEAS TREASURE HARUTOMS THEILICH", 70), "Hangul")


def test_readable_text_and_charts_pass() -> None:
    assert unreadable_reason(words("Revenue increased to $3.2 billion in fiscal 2018", 92)) == ""
    chart = "Renewable energy Total excluding solid biofuels, % of primary energy supply, 2021 A U T D E 20 40 60"
    assert unreadable_reason(words(chart, 61)) == ""  # OECD chart labels: many short words, confidence ~60
    assert unreadable_reason(words("新鲜 甘 草 黄 酮 养 分 是 扫 除", 82), "Han") == ""  # one character is a word
    assert unreadable_reason([]) == ""


def test_each_script_has_its_candidates_and_english_comes_last() -> None:
    installed = {"eng", "jpn", "jpn_vert", "kor", "chi_sim"}
    assert candidate_languages("Japanese", installed) == [
        (["jpn"], "Japanese"),
        (["jpn_vert"], "Japanese"),
        (["eng"], "Latin"),
    ]
    assert candidate_languages("Hangul", installed)[0] == (["kor", "eng"], "Hangul")
    assert candidate_languages("Arabic", installed) == [(["eng"], "Latin")]  # not installed: English only
    assert candidate_languages(None, installed) == [(["eng"], "Latin")]


def test_cjk_words_and_wrapped_lines_join_without_spaces() -> None:
    assert join_words(["最佳", "“", "清道夫", "”，", "迅速"]) == "最佳“清道夫”，迅速"
    assert join_words(["적극적인", "답변을"]) == "적극적인 답변을"  # Korean keeps its spaces
    assert join_words(["Hello", "World"]) == "Hello World"
    assert join_lines(["迅速激发细胞活", "力，帮助"]) == "迅速激发细胞活力，帮助"
    assert join_lines(["Hello", "World"]) == "Hello\nWorld"
