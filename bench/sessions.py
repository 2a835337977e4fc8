"""Many people in one meeting: simultaneous sessions on the running app changing filters.

Each session speaks Streamlit's own websocket protocol, as a browser tab does, but renders nothing.
In a real meeting every person's browser draws the charts on their own machine; the server only runs
the page scripts and sends their elements. Twenty Chromium tabs on the bench machine would compete
with the server for its cores and so measure Chromium, not the app. A protocol client costs the
server exactly what a tab costs it (a session, a script run per change, every element sent in full)
and costs the bench process almost nothing.

A session opens `/_stcore/stream`, asks for one page by its URL path, reads the select boxes the
server sends, then changes the Locality box again and again. A filter change is timed from sending
the new widget state until the server's `script_finished` message for the rerun it caused: the
server's whole answer, not the drawing. Between changes the person reads the chart for a seeded
random time around `think_s`. Bounded by iterations, by a deadline and by a timeout on every wait.
The sessions start once the freshly started server has warmed its page cache (its CPU time stops
rising), as a meeting meets a server that has been up a while; how long that took is reported.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Delta_pb2 import Delta
from streamlit.proto.Exception_pb2 import Exception as ExceptionProto
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Navigation_pb2 import Navigation
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

from dashboard.app.navigation import PAGE_ENTRIES
from dashboard.core.strings import t
from tests.browser import serve

SESSIONS = 20
ITERATIONS = 8  # filter changes per session
THINK_S = 2.0  # mean pause between changes: a person reading the chart
THINK_CASES = (THINK_S, 0.0)  # what `make bench` runs: a meeting's pace, then no pause at all
TIME_LIMIT_S = 600.0  # no new filter change starts after this
STEP_TIMEOUT_S = 120.0  # a longer page load or rerun is an error, and its session stops
STREAM_PATH = "/_stcore/stream"
# The frontend offers "streamlit" first (then its XSRF token and a session to resume, neither of
# which a fresh session without cookies needs); the server accepts whatever comes first.
SUBPROTOCOL = "streamlit"


IDLE_CPU_S = 0.05  # the server is idle when it uses less CPU than this in a second
WARM_TIMEOUT_S = 900.0


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warm_s: float = 0.0  # how long the server took to warm its page cache before the sessions


def _cpu_s(pid: int) -> float:
    """The process's CPU time so far (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_idle(pid: int) -> float:
    """Seconds until the server has finished warming its page cache (dashboard/web.py warm_up):
    the meeting starts on a server that has been up a while, as in real use."""
    started = time.monotonic()
    before = _cpu_s(pid)
    while time.monotonic() - started < WARM_TIMEOUT_S:
        time.sleep(1.0)
        now = _cpu_s(pid)
        if now - before < IDLE_CPU_S:
            return time.monotonic() - started
        before = now
    raise TimeoutError(f"the server was still busy after {WARM_TIMEOUT_S:.0f} s")


@dataclass
class Box:
    """A select box as the browser holds it: what the server offered and what is chosen now."""

    id: str
    label: str
    options: list[str]
    default: str | None  # the option chosen when nothing else is
    param: str  # the query parameter it is bound to ("" if none)
    value: str | None


class Tab:
    """One browser tab as the server sees it: a websocket, an address bar and the select boxes.

    The tab does what the frontend does with what matters to the server: it sends its page, its
    query string and its widget values with every rerun, writes a bound filter's value into the
    query string when it changes, takes the query string the server writes, and holds each select
    box's value between runs. It advertises no cached messages, so the server sends every element
    in full and never a reference."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.query_string = ""
        self.page_hash = ""  # the page st.navigation ran, by hash, as the frontend keeps it
        self.page_path = ""  # and by its URL path ("" for the default page)
        self.boxes: dict[str, Box] = {}  # by widget id, as the last finished run left them

    def box(self, label: str) -> Box | None:
        return next((b for b in self.boxes.values() if b.label == label), None)

    async def open(self, page: str) -> list[str]:
        """Ask for a page by its URL path, as a browser's first request after following a link."""
        return await self._run(ClientState(query_string=self.query_string, page_name=page))

    async def choose(self, box: Box, value: str) -> list[str]:
        """Pick `value` in `box` and wait for the rerun it causes; the problems the page showed."""
        box.value = value
        if box.param:
            self.query_string = _with_param(self.query_string, box.param, value, box.default)
        state = ClientState(query_string=self.query_string, page_script_hash=self.page_hash)
        # Every select box's current value, as the frontend sends all its widgets' values. Other
        # widgets keep the values the server holds for them: it merges what a rerun sends.
        state.widget_states.widgets.extend(
            WidgetState(id=b.id, string_value=b.value)
            for b in self.boxes.values()
            if b.value is not None
        )
        return await self._run(state)

    async def _run(self, state: ClientState) -> list[str]:
        await self.ws.send(BackMsg(rerun_script=state).SerializeToString())
        async with asyncio.timeout(STEP_TIMEOUT_S):
            return await self._until_finished()

    async def _until_finished(self) -> list[str]:
        """Read messages until the requested run finishes; what it showed that a person would
        call broken. A run cut short by a rerun the script asked for is not the end: its
        successor's finish is."""
        problems: list[str] = []
        boxes: dict[str, Box] = {}
        started = False  # a new_session after our request: its finish is ours, not an earlier one
        while True:
            msg = ForwardMsg.FromString(await self.ws.recv(decode=False))
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                started, boxes = True, {}
            elif kind == "navigation":
                self._read_navigation(msg.navigation)
            elif kind == "delta":
                problems.extend(self._read_delta(msg.delta, boxes))
            elif kind == "page_info_changed":  # the address bar of the filters bound to the URL
                self.query_string = msg.page_info_changed.query_string
            elif kind == "page_not_found":
                problems.append(f"page not found: {msg.page_not_found.page_name!r}")
            elif kind == "session_event" and msg.session_event.HasField(
                "script_compilation_exception"
            ):
                problems.append(_describe(msg.session_event.script_compilation_exception))
            elif (
                kind == "script_finished"
                and started
                and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
            ):
                self.boxes = boxes
                return problems

    def _read_navigation(self, navigation: Navigation) -> None:
        """The page the run showed. With st.navigation, new_session names only the main script
        (app.py); the page's own hash, which the next rerun must send to stay on the page,
        arrives here, as the frontend reads it."""
        self.page_hash = navigation.page_script_hash
        self.page_path = next(
            (p.url_pathname for p in navigation.app_pages if p.page_script_hash == self.page_hash),
            "",
        )

    def _read_delta(self, delta: Delta, boxes: dict[str, Box]) -> list[str]:
        """Note a select box the run drew, keeping the value this tab holds for it unless the
        server sets one, as the frontend does; an exception element is a problem shown."""
        if delta.WhichOneof("type") != "new_element":
            return []
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            return [_describe(element.exception)]
        if kind == "selectbox":
            proto = element.selectbox
            options = list(proto.options)
            default = options[proto.default] if proto.HasField("default") else None
            held = self.boxes.get(proto.id)
            if proto.set_value:
                value = proto.raw_value if proto.HasField("raw_value") else None
            else:
                value = default if held is None else held.value
            param = proto.query_param_key
            boxes[proto.id] = Box(proto.id, proto.label, options, default, param, value)
        return []


def _describe(exception: ExceptionProto) -> str:
    shown = "a warning" if exception.is_warning else "an exception"
    return f"{shown} is shown: {exception.type}: {exception.message[:200]}"


def _with_param(query_string: str, param: str, value: str, default: str | None) -> str:
    """The address bar after a bound filter changes: its parameter holds the new value, or is
    gone when the value is the filter's default, as the frontend writes it."""
    kept = [(k, v) for k, v in parse_qsl(query_string, keep_blank_values=True) if k != param]
    return urlencode(kept if value == default else [*kept, (param, value)])


def _stream_url(url: str) -> str:
    return url.replace("http://", "ws://", 1) + STREAM_PATH


async def _think(rng: random.Random, think_s: float) -> None:
    """A person reading the chart before the next change: uniform in [0.5, 1.5] × think_s."""
    await asyncio.sleep(rng.uniform(0.5 * think_s, 1.5 * think_s))


async def _change_localities(tab: Tab, page: str, number: int, choices: list[str],
                             iterations: int, think_s: float, deadline: float,
                             out: Results) -> None:  # fmt: skip
    """Change the Locality box `iterations` times, each time to another of `choices` picked by
    the session's own seeded generator, so sessions on one page do not all ask for the same view
    (which the app's cache would answer once for all)."""
    label = t("web.locality")
    rng = random.Random(number)
    for i in range(iterations):
        if i:
            await _think(rng, think_s)
        if time.monotonic() > deadline:
            return
        box = tab.box(label)
        assert box is not None  # _wrong_view found it after the previous run
        others = [c for c in choices if c != box.value] or choices
        value = rng.choice(others)
        if value not in box.options:
            out.errors.append(f"{page}: {value!r} is not offered in the {label} box")
            return
        started = time.perf_counter()
        problems = await tab.choose(box, value)
        out.latencies.append(time.perf_counter() - started)
        out.errors.extend(f"{page}: {p}" for p in problems)
        wrong = _wrong_view(tab, page, label, value)
        if wrong:
            out.errors.append(f"{page}: {wrong}")
            return


def _wrong_view(tab: Tab, page: str, label: str, value: str | None) -> str | None:
    """What is not as asked after a run: another page, or the box gone or showing another value.
    A rerun that lands elsewhere would time a different page, so it is an error, not a latency."""
    if tab.page_path != page:
        return f"the app shows page {tab.page_path!r}, not {page!r}"
    box = tab.box(label)
    if box is None:
        return f"no {label} select box"
    if value is not None and box.value != value:
        return f"{label} shows {box.value!r} after choosing {value!r}"
    return None


async def _session(url: str, page: str, number: int, choices: list[str], iterations: int,
                   think_s: float, deadline: float, out: Results) -> None:  # fmt: skip
    """One person: open the page, then change the locality. A failure stops the session and is
    counted, as a person would give up on a page that errs or hangs."""
    # A browser sends no pings of its own (it answers the server's, as this client does), and a
    # page's elements (tables, maps) can exceed the websocket library's 1 MiB default.
    try:
        async with connect(
            _stream_url(url), subprotocols=[SUBPROTOCOL], max_size=None, ping_interval=None
        ) as ws:
            tab = Tab(ws)
            problems = await tab.open(page)
            out.errors.extend(f"{page}: {p}" for p in problems)
            wrong = _wrong_view(tab, page, t("web.locality"), None)
            if wrong:
                out.errors.append(f"{page}: {wrong}")
                return
            await _change_localities(tab, page, number, choices, iterations, think_s, deadline, out)
    except TimeoutError:
        out.errors.append(f"{page}: no script_finished within {STEP_TIMEOUT_S:.0f} s")
    except Exception as exc:  # noqa: BLE001 - a failed session is a finding, counted
        out.errors.append(f"{page}: {type(exc).__name__}: {str(exc)[:200]}")


async def _drive(url: str, pages: list[str], choices: list[str], sessions: int, iterations: int,
                 think_s: float, time_limit: float) -> Results:  # fmt: skip
    out = Results()
    deadline = time.monotonic() + time_limit
    await asyncio.gather(*(
        _session(url, pages[n % len(pages)], n, choices, iterations, think_s, deadline, out)
        for n in range(sessions)
    ))  # fmt: skip
    return out


def run_sessions(
    settings_file: Path,
    localities: list[str],
    *,
    sessions: int = SESSIONS,
    iterations: int = ITERATIONS,
    time_limit: float = TIME_LIMIT_S,
    think_s: float = THINK_S,
) -> Results:
    """Serve the app with `settings_file` on loopback and drive `sessions` protocol sessions at
    once, spread over every page but home, each changing the locality `iterations` times with a
    pause around `think_s` between changes (0: no pause, the stress case)."""
    pages = [e.url_path for e in PAGE_ENTRIES if e.url_path != "overview"]
    choices = [t("web.all"), *localities]
    with serve(settings_file) as url:
        warm_s = wait_until_idle(url.pid)
        out = asyncio.run(_drive(url, pages, choices, sessions, iterations, think_s, time_limit))
    out.warm_s = warm_s
    return out
