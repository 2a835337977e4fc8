"""Landing page: what this is, whose data, how fresh."""

import streamlit as st

from dashboard.app import web
from dashboard.core.strings import t

st.title(t("app.title"))
st.write(t("app.tagline"))
ctx = web.page_context()
if ctx is not None:
    st.markdown(
        t(
            "home.summary",
            partnership=ctx.view.partnership,
            extract=ctx.export.extract_date.isoformat(),
            period=ctx.view.period,
        )
    )
    st.markdown(t("home.guide"))
