"""The dashboard app: pages grouped for the people who use them. Run with `make run`."""

import streamlit as st

from dashboard.app import render, web
from dashboard.app.navigation import PAGE_ENTRIES
from dashboard.core.strings import t

st.set_page_config(page_title=t("app.title"), layout="wide")
render.focus_style()

if web.settings().sign_in_required and not st.user.get("is_logged_in"):
    # Streamlit's OpenID Connect login: the provider is configured in .streamlit/secrets.toml
    st.title(t("app.title"))
    st.write(t("access.prompt"))
    st.button(t("access.sign_in"), on_click=st.login, type="primary")
    st.stop()

groups: dict[str, list] = {}
for entry in PAGE_ENTRIES:
    groups.setdefault(t(entry.group), []).append(
        st.Page(
            f"pages/{entry.script}",
            title=t(entry.title),
            url_path=entry.url_path,
            default=entry is PAGE_ENTRIES[0],
        )
    )
st.navigation(groups).run()
