"""Fair comparison: funnel plots of localities, lots, providers and partnerships."""

import streamlit as st

from dashboard.app import comparison, web
from dashboard.core.strings import t
from dashboard.outcomes.fair_comparison import BYS, what

opened = web.open_page("fair-comparison", "fair.title", "fair.intro", sentences=False)
if opened is not None:
    ctx, page, policy = opened.ctx, opened.page, opened.policy
    tabs = st.tabs([t(f"fair.tab_{by}") for by in (*BYS, "partnership")])
    for tab, by in zip(tabs, BYS, strict=False):
        with tab:
            if by == "provider":
                st.caption(t("fair.provider_note"))
            for measure in ("attainment", "coverage"):
                comparison.funnel_section(
                    page.funnels.get(f"{by}:{measure}"), what(by, measure), policy,
                    key=f"{by}_{measure}",
                )  # fmt: skip
    with tabs[-1]:
        if not page.partnerships:
            st.info(t("fair.partnership_none"))
        else:
            pick = st.selectbox(
                t("fair.partnership_pick"), list(page.partnerships),
                format_func=page.indicators.get, key="fair_indicator",
            )  # fmt: skip
            comparison.funnel_section(
                page.partnerships[pick], page.indicators[pick], policy,
                key=f"partnerships_{pick}", highlight=ctx.view.partnership,
            )  # fmt: skip
