"""`docsight ui` in a real browser: Debian's Chromium driven headless by Playwright, against the real server on
localhost with the Ollama test server. Screenshots go to test-output/browser/ (DOCSIGHT_TEST_OUTPUT)."""

from __future__ import annotations

import contextlib
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
PAGES = ("parsers", "samplefiles__multicolumn.pdf")  # 3 pages: the bar moves page by page
LOCKED = ("parsers", "pdfplumber__password-example.pdf")  # password "test"

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
        deadline = time.monotonic() + 120  # a loaded machine (CI runs several suites) starts it slowly
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
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:  # a loaded machine: do not leave it behind
            process.kill()
            process.wait(30)
        log.close()
        OUTPUT.mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / "ui.log", OUTPUT / "ui.log")  # the server's log lines (one per file, per question)


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
        page.locator("input[type=file]").set_input_files([str(corpus_file(*f)) for f in (CHART, PAGES, LOCKED)])
        page.get_by_role("button", name="Ingest 3 file(s)").click()
        bar = page.get_by_role("progressbar").first
        expect(bar).to_be_visible()
        values = _progress_values(page, until=page.get_by_text("2 ingested, 1 failed"), timeout_s=400)
        page.screenshot(path=OUTPUT / "1-documents.png", full_page=True)
        assert len(set(values)) >= 3 and values == sorted(values), values  # it advanced, never back
        assert any(0 < v < 100 for v in values), values

        # the encrypted PDF's row takes its password and is ingested on retry
        page.get_by_label(f"Password for {LOCKED[-1]}").fill("test")
        page.get_by_role("button", name="Retry").click()
        expect(page.get_by_text("1 ingested (")).to_be_visible(timeout=240_000)
        expect(page.get_by_text("3 document(s)", exact=True)).to_be_visible()

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

        # the viewer beside the chat opens the cited document at the cited page, the region outlined in red
        card.get_by_role("button", name="Open in viewer").click()
        expect(page.get_by_text("Page 1 of 1 · cited region outlined")).to_be_visible()
        shown = page.locator(".st-key-docsight_viewer [data-testid='stImage'] img")
        expect(shown).to_be_visible()
        shown.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.screenshot(path=OUTPUT / "3-viewer.png")
        assert _red_pixels(shown.screenshot()) > 200
        expect(page.get_by_role("button", name="Download the original")).to_be_visible()
        browser.close()
    assert [c for c in ollama.chats() if c.get("stream")]
    assert requested and not external_requests(requested), external_requests(requested)


def _progress_values(page, until, timeout_s: float) -> list[int]:
    """The progress bar's values (percent) seen every 0.2 s until ``until`` is visible."""
    values: list[int] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not until.is_visible():
        bar = page.get_by_role("progressbar")
        if bar.count():
            with contextlib.suppress(Exception):
                now = bar.first.get_attribute("aria-valuenow", timeout=500)
                if now is not None and (not values or values[-1] != int(float(now))):
                    values.append(int(float(now)))
        page.wait_for_timeout(200)
    assert until.is_visible(), f"not done after {timeout_s} s; progress seen: {values}"
    return values


def _red_pixels(png: bytes) -> int:
    """Pixels of the outline colour (webui.page_view.OUTLINE) in a screenshot."""
    import io

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return int(((pixels[..., 0] > 190) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)).sum())


def external_requests(urls: list[str]) -> list[str]:
    """The requests to any host but 127.0.0.1 (data: and blob: URLs are not requests to a host)."""
    parts = [urlsplit(u) for u in urls]
    return sorted({p.geturl() for p in parts if p.scheme not in ("data", "blob") and p.hostname != "127.0.0.1"})
