"""The outcome framework as data: national outcomes, local indicators and the domain crosswalk.

It lives in a file (data/framework/scotland.toml) because the crosswalk is a local setting a
partnership can edit, and the outcome statements must be shown word for word.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dashboard.core.contract import DOMAINS
from dashboard.core.errors import UserError
from dashboard.core.settings import DEFAULTS

GOOD_DIRECTIONS = ("up", "down", "towards_zero", "neutral")
# The SPC direction (cli.md `spc` options) for each good direction: a gap's goal is 0, so its
# chart is neutral and its assurance is judged against a target instead.
SPC_DIRECTION = {
    "up": "increase",
    "down": "decrease",
    "towards_zero": "neutral",
    "neutral": "neutral",
}


@dataclass(frozen=True)
class NationalOutcome:
    number: int
    label: str
    statement: str


@dataclass(frozen=True)
class Indicator:
    id: str
    national_outcome: int
    label: str
    unit: str
    good_direction: str

    @property
    def spc_direction(self) -> str:
        return SPC_DIRECTION[self.good_direction]


@dataclass(frozen=True)
class Domain:
    code: str
    label: str
    group: str
    national_outcome: int | None


@dataclass(frozen=True)
class Framework:
    outcomes: tuple[NationalOutcome, ...]
    indicators: tuple[Indicator, ...]
    domains: tuple[Domain, ...]

    @property
    def crosswalk(self) -> dict[str, int]:
        """Domain code -> default national outcome, for outcomes the practitioner did not link."""
        return {d.code: d.national_outcome for d in self.domains if d.national_outcome is not None}

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)


def _check(framework: Framework, path: Path) -> Framework:
    problems = []
    if [o.number for o in framework.outcomes] != list(range(1, 10)):
        problems.append("outcomes must be numbered 1 to 9 in order")
    missing = sorted(set(DOMAINS) - {d.code for d in framework.domains})
    if missing:
        problems.append(f"domains missing: {', '.join(missing)}")
    for d in framework.domains:
        if d.national_outcome is not None and not 1 <= d.national_outcome <= 9:
            problems.append(f"domain {d.code}: national_outcome must be 1-9")
    for i in framework.indicators:
        if i.good_direction not in GOOD_DIRECTIONS:
            problems.append(f"indicator {i.id}: good_direction must be one of {GOOD_DIRECTIONS}")
    if problems:
        raise UserError(f"framework file {path}: " + "; ".join(problems))
    return framework


@cache
def load_framework(path: Path = DEFAULTS.framework_file) -> Framework:
    """Read and check the framework file; a bad file is a UserError naming the problem."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        framework = Framework(
            outcomes=tuple(NationalOutcome(**o) for o in raw["outcomes"]),
            indicators=tuple(Indicator(**i) for i in raw["indicators"]),
            domains=tuple(
                Domain(code, d["label"], d["group"], d.get("national_outcome"))
                for code, d in raw["domains"].items()
            ),
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise UserError(f"framework file {path} cannot be read: {exc}") from None
    return _check(framework, Path(path))
