"""What every Streamlit page shares: settings, the opened export, the filters in the URL.

Pages stay thin: each calls `open_page` with its name, which draws the title and the filters and
returns the page's figures from its builder (app/navigation.py), cached; the page then renders.
The DuckDB connection is a cached resource keyed by the export's fingerprint, so a new extract
arriving mid-meeting is opened afresh on the next interaction instead of mixing old and new
figures; each session reads through its own cursor.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st

from dashboard.app.navigation import PAGE_NAMES, builder, needs
from dashboard.core.disclosure import Policy
from dashboard.core.errors import UserError
from dashboard.core.escape import markdown_text
from dashboard.core.page import Filters, PageData, View, policy_for
from dashboard.core.settings import Settings, load_settings
from dashboard.core.strings import t
from dashboard.extract import progress
from dashboard.extract.export import Export, fingerprint, open_export
from dashboard.extract.filters import filter_options

LOG = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return load_settings()


@st.cache_resource(max_entries=2, show_spinner=False)
def _export(folder: str, fp: str, _settings: Settings) -> Export:
    """One opened export per fingerprint; `fp` is in the key so a new extract opens afresh."""
    return open_export(Path(folder), _settings)


def _open_quietly(folder: str, fp: str, s: Settings) -> None:
    with contextlib.suppress(UserError):  # the page opens it again and shows why it cannot
        _export(folder, fp, s)


@st.cache_resource(max_entries=2, show_spinner=False)
def _opening(folder: str, fp: str, _s: Settings) -> threading.Thread:
    """The export opened in a thread of its own, once per fingerprint, so that a page can say
    what is being prepared while it waits (validating a national export takes minutes)."""
    thread = threading.Thread(
        target=_open_quietly, args=(folder, fp, _s), name=f"open-{fp[:8]}", daemon=True
    )
    thread.start()
    return thread


def _wait_saying_what(thread: threading.Thread, fp: str) -> None:
    """While the export is being prepared, a message naming the step it is at (issue 25): the
    first visitor after a start or a new extract reads what is happening, not grey placeholders."""
    shown = st.empty()
    while thread.is_alive():
        step = progress.current(fp) or t("progress.opening")
        shown.info(t("progress.waiting", step=step), icon=":material/hourglass_top:")
        thread.join(0.5)
    shown.empty()


def current_export(s: Settings, *, quiet: bool = False) -> Export:
    """The opened export; unless `quiet` (the server's own warm-up), a page waiting for it to
    be prepared says what is being prepared."""
    folder = s.data_dir
    fp = fingerprint(folder)
    if not quiet:
        _wait_saying_what(_opening(str(folder), fp, s), fp)
    return _export(str(folder), fp, s)


@st.cache_data(max_entries=8, show_spinner=False)
def _filter_options(fp: str, partnership: str | None, _export: Export, _s: Settings):
    """What the filters offer depends only on the export (and the home partnership setting), so it
    is read once per extract, not on every click."""
    return filter_options(_export, _s)


@dataclass(frozen=True)
class PageContext:
    settings: Settings
    export: Export
    view: View


@st.cache_data(max_entries=128, show_spinner=False)
def _page_data(name: str, key: tuple, _ctx: PageContext, _fn) -> PageData:
    return _fn(_ctx.export, _ctx.settings, _ctx.view)


def page_data(fn, ctx: PageContext) -> PageData:
    """A page's figures, cached by what they depend on: the data, who is looking, and the view."""
    if not getattr(fn, "uses_filters", True):  # see core.page.whole_partnership
        ctx = replace(ctx, view=View(ctx.view.partnership, ctx.view.period))
    s = ctx.settings
    key = (
        ctx.export.fingerprint,
        s.audience,
        s.disclosure_threshold,
        s.disclosure_method,
        ctx.view,
    )
    return _page_data(f"{fn.__module__}.{fn.__qualname__}", key, ctx, fn)


def warm(export: Export, s: Settings, fns: Sequence[Callable]) -> int:
    """Work out the figures of each page of `fns` for the views a meeting opens first: the home
    partnership's default period, whole and then locality by locality. Returns how many views
    were worked out. A page that fails here is skipped: it fails again, with its message shown,
    when someone opens it."""
    options = filter_options(export, s)
    localities = [None, *options.for_partnership(options.home).localities]
    done = 0
    for locality in localities:
        view = View(options.home, options.default_period, Filters(locality=locality))
        for fn in fns:
            try:
                page_data(fn, PageContext(s, export, view))
                done += 1
            except Exception:  # noqa: BLE001 - see the docstring
                LOG.exception("warming %s failed", fn.__name__)
    return done


@st.cache_resource(max_entries=2, show_spinner=False)
def _warming(fp: str, _export: Export, _s: Settings) -> threading.Thread:
    """The background thread warming the page cache for one extract, started once per extract:
    on a server start, and again when a new extract arrives. Twenty people opening pages in the
    first minute of a meeting would otherwise each wait for figures nobody has asked for yet."""

    def run() -> None:
        started = time.perf_counter()
        fns = [builder(name) for name in PAGE_NAMES]
        done = warm(_export, _s, fns)
        LOG.info("page cache warm: %d views in %.1f s", done, time.perf_counter() - started)

    thread = threading.Thread(target=run, name=f"warm-{fp[:8]}", daemon=True)
    thread.start()
    return thread


def warm_up(s: Settings, export: Export) -> None:
    """Start warming the page cache for this extract, once, if the settings ask for it."""
    if s.warm_pages:
        _warming(export.fingerprint, export, s)


@dataclass(frozen=True)
class OpenedPage:
    ctx: PageContext
    page: PageData
    policy: Policy


def open_page(
    name: str,
    title_key: str,
    intro_key: str | None = None,
    *,
    period_kind: str = "year",
    heading_key: str | None = None,
    sentences: bool = True,
) -> OpenedPage | None:
    """What every page starts with: its title and introduction, the filters, the figures of page
    `name` (cached) and their sentences (under `heading_key`, unless `sentences` is False: the page
    places them itself); None, with the reason shown, when the export cannot be opened."""
    st.title(t(title_key), anchor=False)  # no "link to heading" stop for a keyboard user
    if intro_key:
        st.write(t(intro_key))
    ctx = page_context(period_kind=period_kind, needs=needs(name))
    if ctx is None:
        return None
    with st.spinner(t("progress.figures")):  # shown only after half a second: a cold cache
        page = page_data(builder(name), ctx)
    if heading_key:
        st.subheader(t(heading_key))
    for sentence in page.sentences if sentences else ():
        st.write(markdown_text(sentence))  # sentences carry names from the export
    return OpenedPage(ctx, page, policy_for(ctx.settings))


def _bound_select(label: str, key: str, options: list, *, default=None, format_func=str):
    """A select box bound to the URL; a value in the link that the data lacks gets a message."""
    asked = st.query_params.get(key)
    if asked is not None and asked not in [str(o) for o in options]:
        st.warning(t("web.unknown_url_value", label=label, value=markdown_text(asked[:80])))
    index = options.index(default) if default in options else 0
    return st.sidebar.selectbox(
        label, options, index=index, key=key, bind="query-params", format_func=format_func
    )


def unusable_notices(export: Export, page_needs: tuple[str, ...] | None) -> bool:
    """Name every table of the export that cannot be used, with its file and problem; False when
    the page needs one of them. A file cut short mid-meeting then reads "people.parquet cannot be
    read", not "nothing to count" with the default period moved."""
    if page_needs is None:  # the page lists the problems itself
        return True
    usable = True
    for problem in export.report.unusable:
        if problem.table in page_needs:
            st.error(t("export.unusable_page", table=problem.table, message=problem.message))
            usable = False
        else:
            st.warning(t("export.unusable_elsewhere", message=problem.message))
    return usable


def page_context(
    *, period_kind: str = "year", needs: tuple[str, ...] | None = ()
) -> PageContext | None:
    """The sidebar filters and the export; None (with a message shown) when nothing can be shown:
    the export cannot be opened, or a table in `needs` cannot be used."""
    s = settings()
    try:
        export = current_export(s)
    except UserError as exc:
        st.error(markdown_text(str(exc)))
        return None
    if not unusable_notices(export, needs):
        return None
    warm_up(s, export)  # a new extract mid-meeting is warmed too
    options = _filter_options(export.fingerprint, s.partnership, export, s)
    if not options.partnerships:
        st.error(t("web.no_partnership"))
        return None
    all_label = t("web.all")
    partnership = _bound_select(
        t("web.partnership"), "partnership", options.partnerships, default=options.home
    )
    periods = options.years if period_kind == "year" else options.years + options.quarters
    period = _bound_select(t("web.period"), "period", periods, default=options.default_period)
    local = options.for_partnership(partnership)
    locality = _bound_select(t("web.locality"), "locality", [all_label, *local.localities])
    client = _bound_select(
        t("web.client_group"), "client_group", [all_label, *options.client_groups]
    )
    service = _bound_select(
        t("web.service_type"), "service_type", [all_label, *options.service_types]
    )
    sds = _bound_select(t("web.sds_option"), "sds", [all_label, "1", "2", "3", "4"])
    audience = s.audience
    if audience == "internal":
        if st.sidebar.toggle(t("web.preview_board"), key="preview_board"):
            audience = "board"
    st.sidebar.caption(t(f"web.audience_{audience}"))
    filters = Filters(
        locality=None if locality == all_label else locality,
        client_group=None if client == all_label else client,
        service_type=None if service == all_label else service,
        sds_option=None if sds == all_label else int(sds),
    )
    return PageContext(replace(s, audience=audience), export, View(partnership, period, filters))
