"""`docsight ui` in a real browser: Debian's Chromium driven headless by Playwright, against the real server on
localhost with the Ollama test server. Screenshots go to test-output/browser/ (DOCSIGHT_TEST_OUTPUT)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import REPO, corpus_file
from tests.support.ollama_server import FakeOllama
from tests.webui.conftest import ui_environment

CHART = ("charts", "png", "group_189_chart1.png")  # a Pew chart: OCR text plus the chart image as a crop

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTPUT = Path(os.environ.get("DOCSIGHT_TEST_OUTPUT", REPO / "test-output")) / "browser"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cite_the_image(prompt: str, body: dict) -> str:
    """Answer from the first source with an image (figure, table or page), as a vision model reading it would."""
    found = re.search(r"^\[(\d+)\] \([^)\n]*?, (?:figure|table|page)(?:, |\))", prompt, re.M)
    return f"The chart shows the daily posts [{found.group(1)}]." if found else "The documents do not say."


@pytest.fixture
def ollama():
    with FakeOllama(answer_fn=cite_the_image) as server:
        yield server


@pytest.fixture
def ui_server(tmp_path: Path, ollama):
    port = _free_port()
    env = {**os.environ, **ui_environment(tmp_path, ollama.url, collection="browser")}
    log = open(tmp_path / "ui.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "ui", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("docsight ui did not start: " + (tmp_path / "ui.log").read_text()[-2000:])
        yield url
    finally:
        process.terminate()
        process.wait(30)
        log.close()


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (scripts/setup.sh --test)")
def test_upload_ingest_ask_and_see_a_cited_chart_in_chromium(ui_server: str, ollama) -> None:
    from playwright.sync_api import expect, sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=60_000)  # the first page load opens the store and loads the encoder
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        requested: list[str] = []
        context.on("request", lambda request: requested.append(request.url))
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(ui_server)
        expect(page.get_by_text("No documents yet")).to_be_visible()

        page.get_by_test_id("stSidebarNavLink").filter(has_text="Documents").click()
        page.locator("input[type=file]").set_input_files(str(corpus_file(*CHART)))
        page.get_by_role("button", name="Ingest 1 file(s)").click()
        expect(page.get_by_text("1 ingested")).to_be_visible(timeout=240_000)
        expect(page.get_by_text("1 document(s)", exact=True)).to_be_visible()
        page.screenshot(path=OUTPUT / "1-documents.png", full_page=True)

        page.get_by_test_id("stSidebarNavLink").filter(has_text="Chat").click()
        box = page.get_by_placeholder("Ask a question about your documents")
        box.fill("What is the maximum daily number of Twitter posts using the #BlackLivesMatter hashtag?")
        box.press("Enter")
        expect(page.get_by_text("The chart shows the daily posts")).to_be_visible(timeout=120_000)
        citation = page.locator('a[href^="#source-0-"]').first
        expect(citation).to_be_visible()
        anchor = citation.get_attribute("href").lstrip("#")
        card = page.locator(f"#{anchor}").locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")
        expect(card.locator("img").first).to_be_visible()
        crop = card.locator("img").first.evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert min(crop) > 20, crop
        page.screenshot(path=OUTPUT / "2-chat.png", full_page=True)
        browser.close()
    assert [c for c in ollama.chats() if c.get("stream")]
    assert requested and not external_requests(requested), external_requests(requested)


def external_requests(urls: list[str]) -> list[str]:
    """The requests to any host but 127.0.0.1 (data: and blob: URLs are not requests to a host)."""
    parts = [urlsplit(u) for u in urls]
    return sorted({p.geturl() for p in parts if p.scheme not in ("data", "blob") and p.hostname != "127.0.0.1"})
