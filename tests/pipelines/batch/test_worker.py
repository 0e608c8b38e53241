from ingest.errors import TooLargeError
from pipelines.batch.worker import describe_error


def test_an_ingest_error_inside_a_wrapper_is_the_reason() -> None:
    try:
        try:
            raise TooLargeError("a.pdf", "page 1 has over 100,000 characters (the limit)")
        except TooLargeError as inner:
            raise RuntimeError("component failed") from inner
    except RuntimeError as outer:
        assert describe_error(outer) == "too large: page 1 has over 100,000 characters (the limit)"


def test_an_internal_error_quotes_no_file_bytes() -> None:
    reason = describe_error(KeyError(b"root:x:0:0\x1b[31m"))
    assert reason == "internal error: KeyError: <bytes>"
