"""The `dashboard spc` request and JSON, the board sentence, the icons and the chart."""

from __future__ import annotations

import pytest

from dashboard.core.errors import UserError
from dashboard.spc.chart import spc_figure
from dashboard.spc.icons import ICON_NAMES, assurance_icon, colour, svg, variation_icon
from dashboard.spc.request import run_request
from dashboard.spc.xmr import Annotation, reading, xmr

BASE = [12, 10, 12, 10, 12, 10]  # centre 11, mean MR 2, limits 5.68 / 16.32, near 7.4533 / 14.5467


def test_run_request_gives_the_cli_shape():
    # 10,12,10,12: centre 11, MRs 2,2,2 -> mean MR 2; 2.66 × 2 = 5.32; 1.773333 × 2 = 3.546667.
    out = run_request(
        {"values": [10, 12, 10, 12], "options": {"direction": "increase", "target": 17}}
    )
    assert out["centre"] == 11 and out["mean_mr"] == 2
    assert (out["lpl"], out["upl"]) == (pytest.approx(5.68), pytest.approx(16.32))
    assert (out["lower_near"], out["upper_near"]) == (
        pytest.approx(11 - 3.546667),
        pytest.approx(11 + 3.546667),
    )
    assert out["points"][1] == {
        "index": 1,
        "value": 12.0,
        "type": "common_cause",
        "variation": "common_cause",
        "segment": 0,
        "provisional": False,
    }
    assert out["assurance"] == "consistently_fails"  # 17 above the UPL, higher is better
    assert out["assurance_icon"] == "fail" and out["variation_icon"] == "common_cause"
    assert [w["kind"] for w in out["warnings"]] == ["trial_limits"]


def test_run_request_rebased_lists_segments_and_keeps_the_last_on_top():
    # segment 1 = 20,24,22,26,24: centre 23.2, mean MR 3 (worked in test_spc.py)
    out = run_request(
        {"values": [10, 12, 10, 12, 20, 24, 22, 26, 24], "options": {"rebase_at": [4]}}
    )
    assert [s["start"] for s in out["segments"]] == [0, 4]
    assert out["segments"][0]["centre"] == 11
    assert out["centre"] == pytest.approx(23.2) and out["mean_mr"] == pytest.approx(3)
    assert out["upl"] == out["segments"][1]["upl"]


def test_run_request_with_no_values_or_one_value():
    out = run_request({"values": []})
    assert out["points"] == [] and out["centre"] is None and out["upl"] is None
    out = run_request({"values": [3.5], "options": {"target": 1, "direction": "decrease"}})
    assert out["centre"] == 3.5 and out["upl"] is None and out["assurance"] is None


def test_run_request_takes_annotations_and_provisional_flags():
    out = run_request(
        {
            "values": BASE + [30],
            "options": {
                "provisional": [False] * 6 + [True],
                "annotations": [
                    {"index": 6, "text": "new provider"},
                    {"date": "2025-04-01", "text": "x"},
                ],
            },
        }
    )
    assert out["points"][-1]["type"] == "common_cause" and out["points"][-1]["provisional"]
    assert out["annotations"] == [
        {"index": 6, "text": "new provider"},
        {"date": "2025-04-01", "text": "x"},
    ]


@pytest.mark.parametrize(
    ("payload", "named", "received"),
    [
        ({"values": [1, 2], "options": {"colour": 1}}, "colour", ""),
        ({"values": [1, 2], "options": {"direction": "up"}}, "direction", '"up"'),
        ({"values": [1, 2], "options": {"baseline_n": 1}}, "baseline_n", "1"),
        ({"values": [1, 2], "options": {"baseline_n": 2.5}}, "baseline_n", "2.5"),
        ({"values": [1, 2], "options": {"trend_len": True}}, "trend_len", "true"),
        ({"values": [1, 2], "options": {"run_len": "7"}}, "run_len", '"7"'),
        ({"values": [1, 2], "options": {"target": "high"}}, "target", '"high"'),
        ({"values": [1, 2], "options": {"rebase_at": [2]}}, "rebase_at", "[2]"),
        ({"values": [1, 2], "options": {"rebase_at": 1}}, "rebase_at", "1"),
        ({"values": [1, 2], "options": {"provisional": [True]}}, "provisional", "[true]"),
        ({"values": [1, 2], "options": {"annotations": [{"text": "x"}]}}, "annotations", "x"),
        ({"values": [1, "2"]}, "item 1", '"2"'),
        ({"values": [1, float("nan")]}, "item 1", "NaN"),
        ({"values": [1, True]}, "item 1", "true"),
        ({"values": "1,2"}, "values", '"1,2"'),
        ({"numbers": [1, 2]}, "values", "numbers"),
        ([1, 2], "values", "[1, 2]"),
        ({"values": [1], "options": [1]}, "options", "[1]"),
    ],
)
def test_run_request_rejects_bad_input_naming_it(payload, named, received):
    with pytest.raises(UserError) as caught:
        run_request(payload)
    assert named in str(caught.value) and received in str(caught.value)


def test_reading_covers_each_variation():
    # run of 7 above the centre 11 (see test_spc.py): idx 6-12 = 12,13,12,13,12,13,12
    run = BASE + [12, 13, 12, 13, 12, 13, 12]
    improving = reading(xmr(run, baseline_n=6, direction="increase"), "Attainment", unit="")
    assert improving.startswith("Attainment has been above its average of 11.0")
    assert improving.endswith("for 7 months in a row: improvement.")
    assert reading(xmr(run, baseline_n=6, direction="decrease"), "Handbacks", "").endswith(
        ": concern."
    )
    neutral = reading(xmr(run, baseline_n=6), "Utilisation", "")
    assert "neither good nor bad" in neutral
    # common cause, as a percentage: 0.4,0.6,0.4,0.6: centre 50%, limits 50% ± 2.66 × 20% = -3.2% / 103.2%
    common = reading(xmr([0.4, 0.6, 0.4, 0.6]), "Attainment")
    assert "average of 50.0%" in common and "-3.2% to 103.2%" in common and "no signal" in common
    assert "too few points" in reading(xmr([0.5]), "Attainment")


def test_reading_counts_a_trend_and_names_the_limit():
    # 5,1,2,3,4,5,6,7: centre 33/8 = 4.125; MRs 4,1,1,1,1,1,1 -> 10/7; UPL = 4.125 + 3.8 = 7.925:
    # the last 7 points rise: trend_up, the sentence counts 7.
    assert "risen for 7 months in a row: improvement" in reading(
        xmr([5, 1, 2, 3, 4, 5, 6, 7], direction="increase"), "Attainment", ""
    )
    # 10,11 x5, 10, 40: 40 is above the UPL 15.576667 (see the screening test)
    outside = reading(xmr([10, 11] * 5 + [10, 40], direction="decrease"), "Waits", "", "weeks")
    assert outside == "Waits, at 40.0, is above its upper process limit of 15.6: concern."


def test_variation_and_assurance_icons():
    outside = [10, 11] * 5 + [10, 40]  # last point outside_high
    assert variation_icon(xmr(outside, direction="increase")) == "improvement_high"
    assert variation_icon(xmr(outside, direction="decrease")) == "concern_high"
    assert variation_icon(xmr([40 - v for v in outside], direction="increase")) == "concern_low"
    assert variation_icon(xmr([40 - v for v in outside], direction="decrease")) == "improvement_low"
    assert variation_icon(xmr(outside)) == "neutral_high"
    assert variation_icon(xmr(BASE)) == "common_cause"
    # a provisional last point is skipped: the icon describes the last settled point (40)
    assert variation_icon(xmr(outside + [11], provisional=[False] * 12 + [True])) == "neutral_high"
    assert assurance_icon(xmr(BASE, direction="increase", target=5)) == "pass"
    assert assurance_icon(xmr(BASE, direction="increase", target=11)) == "hit_and_miss"
    assert assurance_icon(xmr(BASE, target=11)) is None


@pytest.mark.parametrize("name", ICON_NAMES)
def test_every_icon_is_an_svg_with_a_title(name):
    drawn = svg(name)
    assert drawn.startswith("<svg") and drawn.endswith("</svg>")
    assert "<title>" in drawn and colour(_kind(name)) in drawn


def _kind(name: str) -> str:
    return {"pass": "improvement", "fail": "concern", "hit_and_miss": "common_cause"}.get(
        name, name.replace("_high", "").replace("_low", "")
    )


def test_figure_for_a_rebased_series_draws_each_segment_apart():
    values = BASE + [20, 24, 22, 26, 30, 20, 22]
    result = xmr(
        values,
        rebase_at=[6],
        direction="increase",
        provisional=[False] * 12 + [True],
        annotations=[Annotation(6, "New provider")],
    )
    fig = spc_figure(result, title="Attainment", y_title="Rate (%)", target=0.5, near_limits=True)
    names = [trace.name for trace in fig.data]
    assert names.count("Value") == 2  # one line piece per segment
    assert names.count("Average") == 2
    assert names.count("Process limits") == 4 and names.count("Near limits (2 sigma)") == 4
    assert "Target" in names and "Provisional (not yet judged)" in names
    centres = [trace.y[0] for trace in fig.data if trace.name == "Average"]
    assert centres == [11, pytest.approx((20 + 24 + 22 + 26 + 30 + 20) / 6)]
    symbols = {trace.marker.symbol for trace in fig.data if trace.mode == "markers"}
    assert len(symbols) == sum(trace.mode == "markers" for trace in fig.data)  # one symbol a class
    assert fig.layout.annotations[0].text == "New provider"
    assert fig.layout.yaxis.title.text == "Rate (%)"
