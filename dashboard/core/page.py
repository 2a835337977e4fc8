"""What every page builder takes and returns: the view (partnership, period, filters) and the
protected figures of one page.

A page function takes the opened export, the settings and the view (partnership, period, filters)
and returns a `PageData`: named tables already through disclosure control, the sentences to show,
and any chart results. The Streamlit page draws it; `dashboard page NAME` prints it. So the app, the
command line and the tests all see the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import polars as pl

from dashboard.core import disclosure
from dashboard.core.periods import Period, parse_period
from dashboard.core.settings import Settings

if TYPE_CHECKING:
    from dashboard.extract.export import Export


@dataclass(frozen=True)
class Filters:
    """A slice of the population; None = everyone. Person filters (locality, client group) are of
    the person's area and record; plan filters (service type, SDS option) of the figure's plan."""

    locality: str | None = None
    client_group: str | None = None
    service_type: str | None = None
    sds_option: int | None = None

    def params(self) -> dict[str, str | int | None]:
        return asdict(self)


NO_FILTERS = Filters()


@dataclass(frozen=True)
class View:
    partnership: str
    period: str
    filters: Filters = Filters()

    @property
    def p(self) -> Period:
        return parse_period(self.period)


@dataclass
class PageData:
    """What every page shows and the command line prints: named tables already through disclosure
    control, the sentences, and the definitions behind them. A page that draws charts or maps
    returns a subclass declared beside its builder, with a typed field for each (built from the
    protected figures only), so a reader follows a chart from the page to its builder by name."""

    name: str
    view: View
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)  # protected
    sentences: list[str] = field(default_factory=list)
    definitions: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "page": self.name,
            "partnership": self.view.partnership,
            "period": self.view.period,
            "filters": {k: v for k, v in self.view.filters.params().items() if v is not None},
            "sentences": self.sentences,
            "tables": {name: disclosure.to_records(df) for name, df in self.tables.items()},
        }


# What every page builder is: `build(export, settings, view)` in its page's module (app/navigation.py).
Builder = Callable[["Export", Settings, View], PageData]


def whole_partnership(fn: Callable) -> Callable:
    """Marks a page function whose figures cover the whole partnership whatever the side bar's
    filters say, so the app caches it without them and a filter change does not recompute it."""
    fn.uses_filters = False
    return fn


def policy_for(settings: Settings) -> disclosure.Policy:
    return disclosure.Policy(
        audience=settings.audience,
        threshold=settings.disclosure_threshold,
        method=settings.disclosure_method,
        name_providers=settings.name_providers,
    )
