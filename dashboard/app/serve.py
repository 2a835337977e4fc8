"""Start the app: `python -m dashboard.app.serve [streamlit options]` is `streamlit run app.py` with two
fixes.

The project keeps its page scripts in `pages/`, beside `app.py`, and `app.py` routes with
`st.navigation`. Streamlit decides per server whether it is an old-style "pages folder" app by
whether that folder exists, and only learns otherwise once `app.py` has run: so if the first visitor
after a start follows a link straight to a page, Streamlit runs that page alone, without the app's
navigation. Telling it up front that `st.navigation` owns routing removes that first-visit trap.

Each session runs its page in its own thread. The first pages after a start would import pandas (for
Plotly) in several threads at once, and one thread can then see the module half made ("partially
initialized module 'pandas'"): importing it here, before any session, removes that race.

At start, a headless Streamlit asks checkip.amazonaws.com for the machine's public address, to
print an "External URL" (and again when it checks a request's origin). The dashboard makes no call
beyond the partnership's network (issue 26, item 7), so that lookup answers "none" here.

Once the server is up, the page cache starts warming (web.warm_up), so the first people in a meeting
do not wait for figures nobody has asked for yet.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from pathlib import Path

import pandas  # noqa: F401 - imported once, before sessions' threads (see above)
from streamlit import net_util
from streamlit.runtime import Runtime, RuntimeState
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from dashboard.core.errors import UserError

APP = Path(__file__).resolve().parents[2] / "app.py"


_RUNNING = (RuntimeState.NO_SESSIONS_CONNECTED, RuntimeState.ONE_OR_MORE_SESSIONS_CONNECTED)


def _warm_once_running() -> None:
    while not (Runtime.exists() and Runtime.instance().state in _RUNNING):
        time.sleep(0.2)
    # Imported now, not before the server: Streamlit binds a cache to its store when the cached
    # function is defined, and only a running server has the store its "Clear cache" empties.
    from dashboard.app import web

    s = web.settings()
    with contextlib.suppress(UserError):  # the export cannot be opened: the first page shows why
        web.warm_up(s, web.current_export(s, quiet=True))


def no_external_ip() -> None:
    """Streamlit's public-address lookup, answered without asking the internet."""
    return None


def main(argv: list[str] | None = None) -> None:
    PagesManager.uses_pages_directory = False
    net_util.get_external_ip = no_external_ip  # no call to checkip.amazonaws.com
    threading.Thread(target=_warm_once_running, name="warm-up", daemon=True).start()
    cli.main(["run", str(APP), *(sys.argv[1:] if argv is None else argv)], prog_name="streamlit")


if __name__ == "__main__":
    main()
