"""Readable text versions of command-line results, for people reading a terminal."""

from __future__ import annotations

from dashboard.strings import t


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
