"""Downloads: only protected frames leave for a board, `*` marks hidden cells, and the Excel file
carries its definitions and the disclosure rule. The .xlsx is read back from its XML (openpyxl is
not installed)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from xml.etree import ElementTree

import polars as pl
import pytest

from dashboard.app.downloads import csv_bytes, excel_bytes, require_protected
from dashboard.core.disclosure import Policy, protect

BOARD = Policy()
INTERNAL = Policy(audience="internal")
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def figures() -> pl.DataFrame:
    # A: 47 met of 50 -> complement 3 -> 47 and the rate hidden; B: 12 of 20 all shown
    return pl.DataFrame(
        {
            "locality": ["A", "B"],
            "met": [47, 12],
            "reviewed": [50, 20],
            "rate": [0.94, 0.6],
            "as_at": [date(2025, 3, 31)] * 2,
        }
    )


def protected(policy: Policy = BOARD) -> pl.DataFrame:
    return protect(figures(), policy, counts=[], rates={"rate": ("met", "reviewed")})


def test_csv_of_protected_frame() -> None:
    lines = csv_bytes(protected(), BOARD).decode().splitlines()
    assert lines == [
        "locality,met,reviewed,rate,as_at",
        "A,*,50,*,2025-03-31",
        "B,12,20,0.6,2025-03-31",
    ]


def test_board_download_refuses_unprotected_frames() -> None:
    with pytest.raises(ValueError, match="flag columns"):
        csv_bytes(figures(), BOARD)
    # protected for internal (exact, flags all false) then offered to a board: 47/50 is fine but
    # a small count would show, so use 3 of 20
    internal = protect(
        figures().with_columns(met=pl.Series([3, 12])),
        INTERNAL,
        counts=[],
        rates={"rate": ("met", "reviewed")},
    )
    with pytest.raises(ValueError, match="would hide"):
        csv_bytes(internal, BOARD)
    with pytest.raises(ValueError, match="free text"):
        require_protected(protected().with_columns(outcome_text=pl.lit("x")), BOARD)
    assert csv_bytes(figures(), INTERNAL).startswith(b"locality,met")


def test_round5_download_checks_multiples_of_five() -> None:
    rounded = protect(figures(), Policy(method="round5"), counts=["met", "reviewed"])
    require_protected(rounded, Policy(method="round5"))  # 45, 10, 50, 20: all multiples of 5
    with pytest.raises(ValueError, match="round5"):
        require_protected(protected(INTERNAL), Policy(method="round5"))  # 47 and 12 exact


def sheet_cells(xlsx: bytes, sheet: int) -> dict[str, str]:
    """Cell reference -> text (shared strings resolved, numbers as written)."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        shared = [
            "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
            for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS)
        ]
        root = ElementTree.fromstring(z.read(f"xl/worksheets/sheet{sheet}.xml"))
    cells = {}
    for c in root.iter(f"{{{NS['m']}}}c"):
        v = c.find("m:v", NS)
        if v is not None:
            cells[c.get("r")] = shared[int(v.text)] if c.get("t") == "s" else v.text
    return cells


def sheet_names(xlsx: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())


def test_excel_sheets_stars_and_definitions() -> None:
    definitions = [("Outcome attainment rate", "met ÷ reviewed, latest review in the period")]
    xlsx = excel_bytes({"Attainment: localities": protected()}, BOARD, definitions)
    assert sheet_names(xlsx) == ["Attainment_ localities", "Definitions"]
    cells = sheet_cells(xlsx, 1)
    # header row, then A: *, 50, *; B: 12, 20, 0.6; the date as an Excel serial (2025-03-31 = 45747)
    assert [cells[r] for r in ("A1", "B1", "C1", "D1", "E1")] == [
        "locality",
        "met",
        "reviewed",
        "rate",
        "as_at",
    ]
    assert [cells[r] for r in ("A2", "B2", "C2", "D2", "E2")] == ["A", "*", "50", "*", "45747"]
    assert [cells[r] for r in ("B3", "C3", "D3")] == ["12", "20", "0.6"]
    assert "F1" not in cells  # flag columns are not written
    defs = sheet_cells(xlsx, 2)
    assert (defs["A2"], defs["B2"]) == definitions[0]
    assert defs["A3"] == "Disclosure control"
    assert defs["B3"].startswith("Counts from 1 to 4 are hidden and shown as *")


def test_excel_refuses_unprotected_and_clashing_names() -> None:
    with pytest.raises(ValueError, match="flag columns"):
        excel_bytes({"t": figures()}, BOARD, [])
    with pytest.raises(ValueError, match="clash"):
        excel_bytes({"a/b": protected(), "a:b": protected()}, BOARD, [])


def test_excel_internal_states_figures_are_exact() -> None:
    xlsx = excel_bytes({"t": figures()}, INTERNAL, [])
    assert sheet_cells(xlsx, 1)["B2"] == "47"
    assert sheet_cells(xlsx, 2)["B2"].startswith("Internal figures: exact")
