"""``docsight ui``'s server process: ``streamlit run`` after loading what the first page needs.

Streamlit reports ready as soon as it listens; the first browser session then imported the pages' modules
(Haystack, qdrant-client: seconds on a loaded machine) before it could draw anything. Here they are imported before
the server starts, and in a background thread the shared service opens the store and answers one search (which loads
the query encoder, the language profiles and the search index), so the first page shows at once after ready and the
first question does not pay for the loading. A failure there is left to the page, which reports it as before.
"""

from __future__ import annotations

import ast
import importlib
import logging
import sys
import threading
from pathlib import Path

WEBUI = Path(__file__).parent
log = logging.getLogger("docsight.webui")


def page_modules() -> list[str]:
    """The modules the app and its pages import (read from their source, so a page's new import is included)."""
    names: list[str] = []
    for path in [WEBUI / "app.py", *sorted((WEBUI / "views").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
    return list(dict.fromkeys(names))


def preload() -> None:
    """Import the pages' modules now; open the shared service and load the query encoder in the background."""
    for name in page_modules():
        try:
            importlib.import_module(name)
        except Exception:  # the page reports its own import error
            log.debug("could not preload %s", name, exc_info=True)
    threading.Thread(target=_open_service, name="docsight-preload", daemon=True).start()


def _open_service() -> None:
    from pipelines.settings import Settings
    from webui.service import WebService

    try:
        WebService.shared(Settings.from_env()).retrieve("What was the total revenue last year?", top_k=1)
    except Exception:  # a locked or unreachable store, a bad setting: the page shows the error
        log.debug("preload failed", exc_info=True)


def main() -> None:
    """``python -m webui.serve run APP [streamlit flags]``: the ``streamlit`` command line, after :func:`preload`."""
    from streamlit.web.cli import main as streamlit_main

    preload()
    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit_main()


# the ingestion's worker processes (multiprocessing "spawn") re-import the main module: they must not serve
if __name__ == "__main__":
    main()
