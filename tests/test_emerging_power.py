"""Emerging needs, issue 22: the seeded power simulation docs/emerging.md prints (plain Poisson
cells; dashboard/emerging/power.py says how a partnership is drawn)."""

from __future__ import annotations

import pytest

from dashboard.core.settings import DEFAULTS
from dashboard.emerging import power


@pytest.fixture(scope="module")
def table():
    return power.table()


def test_the_new_method_is_at_least_as_strong_at_every_size_and_rise(table):
    for key, old in table["old"]["power"].items():
        assert table["new"]["power"][key] >= old, key
    # the case, a cell of 15 a quarter rising by half: from 0.25 to 0.41 (300 partnerships)
    assert table["old"]["power"][(15.0, 1.5)] == pytest.approx(0.25, abs=0.005)
    assert table["new"]["power"][(15.0, 1.5)] == pytest.approx(0.413, abs=0.005)


def test_false_signals_on_unchanged_data_stay_within_the_false_discovery_rate(table):
    # With nothing changed every signal is false, and BH keeps the chance of any at or below the
    # FDR. The new method's are not lower than the old's: the old wasted part of its 5% on cells
    # that could never be significant (docs/emerging.md, "Power").
    for method in ("old", "new"):
        assert table[method]["false_signals"] <= DEFAULTS.emerging_fdr
    assert table["new"]["false_signals"] - table["old"]["false_signals"] <= 0.01
