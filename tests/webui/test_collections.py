"""Collections in the web UI (the real app script, store and parsers): pick or create one in the sidebar, see
each on the status page, delete one after confirming; and a document's identity corrected in its form."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.webui.conftest import APP, table_pdf
from webui.service import WebService


def _app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    if page:
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def test_create_switch_list_and_delete_collections(ui_env) -> None:
    at = _app()
    picker = at.sidebar.selectbox(key="docsight_collection")
    assert picker.value == "ui" and picker.options == ["ui"]
    at.sidebar.text_input(key="docsight_new_collection").input("reports-2024").run()
    at.sidebar.button(key="docsight_create_collection").click().run()
    assert not at.exception, at.exception
    assert WebService.chosen_settings(ui_env).collection == "reports-2024"
    assert at.sidebar.selectbox(key="docsight_collection").value == "reports-2024"

    at.switch_page("views/status.py").run()
    rows = at.dataframe[0].value.to_dict("records")
    assert {r["collection"] for r in rows} == {"ui", "reports-2024 (in use)"}
    assert all(r["embedding model"] for r in rows)
    # the collection in use cannot be deleted; another one only after confirming
    assert at.selectbox(key="docsight_delete_collection").options == ["ui"]
    [ask] = [b for b in at.button if b.label == "Delete ui"]
    ask.click().run()
    assert any("Delete collection ui with its 0 document(s)" in str(w.value) for w in at.warning)
    at.button(key="docsight_delete_collection_no").click().run()
    assert "ui" in [c.name for c in WebService.shared(WebService.chosen_settings(ui_env)).collections()]
    [ask] = [b for b in at.button if b.label == "Delete ui"]
    ask.click().run()
    at.button(key="docsight_delete_collection_yes").click().run()
    assert not at.exception, at.exception
    names = [c.name for c in WebService.shared(WebService.chosen_settings(ui_env)).collections()]
    assert names == ["reports-2024"]

    at.sidebar.selectbox(key="docsight_collection").select("reports-2024").run()  # no change: no switch
    assert WebService.chosen_settings(ui_env).collection == "reports-2024"


def test_a_bad_collection_name_is_refused_with_the_rule(ui_env) -> None:
    at = _app()
    at.sidebar.text_input(key="docsight_new_collection").input("no spaces/slashes").run()
    at.sidebar.button(key="docsight_create_collection").click().run()
    assert any("cannot name a collection" in str(e.value) for e in at.sidebar.error)
    assert WebService.chosen_settings(ui_env).collection == "ui"


@pytest.mark.slow
def test_a_documents_identity_is_corrected_in_its_form(ui_env) -> None:
    service = WebService.shared(ui_env)
    service.ingest_uploads([table_pdf()])
    assert service.ingests.wait(timeout=300)
    at = _app("documents")
    [form_org] = [t for t in at.text_input if t.label == "Organisation"]
    form_org.input("Federal Bureau of Investigation")
    [tags] = [t for t in at.text_input if t.label == "Tags"]
    tags.input("firearms, 2015")
    [save] = [b for b in at.button if b.label == "Save"]
    save.click().run()
    assert not at.exception, at.exception
    [record] = WebService.shared(ui_env).documents()
    assert (record.organisation, record.tags) == ("Federal Bureau of Investigation", ["firearms", "2015"])
    assert WebService.shared(ui_env).registry.edits(record.doc_id)["organisation"] == "Federal Bureau of Investigation"
    [table] = [d.value for d in at.dataframe if "organisation" in d.value.columns]
    row = table.to_dict("records")[0]
    assert (row["organisation"], row["tags"]) == ("Federal Bureau of Investigation", "firearms, 2015")
