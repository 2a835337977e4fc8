"""The command line of spec/cli.md on a tiny export: shapes, exit codes, and the board audience."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from dashboard.cli import main
from tests.builders import write_export
from tests.tiny import BASE, EXTRACT, PLAN, tables

INDICATOR_IDS = [
    "no1_attainment", "no2_attainment", "no2_intensive_at_home", "no3_attainment",
    "no3_choice_control", "no4_attainment", "no5_deprivation_gap", "no6_attainment",
    "no7_attainment", "no8_graded_good", "no8_staffing_handbacks", "no9_budget_utilisation",
    "no9_on_contract_spend",
]  # fmt: skip


@pytest.fixture
def cli(tmp_path, capsys):
    settings = tmp_path / "settings.toml"
    settings.write_text(f'[data]\ncache_dir = "{tmp_path / "cache"}"\n')
    env = {"DASHBOARD_SETTINGS": str(settings)}

    def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            code = main(list(args), env)
        finally:
            sys.stdin = sys.__stdin__
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def export(tmp_path) -> Path:
    return write_export(tmp_path / "export", tables(), EXTRACT)


def test_figures_json_shape(cli, export):
    code, out, _ = cli("figures", "--data", str(export), "--period", "2025/26", "--audience",
                       "internal", "--json")  # fmt: skip
    assert code == 0
    payload = json.loads(out)
    assert (payload["partnership"], payload["period"], payload["as_at"], payload["audience"]) == (
        "Home",
        "2025/26",
        "2026-03-31",
        "internal",
    )
    # Two outcomes, both reviewed on 2025-07-01: O1 met, O2 partly met.
    overall = payload["attainment"]["overall"]
    assert (overall["met"], overall["partly_met"], overall["denominator"]) == (1, 1, 2)
    assert overall["rate"] == 0.5 and overall["partly_met_rate"] == 0.5
    assert [i["id"] for i in payload["indicators"]] == INDICATOR_IDS
    assert set(payload["review_coverage"]) >= {"reviewed", "due", "rate"}


def test_figures_for_a_board_hide_small_counts(cli, export):
    code, out, _ = cli("figures", "--data", str(export), "--period", "2025/26", "--json")
    payload = json.loads(out)
    assert payload["audience"] == "board"
    overall = payload["attainment"]["overall"]
    assert overall["met"] is None and overall["suppressed"] is True


def test_figures_exit_1_when_rows_were_set_aside(cli, tmp_path):
    broken = tables(support_plans=BASE["support_plans"] + [dict(PLAN, plan_id="S9", person_id="X")])
    folder = write_export(tmp_path / "broken", broken, EXTRACT)
    code, out, _ = cli("figures", "--data", str(folder), "--period", "2025/26", "--json")
    assert code == 1 and json.loads(out)["partnership"] == "Home"


@pytest.mark.parametrize(
    "args",
    [
        ("figures", "--period", "2025-26"),
        ("figures", "--period", "2025/26", "--partnership", "Elsewhere"),
        ("figures", "--period", "2025/26", "--as-at", "31/03/2026"),
        ("zones", "summary", "--as-at", "2026-03-31", "--option", "/nonexistent.csv"),
        ("page", "no-such-page", "--period", "2025/26"),
    ],
)
def test_bad_options_exit_2_with_one_line(cli, export, args):
    code, out, err = cli(*args, "--data", str(export))
    assert code == 2 and out == ""
    assert err.startswith("dashboard:") and "Traceback" not in err


def test_spc_reads_stdin(cli):
    code, out, _ = cli("spc", stdin=json.dumps({"values": [1, 2, 3, 2, 1], "options": {}}))
    assert code == 0
    result = json.loads(out)
    # centre 9/5; moving ranges 1,1,1,1 → mean 1; limits 1.8 ± 2.66
    assert result["centre"] == pytest.approx(1.8) and result["mean_mr"] == pytest.approx(1.0)
    assert result["upl"] == pytest.approx(4.46) and result["assurance"] is None


def test_spc_bad_input_exit_2(cli):
    code, _, err = cli("spc", stdin="not json")
    assert code == 2 and "JSON" in err
    code, _, err = cli("spc", stdin=json.dumps({"values": [1, "x"]}))
    assert code == 2


def test_zones_summary_of_todays_lots(cli, export):
    code, out, _ = cli("zones", "summary", "--data", str(export), "--as-at", "2026-03-31",
                       "--audience", "internal", "--json")  # fmt: skip
    payload = json.loads(out)
    assert code == 0 and [z["zone"] for z in payload["zones"]] == ["L1"]
    # S1 (P1, 10 h, option 3) and S2 (P2, 10 h) are active home care; S3 is a direct payment.
    zone = payload["zones"][0]
    assert (zone["people"], zone["weekly_hours"]) == (2, 20.0)
    code, out, _ = cli("zones", "summary", "--data", str(export), "--as-at", "2026-03-31", "--json")
    assert json.loads(out)["zones"][0]["people"] is None  # 2 people: hidden from a board


def test_zones_design_writes_an_option(cli, export, tmp_path):
    out_file = tmp_path / "option.csv"
    code, _, err = cli("zones", "design", "--data", str(export), "--as-at", "2026-03-31",
                       "--zones", "1", "--floor", "0", "--out", str(out_file))  # fmt: skip
    assert code == 0, err
    assert out_file.read_text().splitlines()[0] == "area_code,zone"


def test_page_list_and_json(cli, export, tmp_path):
    code, out, _ = cli("page", "--list", "--json")
    assert code == 0 and "data-quality" in json.loads(out)
    code, out, _ = cli("page", "data-quality", "--data", str(export), "--period", "2025/26",
                       "--csv", str(tmp_path / "csv"))  # fmt: skip
    assert code == 0 and (tmp_path / "csv" / "tables.csv").is_file() and out == ""
    code, out, _ = cli(
        "page", "data-quality", "--data", str(export), "--period", "2025/26", "--json"
    )
    assert json.loads(out)["page"] == "data-quality"
    code, _, err = cli("page", "data-quality", "--data", str(export), "--period", "2025/26",
                       "--csv", str(export / "out"))  # fmt: skip
    assert code == 2 and "never written" in err


@pytest.mark.parametrize(
    "args",
    [
        ("figures", "--period", "9999/00"),
        ("figures", "--period", "2025/26", "--as-at", "0001-01-01"),
        ("emerging", "--as-at", "0001-01-01"),
        ("zones", "summary", "--as-at", "9999-12-31"),
        ("review", "--period", "0001-01"),
        ("board-pack", "--period", "9999/00", "--out", "/tmp/never.html"),
        ("page", "spend", "--period", "9999/00 Q4"),
    ],
    ids=["year-9999", "as-at-year-one", "emerging-year-one", "zones-9999", "review-month-one",
         "pack-9999", "page-9999-q4"],
)  # fmt: skip
def test_period_or_as_at_out_of_range_exits_2_naming_it(cli, export, args):
    code, out, err = cli(*args, "--data", str(export))
    assert code == 2 and out == ""
    assert err.startswith("dashboard:") and "out of range" in err and "Traceback" not in err


def test_zones_design_refuses_a_floor_it_cannot_meet_and_locks_it_cannot_keep(
    cli, export, tmp_path, monkeypatch
):
    # Issue 27: a floor missed, or a lock leaving no free area, was answered with exit 0.
    from dataclasses import replace

    from dashboard.zones import design

    out_file = tmp_path / "option.csv"
    real = design.design_option
    # The two areas carry 10 h each; pretend the search found no option meeting a floor of 10 h.
    monkeypatch.setattr(design, "design_option", lambda *a, **k: replace(
        real(*a, **k), floor_met=False, smallest_hours=9.5))  # fmt: skip
    code, _, err = cli("zones", "design", "--data", str(export), "--as-at", "2026-03-31",
                       "--zones", "2", "--floor", "10", "--out", str(out_file))  # fmt: skip
    assert code == 2 and not out_file.exists()
    assert "floor of 10.0 weekly hours: the best found has a smallest zone of 9.5 hours" in err
    monkeypatch.setattr(design, "design_option", real)
    lock = tmp_path / "lock.csv"
    lock.write_text("area_code,zone\nA1,A\nA2,A\n")
    code, _, err = cli("zones", "design", "--data", str(export), "--as-at", "2026-03-31",
                       "--zones", "2", "--floor", "0", "--lock", str(lock), "--out", str(out_file))  # fmt: skip
    assert code == 2 and "0 free areas" in err and not out_file.exists()
