"""Independent queries run side by side: DuckDB runs each on its own cursor in its own thread, so a
page that needs several waits for the slowest, not for their sum.

Each call names its query and takes a fresh `cursor()` (a cursor per thread is how one DuckDB
database is shared), so the route of every figure stays readable where it is asked for:

    lines, planned = side_by_side(
        lambda: run(con.cursor(), "spend_lines", ...),
        lambda: run(con.cursor(), "spend_planned", ...),
    )
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def side_by_side(*calls: Callable[[], Any], threads: int | None = None) -> list[Any]:
    """The results of `calls`, in their order, run at once on up to `threads` threads (default:
    one each). More threads than cores only queue, so a caller with many calls may cap them."""
    with ThreadPoolExecutor(max_workers=threads or len(calls)) as pool:
        jobs = [pool.submit(call) for call in calls]
        return [job.result() for job in jobs]
