"""The dashboard app: pages grouped for the people who use them. Run with `make run`."""

import streamlit as st

from dashboard.strings import t

st.set_page_config(page_title=t("app.title"), layout="wide")

PAGES = {
    t("nav.board"): [
        st.Page("pages/home.py", title=t("nav.home"), url_path="home", default=True),
    ],
    t("nav.data"): [
        st.Page("pages/data_quality.py", title=t("nav.data_quality"), url_path="data-quality"),
    ],
}

st.navigation(PAGES).run()
