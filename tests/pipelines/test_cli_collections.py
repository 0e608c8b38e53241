"""``docsight collections``: create, list, rename and delete collections of an embedded store, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.pipelines.test_cli import docsight


@pytest.mark.slow
def test_create_list_rename_delete(tmp_path: Path) -> None:
    store = tmp_path / "q"
    assert docsight("collections", "create", "reports", store=store).returncode == 0
    assert docsight("collections", "create", "papers", store=store).returncode == 0
    again = docsight("collections", "create", "papers", store=store)
    assert again.returncode == 2 and "already a collection 'papers'" in again.stderr
    bad = docsight("collections", "create", "no/slash", store=store)
    assert bad.returncode == 2 and "cannot name a collection" in bad.stderr

    renamed = docsight("collections", "rename", "reports", "annual", store=store)
    assert renamed.returncode == 0 and "renamed collection reports to annual" in renamed.stdout
    listed = json.loads(docsight("collections", "list", "--json", store=store).stdout)
    assert [(c["name"], c["documents"], c["points"]) for c in listed] == [("annual", 0, 0), ("papers", 0, 0)]
    assert all(c["embedding_model"] for c in listed)

    deleted = docsight("collections", "delete", "papers", store=store)
    assert deleted.returncode == 0 and "deleted collection papers" in deleted.stdout
    missing = docsight("collections", "delete", "papers", store=store)
    assert missing.returncode == 2 and "no collection 'papers'" in missing.stderr
    table = docsight("collections", "list", store=store)
    assert "annual" in table.stdout and "papers" not in table.stdout
