"""An optional shared password in front of the whole UI (``DOCSIGHT_UI_PASSWORD``).

Streamlit has no authentication of its own. This gate is for a UI reachable by others on a network (it binds to
127.0.0.1 by default); put it behind TLS (a reverse proxy) when the network is not trusted.
"""

from __future__ import annotations

import hmac

import streamlit as st

_KEY = "docsight_authenticated"


def require_password(password: str) -> None:
    """Stop the script until this session has entered ``password``; no-op when it is empty."""
    if not password or st.session_state.get(_KEY):
        return
    st.title("docsight")
    with st.form("login"):
        attempt = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        if hmac.compare_digest(attempt.encode(), password.encode()):
            st.session_state[_KEY] = True
            st.rerun()
        st.error("Wrong password.")
    st.stop()
