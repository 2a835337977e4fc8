"""Which library function makes each page's figures: the app, `dashboard page` and the board pack
look pages up here. Entries name `module:function`, imported on first use, so the command line
does not load every page's dependencies to print one."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from dashboard.core.errors import UserError

PAGE_FUNCTIONS: dict[str, str] = {
    "national-outcomes": "dashboard.outcomes.outcome_trends:national_outcomes_page",
    "outcome-trends": "dashboard.outcomes.outcome_trends:outcome_trends_page",
    "board-pack": "dashboard.report.board_pack:board_pack_page",
    "data-quality": "dashboard.quality.data_quality:data_quality",
    "spend": "dashboard.spend.spend:spend_page",
    "emerging-needs": "dashboard.emerging.emerging_needs:emerging_page",
    "contract-review": "dashboard.review.contract_review:contract_review_page",
    "carers": "dashboard.equity.equity:carers_page",
    "equity": "dashboard.equity.equity:equity_page",
    "zone-map": "dashboard.zones.zone_map:zone_map_page",
    "zone-compare": "dashboard.zones.zone_map:zone_compare_page",
}


def page_function(name: str) -> Callable:
    if name not in PAGE_FUNCTIONS:
        raise UserError(f"there is no page '{name}'; the pages are: {', '.join(PAGE_FUNCTIONS)}")
    module, function = PAGE_FUNCTIONS[name].split(":")
    return getattr(import_module(module), function)
