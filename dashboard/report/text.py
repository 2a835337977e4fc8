"""Readable text versions of command-line results, for people reading a terminal."""

from __future__ import annotations

from dashboard.core.strings import t


def validation_text(report: dict) -> str:
    lines = [t("validate.heading", data=report["data"], extract_date=report["extract_date"])]
    for table, summary in report["tables"].items():
        lines.append(t("validate.table_line", table=table, **summary))
    for name in report["absent"]:
        lines.append(t("validate.absent", table=name))
    for item in report["unusable"]:
        lines.append(t("validate.unusable", **item))
    for error in report["errors"]:
        lines.append(t("validate.error", **{**error, "examples": ", ".join(error["examples"])}))
    if not report["errors"] and not report["unusable"]:
        lines.append(t("validate.clean"))
    return "\n".join(lines) + "\n"


def _pct(value: float | None) -> str:
    return t("text.suppressed_or_none") if value is None else f"{value:.1%}"


def figures_text(payload: dict) -> str:
    overall = payload["attainment"]["overall"]
    lines = [
        t("text.figures_heading", **{k: payload[k] for k in ("partnership", "period", "as_at", "audience")}),
        t("text.attainment", rate=_pct(overall["rate"]), met=overall["met"], denominator=overall["denominator"]),
        t("text.coverage", rate=_pct(payload["review_coverage"]["rate"]), **{
            k: payload["review_coverage"][k] for k in ("reviewed", "due")}),
    ]  # fmt: skip
    for ind in payload["indicators"]:
        value = ind["value"]
        shown = t("text.suppressed_or_none") if value is None else f"{value:.3f}"
        lines.append(t("text.indicator", id=ind["id"], value=shown))
    return "\n".join(lines) + "\n"


def zones_text(payload: dict) -> str:
    lines = [t("text.zones_heading", as_at=payload["as_at"])]
    for zone in payload["zones"]:
        lines.append(
            t("text.zone", zone=zone["zone"], hours=zone["weekly_hours"], areas=zone["areas"])
        )
    option = payload["option"]
    lines.append(t("text.option", zones=option["zones"], cv=option["cv_hours"]))
    return "\n".join(lines) + "\n"


def emerging_text(payload: dict) -> str:
    lines = [t("text.emerging_heading", as_at=payload["as_at"], n=len(payload["signals"]))]
    for signal in payload["signals"]:
        group = signal.get("client_group") or signal.get("domain")
        ratio = "–" if signal["rate_ratio"] is None else f"{signal['rate_ratio']:.2f}"
        lines.append(t("text.signal", locality=signal["locality"], group=group,
                       measure=signal["measure"], ratio=ratio, reason=signal["reason"]))  # fmt: skip
    lines.append(t("emerging.watch_text", n=len(payload.get("watch", []))))
    for signal in payload.get("watch", []):
        group = signal.get("client_group") or signal.get("domain")
        ratio = "–" if signal["rate_ratio"] is None else f"{signal['rate_ratio']:.2f}"
        lines.append(t("text.signal", locality=signal["locality"], group=group,
                       measure=signal["measure"], ratio=ratio, reason="watch"))  # fmt: skip
    return "\n".join(lines) + "\n"
