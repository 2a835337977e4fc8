"""The export contract (spec/export-contract.md v1) as data.

Validation, the cache database and the sample generator all read this one description, so a change
to the contract is made here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

STRING, INT, FLOAT, DATE, BOOL = "string", "int", "float", "date", "bool"

DUCKDB_TYPES = {STRING: "VARCHAR", INT: "BIGINT", FLOAT: "DOUBLE", DATE: "DATE", BOOL: "BOOLEAN"}

SEXES = ("female", "male", "other", "not_known")
CLIENT_GROUPS = (
    "dementia", "elderly_frail", "learning_disability", "mental_health",
    "physical_sensory_disability", "substance_use", "neurological", "autism", "palliative",
    "unpaid_carer", "other", "not_recorded",
)  # fmt: skip
SERVICE_TYPES = (
    "home_care", "reablement", "personal_assistant", "day_support", "respite", "care_home",
    "telecare", "housing_support", "carer_support", "other",
)  # fmt: skip
END_REASONS = ("no_longer_needed", "moved_to_care_home", "hospital", "died", "moved_away", "other")
QUALITY_OF_LIFE_DOMAINS = (
    "feeling_safe", "having_things_to_do", "seeing_people", "staying_well", "living_as_i_want",
    "dealing_with_stigma",
)  # fmt: skip
PROCESS_DOMAINS = (
    "listened_to", "having_a_say", "treated_with_respect", "responded_to", "reliability",
)  # fmt: skip
CHANGE_DOMAINS = ("improved_confidence", "improved_skills", "improved_mobility", "reduced_symptoms")
CARER_DOMAINS = (
    "carer_health_wellbeing", "carer_life_of_own", "carer_relationship", "carer_finances",
    "carer_choice_in_caring", "carer_informed_equipped", "carer_satisfaction", "carer_partnership",
    "carer_cared_for_quality_of_life", "carer_valued_respected", "carer_having_a_say",
    "carer_flexible_responsive", "carer_positive_relationship_practitioners",
    "carer_accessible_services",
)  # fmt: skip
DOMAINS = QUALITY_OF_LIFE_DOMAINS + PROCESS_DOMAINS + CHANGE_DOMAINS + CARER_DOMAINS
# The three kinds of personal outcome in Talking Points and the Welsh toolkit (Tool 3): an optional
# `personal_outcomes.outcome_type` (docs/outcomes.md).
OUTCOME_TYPES = ("quality_of_life", "change", "process")
REVIEW_STATUSES = ("met", "partly_met", "not_met", "no_longer_relevant")
REVIEW_SOURCES = ("care_management", "provider", "self", "other")
PROVIDER_TYPES = ("in_house", "independent", "third_sector")
LOT_MODELS = (
    "single_provider",
    "lead_and_framework",
    "two_providers",
    "complex_care",
    "reablement",
)
HANDBACK_REASONS = ("staffing", "travel", "complexity", "viability", "other")

# Column names refused as personal data (v1.2: by meaning, not one spelling). Names are compared
# after `pii_key()`: case, spaces, dots, hyphens and underscores removed, so `CHI.Number`, `chi_no`
# and `NHSNumber` are all `chinumber`-like keys listed here. `name`, `postcode` and the name parts
# only in `people` (a provider or lot has a name).
PII_ANYWHERE = (
    "chi", "chinumber", "chino", "chinum", "chinbr", "nhsnumber", "nhsno", "nhsnum", "nhsnbr",
    "forename", "forenames", "surname", "address", "dateofbirth", "dob", "birthdate", "birthday",
)  # fmt: skip
PII_IN_PEOPLE = (
    "name", "firstname", "lastname", "fullname", "givenname", "familyname", "middlename",
    "postcode", "zipcode",
)  # fmt: skip
# An address may come in lines: `address_line_1`, `Address1`, `addr_line2`.
PII_ADDRESS = re.compile(r"^(address|addr)(line)?\d*$")


def normalise_column_name(name: str) -> str:
    """Lower-case, spaces and hyphens to underscores: how the contract compares column names."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def pii_key(name: str) -> str:
    """A column name with case, spaces, dots, hyphens and underscores removed: how personal-data
    names are compared, so every spelling of one meaning is caught (export-contract.md v1.2)."""
    return re.sub(r"[\s.\-_]+", "", name.lower())


def looks_personal(name: str, table: str) -> bool:
    """Whether column `name` of `table` looks like personal data an export must not hold."""
    key = pii_key(name)
    if key in PII_ANYWHERE or PII_ADDRESS.match(key):
        return True
    return table == "people" and key in PII_IN_PEOPLE


# A timestamp with a time zone is read as its local date here (v1.2).
LOCAL_TIME_ZONE = "Europe/London"
# Dates before this are out of range (v1.2): placeholders such as 0001-01-01 mean "unknown".
EARLIEST_DATE = date(1900, 1, 1)
# Names and codes longer than this are out of range: a megabyte locality name would be copied into
# every row that joins to it. Free text (`long_text`) is not limited.
MAX_NAME_CHARS = 200

# Bounding box of the UK with its islands (WGS84), for "a centroid outside the UK".
UK_LAT = (49.8, 60.9)
UK_LON = (-8.7, 1.8)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = False
    optional: bool = False  # the column may be absent from the file
    codes: tuple | None = None  # allowed values (strings) or None
    int_range: tuple[int, int] | None = None  # allowed integer range, inclusive
    references: tuple[str, str] | None = None  # (table, column)
    non_negative: bool = False
    event: bool = False  # an event date: must not be after the extract date
    long_text: bool = False  # free text or geometry: not held to MAX_NAME_CHARS


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = True
    # (start column, end column): an end before its start is a data error
    date_order: tuple[str, str] | None = None
    extra_checks: tuple[str, ...] = field(default=())

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def C(name: str, type_: str, **kw) -> Column:  # noqa: N802 - reads like a table row
    return Column(name, type_, **kw)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "areas",
            key=("area_code",),
            columns=(
                C("area_code", STRING),
                C("area_name", STRING),
                C("locality", STRING),
                C("partnership", STRING),
                C("deprivation_decile", INT, int_range=(1, 10)),
                C("urban_rural", INT, int_range=(1, 6)),
                C("population", INT, non_negative=True),
                C("population_65plus", INT, non_negative=True),
                C("centroid_lat", FLOAT),
                C("centroid_lon", FLOAT),
                C("geometry_wkt", STRING, nullable=True, long_text=True),
            ),
        ),
        Table(
            "people",
            key=("person_id",),
            columns=(
                C("person_id", STRING),
                C("birth_year", INT),
                C("sex", STRING, codes=SEXES),
                C("client_group", STRING, codes=CLIENT_GROUPS),
                C("area_code", STRING, references=("areas", "area_code")),
                C("lives_alone", BOOL, nullable=True),
            ),
        ),
        Table(
            "support_plans",
            key=("plan_id",),
            date_order=("start_date", "end_date"),
            columns=(
                C("plan_id", STRING),
                C("person_id", STRING, references=("people", "person_id")),
                C("start_date", DATE, event=True),
                C("end_date", DATE, nullable=True),
                C("sds_option", INT, int_range=(1, 4)),
                C("service_type", STRING, codes=SERVICE_TYPES),
                C("weekly_hours", FLOAT, nullable=True, non_negative=True),
                C("weekly_budget_gbp", FLOAT, nullable=True, non_negative=True),
                C("provider_id", STRING, nullable=True, references=("providers", "provider_id")),
                C("lot_id", STRING, nullable=True, references=("home_care_lots", "lot_id")),
                C("complex_needs", BOOL),
                C("end_reason", STRING, nullable=True, optional=True, codes=END_REASONS),
            ),
        ),
        Table(
            "personal_outcomes",
            key=("outcome_id",),
            columns=(
                C("outcome_id", STRING),
                C("plan_id", STRING, references=("support_plans", "plan_id")),
                C("person_id", STRING, references=("people", "person_id")),
                C("set_date", DATE, event=True),
                C("outcome_text", STRING, long_text=True),
                C("domain", STRING, codes=DOMAINS),
                C("national_outcome", INT, nullable=True, int_range=(1, 9)),
                C("outcome_type", STRING, nullable=True, optional=True, codes=OUTCOME_TYPES),
            ),
        ),
        Table(
            "outcome_reviews",
            key=("review_id", "outcome_id"),
            columns=(
                C("review_id", STRING),
                C("outcome_id", STRING, references=("personal_outcomes", "outcome_id")),
                C("plan_id", STRING, references=("support_plans", "plan_id")),
                C("person_id", STRING, references=("people", "person_id")),
                C("review_date", DATE, event=True),
                C("status", STRING, codes=REVIEW_STATUSES),
                C("score", INT, nullable=True, int_range=(1, 10)),
                C("review_source", STRING, nullable=True, optional=True, codes=REVIEW_SOURCES),
                C("score_tool", STRING, nullable=True, optional=True),
            ),
        ),
        Table(
            "budget_spend",
            key=("spend_id",),
            date_order=("period_start", "period_end"),
            columns=(
                C("spend_id", STRING),
                C("person_id", STRING, references=("people", "person_id")),
                C("plan_id", STRING, references=("support_plans", "plan_id")),
                C("period_start", DATE, event=True),
                C("period_end", DATE),
                C("amount_gbp", FLOAT),
                C("hours_delivered", FLOAT, nullable=True, non_negative=True),
                C("provider_id", STRING, nullable=True, references=("providers", "provider_id")),
                C("on_contract", BOOL),
            ),
        ),
        Table(
            "providers",
            key=("provider_id",),
            required=False,
            columns=(
                C("provider_id", STRING),
                C("provider_name", STRING),
                C("provider_type", STRING, codes=PROVIDER_TYPES),
                C("quality_grade", INT, nullable=True, int_range=(1, 6)),
                C("capacity_hours_week", FLOAT, nullable=True, non_negative=True),
            ),
        ),
        Table(
            "home_care_lots",
            key=("area_code",),  # each area in at most one lot; lot_id repeats, one row per area
            required=False,
            columns=(
                C("lot_id", STRING),
                C("lot_name", STRING),
                C("area_code", STRING, references=("areas", "area_code")),
                C("model", STRING, codes=LOT_MODELS),
                C(
                    "lead_provider_id",
                    STRING,
                    nullable=True,
                    references=("providers", "provider_id"),
                ),
                C(
                    "second_provider_id",
                    STRING,
                    nullable=True,
                    references=("providers", "provider_id"),
                ),  # fmt: skip
            ),
        ),
        Table(
            "home_care_requests",
            key=("request_id",),
            required=False,
            columns=(
                C("request_id", STRING),
                C("person_id", STRING),
                C("area_code", STRING, references=("areas", "area_code")),
                C("assessed_date", DATE, event=True),
                C("hours_requested_week", FLOAT, non_negative=True),
                C("package_start_date", DATE, nullable=True),
                C("complex_needs", BOOL),
            ),
        ),
        Table(
            "handbacks",
            key=("handback_id",),
            required=False,
            columns=(
                C("handback_id", STRING),
                C("plan_id", STRING, references=("support_plans", "plan_id")),
                C("provider_id", STRING, references=("providers", "provider_id")),
                C("handback_date", DATE, event=True),
                C("reason", STRING, codes=HANDBACK_REASONS),
            ),
        ),
        Table(
            "area_populations",  # v1.2: estimates and projections by year; absent = areas' figures
            key=("area_code", "year"),
            required=False,
            columns=(
                C("area_code", STRING, references=("areas", "area_code")),
                C("year", INT, int_range=(1900, 2200)),
                C("population", INT, non_negative=True),
                C("population_65plus", INT, non_negative=True),
                C("projected", BOOL),
            ),
        ),
    )
}

REQUIRED_TABLES = tuple(n for n, t in TABLES.items() if t.required)
OPTIONAL_TABLES = tuple(n for n, t in TABLES.items() if not t.required)


def create_table_sql(table: Table, name: str | None = None) -> str:
    """DDL for a clean table with exactly the contract's columns and types."""
    cols = ", ".join(f'"{c.name}" {DUCKDB_TYPES[c.type]}' for c in table.columns)
    return f'CREATE TABLE "{name or table.name}" ({cols})'
