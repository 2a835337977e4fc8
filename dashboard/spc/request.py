"""The `dashboard spc` command (spec/cli.md): a JSON request checked option by option, so a bad
value is a message naming the option and what was received, and the result in the cli.md shape."""

from __future__ import annotations

import json
import math
from typing import Any

from dashboard.core.errors import UserError
from dashboard.core.strings import t
from dashboard.spc.icons import assurance_icon, variation_icon
from dashboard.spc.xmr import DIRECTIONS, LIMIT_FIELDS, Annotation, SpcResult, xmr

OPTION_NAMES = (
    "baseline_n",
    "direction",
    "target",
    "trend_len",
    "run_len",
    "rebase_at",
    "provisional",
    "annotations",
)


def _received(value: object) -> str:
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _is_number(value: object) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _is_count(value: object, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _option(name: str, value: object, n: int) -> Any:
    """One option checked; a bad value is a UserError naming the option and what was received."""
    ok = {
        "baseline_n": lambda v: v is None or _is_count(v, 2),
        "direction": lambda v: v in DIRECTIONS,
        "target": lambda v: v is None or _is_number(v),
        "trend_len": lambda v: _is_count(v, 2),
        "run_len": lambda v: _is_count(v, 2),
        "rebase_at": lambda v: isinstance(v, list) and all(_is_count(i, 0) and i < n for i in v),
        "provisional": lambda v: (
            v is None
            or (isinstance(v, list) and len(v) == n and all(isinstance(f, bool) for f in v))
        ),
        "annotations": lambda v: isinstance(v, list) and all(_annotation(a) for a in v),
    }[name](value)
    if not ok:
        expected = t(f"spc.expect_{name}", n=n)
        raise UserError(
            t("spc.bad_option", name=name, expected=expected, received=_received(value))
        )
    if name == "annotations":
        return [_annotation(a) for a in value]
    return value


def _annotation(raw: object) -> Annotation | None:
    """{"index": int, "text": str} or {"date": "YYYY-MM-DD", "text": str}; None when neither."""
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or len(raw) != 2:
        return None
    if _is_count(raw.get("index"), 0):
        return Annotation(raw["index"], raw["text"])
    if isinstance(raw.get("date"), str):
        return Annotation(raw["date"], raw["text"])
    return None


def run_request(payload: object) -> dict[str, Any]:
    """`dashboard spc`: `{"values": [...], "options": {...}}` in, the cli.md JSON out."""
    if (
        not isinstance(payload, dict)
        or "values" not in payload
        or set(payload) - {"values", "options"}
    ):
        raise UserError(t("spc.bad_payload", received=_received(payload)))
    values = payload["values"]
    if not isinstance(values, list):
        raise UserError(t("spc.bad_values", received=_received(values)))
    for i, v in enumerate(values):
        if not _is_number(v):
            raise UserError(t("spc.bad_value", index=i, received=_received(v)))
    options = {} if payload.get("options") is None else payload["options"]
    if not isinstance(options, dict):
        raise UserError(t("spc.bad_options", received=_received(options)))
    unknown = sorted(set(options) - set(OPTION_NAMES))
    if unknown:
        raise UserError(t("spc.unknown_option", name=unknown[0], known=", ".join(OPTION_NAMES)))
    kwargs = {name: _option(name, value, len(values)) for name, value in options.items()}
    return to_json(xmr(values, **kwargs))


def to_json(result: SpcResult) -> dict[str, Any]:
    """The cli.md `spc` shape, plus segments, warnings, annotations and icon names."""
    last = result.last
    out: dict[str, Any] = {key: getattr(last, key) if last else None for key in LIMIT_FIELDS}
    out["points"] = result.points.select(
        "index", "value", "type", "variation", "segment", "provisional"
    ).to_dicts()
    out["assurance"] = result.assurance
    out["segments"] = [
        {"start": s.start, "points": s.stop - s.start, "baseline_points": s.baseline_points}
        | {key: getattr(s, key) for key in LIMIT_FIELDS}
        for s in result.segments
    ]
    out["warnings"] = [
        {"kind": w.kind, "segment": w.segment, "start": w.start, "points": w.points}
        | {"message": w.message}
        for w in result.warnings
    ]
    out["annotations"] = [
        {"index" if isinstance(a.at, int) else "date": a.at, "text": a.text}
        for a in result.annotations
    ]
    out["variation_icon"] = variation_icon(result)
    out["assurance_icon"] = assurance_icon(result)
    return out
