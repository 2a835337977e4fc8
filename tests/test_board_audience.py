"""Every page's figures for a board: each count column went through disclosure control, no count from
1 to the threshold − 1 is shown, and nobody's own words appear, on an export with small numbers."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard.app.navigation import PAGE_NAMES, builder
from dashboard.core.disclosure import flag
from dashboard.core.page import View
from dashboard.core.settings import Settings
from dashboard.extract.export import open_export
from tests.builders import write_export
from tests.tiny import BASE, EXTRACT, tables

# Integer columns that are codes, years or sizes of places, not counts of people or records.
NOT_COUNTS = {
    "national_outcome", "sds_option", "deprivation_decile", "urban_rural", "year", "p",
    "population", "population_65plus", "areas", "zones", "quarter", "month", "providers",
    "quality_grade", "rank", "segment", "index", "order", "zones_below_floor", "non_contiguous",
    "areas_in_no_zone", "comparators", "fewest_providers",  # comparators: how many peers
}  # fmt: skip


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    root = tmp_path_factory.mktemp("board")
    return open_export(write_export(root / "e", tables(), EXTRACT), Settings(cache_dir=root / "c"))


@pytest.mark.parametrize("name", list(PAGE_NAMES))
def test_board_pages_show_no_small_count_and_no_free_text(export, name):
    settings = Settings(audience="board")
    page = builder(name)(export, settings, View("Home", "2025/26"))
    texts = {o["outcome_text"] for o in BASE["personal_outcomes"]}
    for table_name, df in page.tables.items():
        assert "outcome_text" not in df.columns, (name, table_name)
        for column, dtype in df.schema.items():
            if column.endswith("__suppressed") or column in NOT_COUNTS or not dtype.is_integer():
                continue
            assert flag(column) in df.columns, f"{name}.{table_name}.{column} is not protected"
            shown = df.filter(~pl.col(flag(column)))[column].drop_nulls()
            assert not shown.filter((shown > 0) & (shown < 5)).len(), (name, table_name, column)
        for column, dtype in df.schema.items():
            if dtype == pl.Utf8:
                assert not set(df[column].drop_nulls()) & texts, (name, table_name, column)
    for sentence in page.sentences:
        assert not any(text in sentence for text in texts), name
