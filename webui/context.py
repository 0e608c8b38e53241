"""What every page needs: the settings, the shared service. Failures stop the page with the
error's own message (what failed and what to do)."""

from __future__ import annotations

import streamlit as st

from pipelines.settings import Settings, SettingsError
from webui.service import WebService


def settings() -> Settings:
    """The configured settings, with the collection chosen in the UI (see ``WebService.chosen_settings``)."""
    try:
        return WebService.chosen_settings(Settings.from_env())
    except SettingsError as exc:
        st.error(f"Configuration error: {exc}")
        st.stop()
        raise  # not reached


def service() -> WebService:
    try:
        return WebService.shared(settings())
    except Exception as exc:  # StoreLockedError, StoreUnavailableError, EmbeddingModelMismatchError, ...
        st.error(f"Cannot open the document store: {exc}")
        st.stop()
        raise  # not reached
