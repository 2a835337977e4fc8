"""Drawing fair comparisons in Streamlit: the spine chart section of the national outcomes page and
a funnel with its sentence and table. Every figure arrives computed and through disclosure control
(outcomes/comparators.py); only presentation lives here."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.app import render
from dashboard.core.disclosure import Policy
from dashboard.core.funnel import Funnel
from dashboard.core.page import PageData
from dashboard.core.strings import t
from dashboard.outcomes.comparators import funnel_table, outside_sentence
from dashboard.outcomes.comparison_charts import funnel_figure, spine_figure, spine_text
from dashboard.spc.xmr import format_value


def spine_section(page: PageData, policy: Policy) -> None:
    """The spine chart below the national outcomes summary table, with the table behind it."""
    spine = page.tables.get("spine")
    if spine is None:
        return
    st.subheader(t("funnel.spine_heading"))
    figure = spine_figure(spine)
    if figure is None:
        st.info(t("funnel.spine_none"))
        return
    st.caption(t("funnel.spine_intro"))
    render.chart_with_table(
        figure, spine_text(spine), policy, key="spine",
        alt=t("funnel.spine_alt", n=spine.filter(pl.col("lowest").is_not_null()).height),
    )  # fmt: skip


def funnel_section(
    found: tuple[Funnel, int] | None, what: str, policy: Policy, *, key: str,
    highlight: str | None = None,
) -> None:  # fmt: skip
    """One funnel: its chart, the plain sentence naming any unit beyond the 99.8% limits, and the
    table of units and limits."""
    if found is None or found[0].units.is_empty():
        st.info(t("funnel.empty", what=what))
        return
    f, left_off = found
    sentence = outside_sentence(f, left_off, what)
    st.markdown(sentence)
    alt = t("funnel.alt", what=what, n=f.units.height, reference=format_value(f.reference, "%"),
            sentence=sentence)  # fmt: skip
    render.chart_with_table(
        funnel_figure(f, what, highlight), funnel_table(f), policy, key=key, alt=alt
    )
