from ingest.errors import summarize


def test_summarize_names_the_exception_and_hides_quoted_bytes() -> None:
    exc = ValueError("Invalid object b'root:x:0:0\\x00' at 12, token b\"\\x1b[31m\"")
    assert summarize(exc) == "ValueError: Invalid object <bytes> at 12, token <bytes>"


def test_summarize_replaces_unprintable_characters_and_truncates() -> None:
    assert summarize(RuntimeError("a\x1b[2Jb")) == "RuntimeError: a?[2Jb"
    assert len(summarize(RuntimeError("x" * 1000), 50)) == 50
    assert summarize(MemoryError()) == "MemoryError"
