"""unstructured must not phone home, print notices or download models: run OCR with the network cut off."""

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import REPO, corpus_file


@pytest.mark.integration
def test_ocr_runs_with_sockets_blocked_and_prints_no_notice() -> None:
    image = corpus_file("parsers", "unstructured__layout-parser-paper-fast.jpg")
    script = textwrap.dedent(f"""
        import socket
        attempts = []
        def refuse(*args, **kwargs):
            attempts.append(args)
            raise OSError("network disabled in this test")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from ingest.converters.image_ocr_converter import ImageOCRConverter
        docs = ImageOCRConverter().run(sources=[{str(image)!r}])["documents"]
        text = " ".join(d.content for d in docs)
        assert "LayoutParser" in text, text[:200]
        import unstructured.nlp.tokenize as tk
        assert tk.word_tokenize("Offline tokenization works.") == ["Offline", "tokenization", "works", "."]
        print("ATTEMPTS", len(attempts))
    """)
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "ATTEMPTS 0" in proc.stdout
    combined = proc.stdout + proc.stderr
    assert "unstructured" not in combined.lower() or "notice" not in combined.lower()
    assert "en_core_web_sm" not in combined
