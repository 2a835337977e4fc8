"""Serve the real app on loopback and drive it with Debian's Chromium through Playwright."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# As the machine notes say: without the background-networking flags Chromium keeps trying the
# internet, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def sample_settings(tmp_path_factory, name: str, extra: str = "") -> Path:
    """A settings file for the app on the embedded sample (made here if `make` has not), its
    cache shared by the browser modules and built before a server starts: a test then times the
    page, not a cache build a loaded machine can stretch past any wait (a cold start has its own
    test, tests/test_cold_start.py). `extra`: more settings lines."""
    from dashboard.core.settings import SAMPLE_DIR, load_settings
    from dashboard.extract.export import open_export
    from dashboard.sample import generate

    root = tmp_path_factory.mktemp(name)
    export = SAMPLE_DIR if (SAMPLE_DIR / "manifest.json").is_file() else root / "export"
    if export != SAMPLE_DIR:
        generate(export)
    cache = tmp_path_factory.getbasetemp() / "browser-cache"
    settings = root / "settings.toml"
    settings.write_text(f'[data]\npath = "{export}"\ncache_dir = "{cache}"\n{extra}')
    open_export(export, load_settings({"DASHBOARD_SETTINGS": str(settings)})).close()
    return settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServedUrl(str):
    """The app's base URL, with the server's process id (the bench watches its CPU time)."""

    pid: int


@contextlib.contextmanager
def serve(
    settings_file: Path,
    timeout: float = 60,
    *,
    address: str | None = "127.0.0.1",
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[ServedUrl]:
    """Run `streamlit run app.py` on a free port until the block ends: on loopback, or with
    `address=None` wherever Streamlit listens by default (as `make run` starts it)."""
    port = free_port()
    env = {**os.environ, "DASHBOARD_SETTINGS": str(settings_file), **(extra_env or {})}
    env.pop("DASHBOARD_DATA", None)
    cmd = [
        sys.executable, "-m", "dashboard.app.serve",
        "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    cmd += ["--server.address", address] if address else []
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    url = ServedUrl(f"http://127.0.0.1:{port}")
    url.pid = proc.pid
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                raise RuntimeError(f"the app did not start:\n{output[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Until Streamlit has finished running the page's script."""
    page.wait_for_selector('h1, [data-testid="stException"]', timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms
    )
    page.wait_for_timeout(500)


def choose(page, label: str, value: str, attempts: int = 3) -> None:
    """Pick `value` in the select box labelled `label`, as a person would: open it, type, Enter.

    A click that lands while Streamlit is still redrawing the box is lost, so it is tried again."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label)
    for _ in range(attempts):
        box.click()
        try:
            page.locator('[role="listbox"]').wait_for(timeout=5_000)
            break
        except Exception:  # noqa: BLE001 - Playwright's timeout: the box did not open; try again
            page.wait_for_timeout(500)
    page.keyboard.type(value)
    page.keyboard.press("Enter")
