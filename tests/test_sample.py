"""The sample generator: deterministic, clean under every contract rule, and carrying its stories.

One export is generated per session (3 partnerships × 300 areas, 90,000 people) and checked with DuckDB over the written files, independently of the generator.
"""

from __future__ import annotations

import json
from datetime import date

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest
import shapely

from dashboard.core.contract import TABLES, UK_LAT, UK_LON
from dashboard.core.errors import UserError
from dashboard.sample import generate
from dashboard.sample.outcomes import CROSSWALK
from dashboard.sample.writer import schema

# Big enough that the planted cells are not lost in noise (the emerging cell holds ~3% of the home
# partnership's plans); generating it takes about three seconds.
SESSION = dict(seed=7, people=90000, areas=300)
SMALL = dict(seed=7, people=1500, areas=20)
EXTRACT = "DATE '2026-06-30'"


@pytest.fixture(scope="session")
def export(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    counts = generate(out, **SESSION)
    return out, counts


@pytest.fixture(scope="session")
def con(export):
    out, _ = export
    c = duckdb.connect()
    for name in TABLES:
        c.sql(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{out / name}.parquet')")
    crosswalk = ", ".join(f"('{d}', {n})" for d, n in CROSSWALK.items())
    c.sql(
        f"CREATE TABLE crosswalk(domain VARCHAR, national INT); INSERT INTO crosswalk VALUES {crosswalk}"
    )
    return c


@pytest.fixture(scope="session")
def stories(export):
    out, _ = export
    return json.loads((out / "manifest.json").read_text())["stories"]


def one(con, sql: str, **params):
    return con.sql(sql, params=params or None).fetchall()[0]


# --- determinism -----------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path):
    out = tmp_path / "first"
    generate(out, **SMALL)
    generate(tmp_path / "again", **SMALL)
    generate(tmp_path / "other", **(SMALL | {"seed": 8}))
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in (tmp_path / "again").iterdir())
    for name in names:
        assert (out / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    assert (out / "people.parquet").read_bytes() != (
        tmp_path / "other" / "people.parquet"
    ).read_bytes()


def test_counts_and_manifest(export):
    out, counts = export
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["extract_date"] == "2026-06-30"
    assert manifest["geography"] == "DZ2011" and manifest["seed"] == SESSION["seed"]
    assert counts["people"] == 90000 and counts["areas"] == 900  # people over the whole export
    assert all(counts[t] > 0 for t in TABLES)
    for name, n in counts.items():
        assert pq.ParquetFile(out / f"{name}.parquet").metadata.num_rows == n


def test_too_small_is_a_user_error(tmp_path):
    with pytest.raises(UserError):
        generate(tmp_path, people=10, areas=60)


# --- the contract, rule by rule --------------------------------------------------------------


def test_files_have_exactly_the_contract_columns_and_types(export):
    out, _ = export
    for name in TABLES:
        assert pq.read_schema(out / f"{name}.parquet").remove_metadata() == schema(name), name
    assert [f.name for f in schema("support_plans")][-1] == "end_reason"
    assert "score_tool" in schema("outcome_reviews").names


@pytest.mark.parametrize("name", list(TABLES))
def test_no_data_errors(con, name):
    table = TABLES[name]
    key = ", ".join(table.key)
    assert one(con, f"SELECT count(*) - count(DISTINCT ({key})) FROM {name}")[0] == 0
    for c in table.columns:
        col = f'"{c.name}"'
        if not c.nullable:
            assert one(con, f"SELECT count(*) FROM {name} WHERE {col} IS NULL")[0] == 0, c.name
        if c.codes:
            bad = one(
                con, f"SELECT count(*) FROM {name} WHERE {col} NOT IN $codes", codes=list(c.codes)
            )
            assert bad[0] == 0, c.name
        if c.int_range:
            lo, hi = c.int_range
            assert (
                one(con, f"SELECT count(*) FROM {name} WHERE {col} NOT BETWEEN {lo} AND {hi}")[0]
                == 0
            )
        if c.non_negative:
            assert one(con, f"SELECT count(*) FROM {name} WHERE {col} < 0")[0] == 0, c.name
        if c.event:
            assert one(con, f"SELECT count(*) FROM {name} WHERE {col} > {EXTRACT}")[0] == 0, c.name
        if c.references:
            ref, rcol = c.references
            missing = one(
                con,
                f"SELECT count(*) FROM {name} WHERE {col} IS NOT NULL AND {col} NOT IN "
                f"(SELECT {rcol} FROM {ref})",
            )
            assert missing[0] == 0, c.name
    if table.date_order:
        s, e = table.date_order
        assert one(con, f"SELECT count(*) FROM {name} WHERE {e} < {s}")[0] == 0


def test_cross_table_rules(con):
    # Direct payments have no provider, on the plan or on its spend lines.
    assert (
        one(
            con,
            "SELECT count(*) FROM support_plans WHERE sds_option = 1 AND provider_id IS NOT NULL",
        )[0]
        == 0
    )
    assert (
        one(
            con,
            """SELECT count(*) FROM budget_spend JOIN support_plans USING (plan_id)
                       WHERE sds_option = 1 AND budget_spend.provider_id IS NOT NULL""",
        )[0]
        == 0
    )
    # Rows point at the same person as the plan they hang off.
    for t in ("personal_outcomes", "outcome_reviews", "budget_spend"):
        assert (
            one(
                con,
                f"SELECT count(*) FROM {t} x JOIN support_plans p USING (plan_id) "
                "WHERE x.person_id <> p.person_id",
            )[0]
            == 0
        )
    assert (
        one(
            con,
            """SELECT count(*) FROM outcome_reviews r JOIN personal_outcomes o USING (outcome_id)
                       WHERE r.plan_id <> o.plan_id OR r.review_date < o.set_date""",
        )[0]
        == 0
    )
    assert (
        one(
            con,
            f"""SELECT count(*) FROM areas WHERE centroid_lat NOT BETWEEN {UK_LAT[0]} AND {UK_LAT[1]}
                        OR centroid_lon NOT BETWEEN {UK_LON[0]} AND {UK_LON[1]}""",
        )[0]
        == 0
    )
    assert (
        one(
            con,
            "SELECT count(*) FROM home_care_requests WHERE person_id NOT IN (SELECT person_id FROM people)",
        )[0]
        == 0
    )
    # Spend lines only for periods started by the extract and while the plan ran.
    assert (
        one(
            con,
            """SELECT count(*) FROM budget_spend s JOIN support_plans p USING (plan_id)
                       WHERE s.period_start < p.start_date OR s.period_start >= coalesce(p.end_date, DATE '9999-01-01')""",
        )[0]
        == 0
    )


def test_codes_and_options_all_appear(con):
    assert one(con, "SELECT count(DISTINCT service_type) FROM support_plans")[0] == 10
    shares = dict(
        con.sql(
            "SELECT sds_option, count(*) / sum(count(*)) OVER () FROM support_plans GROUP BY 1"
        ).fetchall()
    )
    assert 0.10 <= shares[1] <= 0.13 and 0.09 <= shares[2] <= 0.12
    assert 0.70 <= shares[3] <= 0.76 and 0.03 <= shares[4] <= 0.07
    assert one(
        con,
        "SELECT count(DISTINCT review_source), count(DISTINCT score_tool), count(DISTINCT status) FROM outcome_reviews",
    ) == (4, 2, 4)
    linked = one(con, "SELECT avg((national_outcome IS NOT NULL)::INT) FROM personal_outcomes")[0]
    assert 0.17 < linked < 0.23
    carers = one(
        con,
        """SELECT bool_and(domain LIKE 'carer_%') FROM personal_outcomes o JOIN people USING (person_id)
                         WHERE client_group = 'unpaid_carer'""",
    )[0]
    assert carers
    assert one(con, "SELECT count(*) FROM budget_spend WHERE amount_gbp < 0")[0] > 0
    # About 35% of people 65+ with home care have 10 hours or more [sds-and-home-care.md].
    ten = one(
        con,
        """SELECT avg((weekly_hours >= 10)::INT) FROM support_plans JOIN people USING (person_id)
                      WHERE service_type = 'home_care' AND 2026 - birth_year >= 65""",
    )[0]
    assert 0.3 < ten < 0.42


def test_polygons_tile_with_shared_edges(con):
    rows = con.sql(
        "SELECT area_code, urban_rural, geometry_wkt FROM areas WHERE partnership = 'Abbeyglen'"
    ).fetchall()
    geoms = shapely.from_wkt([r[2] for r in rows])
    assert shapely.is_valid(geoms).all()
    # Neighbours by a shared boundary of positive length; all but the island form one piece.
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    shared = shapely.length(
        shapely.intersection(
            shapely.boundary(geoms[left[pairs]]), shapely.boundary(geoms[right[pairs]])
        )
    )
    edges = [(a, b) for a, b, s in zip(left[pairs], right[pairs], shared, strict=True) if s > 1e-7]
    parent = list(range(len(rows)))

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for a, b in edges:
        parent[root(a)] = root(b)
    pieces = sorted(np.unique([root(i) for i in range(len(rows))], return_counts=True)[1])
    assert len(pieces) == 2 and pieces[0] <= 6  # the mainland and the island
    # Town areas are small, remote rural ones big.
    area = shapely.area(geoms)
    ur = np.array([r[1] for r in rows])
    assert np.median(area[ur <= 2]) * 4 < np.median(area[ur == 6])


# --- the stories -----------------------------------------------------------------------------


LATEST_2025_26 = """
WITH r AS (
  SELECT r.*, row_number() OVER (PARTITION BY outcome_id ORDER BY review_date DESC, review_id DESC) n
  FROM outcome_reviews r WHERE review_date BETWEEN DATE '2025-04-01' AND DATE '2026-03-31')
SELECT a.deprivation_decile AS decile, a.partnership, (r.status = 'met')::INT AS met
FROM r JOIN people p USING (person_id) JOIN areas a USING (area_code)
WHERE n = 1 AND status <> 'no_longer_relevant'
"""


def test_story_1_deprivation_gap(con):
    # metrics.md: attainment (deciles 9–10) − attainment (deciles 1–2), latest review in 2025/26.
    for (
        gap,
    ) in con.sql(f"""SELECT 100 * (avg(met) FILTER (decile >= 9) - avg(met) FILTER (decile <= 2))
                              FROM ({LATEST_2025_26}) GROUP BY partnership""").fetchall():
        assert 6 < gap < 20
    pooled = one(
        con,
        f"SELECT 100 * (avg(met) FILTER (decile >= 9) - avg(met) FILTER (decile <= 2)) FROM ({LATEST_2025_26})",
    )[0]
    assert 10 <= pooled <= 16


def test_story_2_remote_rural_unmet_need_and_handbacks(con):
    # Requests waiting at the extract per 1,000 people aged 65+, remote rural against the rest.
    waiting = dict(
        con.sql(f"""
        SELECT urban_rural = 6, 1000 * count(r.request_id) / (SELECT sum(population_65plus) FROM areas b WHERE (b.urban_rural = 6) = (a.urban_rural = 6))
        FROM areas a LEFT JOIN home_care_requests r ON r.area_code = a.area_code
             AND r.assessed_date <= {EXTRACT} AND (r.package_start_date IS NULL OR r.package_start_date > {EXTRACT})
        GROUP BY 1""").fetchall()
    )
    assert waiting[True] > 2 * waiting[False]
    handback = dict(
        con.sql("""
        SELECT a.urban_rural = 6, count(h.handback_id) / count(DISTINCT s.plan_id)
        FROM support_plans s JOIN people USING (person_id) JOIN areas a USING (area_code)
             LEFT JOIN handbacks h ON h.plan_id = s.plan_id
        WHERE s.service_type = 'home_care' GROUP BY 1""").fetchall()
    )
    assert handback[True] > 1.5 * handback[False]


def test_story_3_emerging_need_in_one_cell_only(con, stories):
    # New plans per quarter, latest four complete quarters against the eight before.
    ratio = """
        SELECT (count(*) FILTER (start_date >= DATE '2025-07-01') / 4)
             / (count(*) FILTER (start_date < DATE '2025-07-01') / 8)
        FROM support_plans JOIN people USING (person_id) JOIN areas a USING (area_code)
        WHERE a.partnership = $home AND start_date BETWEEN DATE '2023-07-01' AND DATE '2026-06-30'
          AND ((a.locality = $loc AND client_group = $grp) = $planted)"""
    args = dict(home=stories["home_partnership"], loc=stories["emerging_locality"], grp="dementia")
    assert one(con, ratio, **args, planted=True)[0] > 1.5
    assert 0.85 < one(con, ratio, **args, planted=False)[0] < 1.15
    seeing = """
        SELECT (count(*) FILTER (set_date >= DATE '2025-07-01' AND domain = 'seeing_people') / count(*) FILTER (set_date >= DATE '2025-07-01'))
             / (count(*) FILTER (set_date < DATE '2025-07-01' AND domain = 'seeing_people') / count(*) FILTER (set_date < DATE '2025-07-01'))
        FROM personal_outcomes JOIN people USING (person_id) JOIN areas a USING (area_code)
        WHERE a.partnership = $home AND set_date >= DATE '2023-07-01' AND (a.locality = $loc) = $planted"""
    args = dict(home=stories["home_partnership"], loc=stories["seeing_people_locality"])
    assert one(con, seeing, **args, planted=True)[0] > 1.5
    assert 0.8 < one(con, seeing, **args, planted=False)[0] < 1.2


def test_story_4_outcome_7_steps_up(con, stories):
    # Monthly attainment (latest review in each month) of outcomes mapped to national outcome 7.
    monthly = con.sql(
        """
        WITH r AS (
          SELECT r.*, date_trunc('month', review_date)::DATE m,
                 row_number() OVER (PARTITION BY outcome_id, date_trunc('month', review_date)
                                    ORDER BY review_date DESC, review_id DESC) n
          FROM outcome_reviews r)
        SELECT m, avg((status = 'met')::INT) FROM r JOIN personal_outcomes o USING (outcome_id)
          JOIN crosswalk c USING (domain) JOIN people p ON p.person_id = r.person_id
          JOIN areas a USING (area_code)
        WHERE n = 1 AND status <> 'no_longer_relevant' AND coalesce(national_outcome, c.national) = 7
          AND a.partnership = $home AND m < DATE '2026-06-01'
        GROUP BY m""",
        params={"home": stories["home_partnership"]},
    ).fetchall()
    step = date.fromisoformat(stories["step_from"])
    before = [v for m, v in monthly if m < step]
    after = [v for m, v in monthly if m >= step]
    assert len(after) == 18
    assert 100 * (np.mean(after) - np.mean(before)) > 8


def test_story_5_winter(con):
    per_month = """SELECT month({col}) IN (12, 1, 2), count(*) / count(DISTINCT date_trunc('month', {col}))
                   FROM support_plans WHERE {col} BETWEEN DATE '2021-04-01' AND DATE '2026-03-31' {extra} GROUP BY 1"""
    starts = dict(con.sql(per_month.format(col="start_date", extra="")).fetchall())
    assert starts[True] > 1.1 * starts[False]
    ends = dict(
        con.sql(per_month.format(col="end_date", extra="AND end_reason = 'hospital'")).fetchall()
    )
    assert ends[True] > 1.3 * ends[False]


def test_story_6_one_lot_much_bigger(con):
    hours = [
        h
        for (h,) in con.sql(f"""
        SELECT sum(coalesce(weekly_hours, 0)) FROM home_care_lots l JOIN people p USING (area_code)
          JOIN support_plans s USING (person_id)
        WHERE s.service_type IN ('home_care', 'reablement') AND s.sds_option <> 1
          AND s.start_date <= {EXTRACT} AND (s.end_date IS NULL OR s.end_date > {EXTRACT})
        GROUP BY l.lot_id""").fetchall()
    ]
    assert 4 <= len(hours) <= 6
    assert 2.0 < max(hours) / min(hours) < 3.2
    assert sorted(hours)[-1] > 1.3 * sorted(hours)[-2]
    covered = one(
        con,
        "SELECT count(*) / (SELECT count(*) FROM areas WHERE partnership = 'Abbeyglen') FROM home_care_lots",
    )[0]
    assert covered > 0.9


def test_story_7_budgets(con, stories):
    # Utilisation over 2025/26 (metrics.md): spend by period_start ÷ weekly budget × active days / 7.
    sql = """
        WITH p AS (SELECT s.*, a.locality, a.partnership FROM support_plans s JOIN people USING (person_id) JOIN areas a USING (area_code)
                   WHERE {where}),
        planned AS (SELECT sum(coalesce(weekly_budget_gbp, 0) * greatest(0, date_diff('day',
                      greatest(start_date, DATE '2025-04-01'), least(coalesce(end_date, DATE '2026-04-01'), DATE '2026-04-01'))) / 7) b FROM p),
        spent AS (SELECT sum(amount_gbp) s FROM budget_spend JOIN p USING (plan_id)
                  WHERE period_start BETWEEN DATE '2025-04-01' AND DATE '2026-03-31')
        SELECT s / b FROM planned, spent"""
    dp = one(con, sql.format(where="sds_option = 1"))[0]
    assert 0.8 < dp < 0.88
    over = one(
        con,
        sql.format(
            where=f"service_type = 'home_care' AND sds_option <> 1 AND locality = '{stories['overspent_locality']}'"
        ),
    )[0]
    assert 1.04 < over < 1.16
    rest = one(
        con,
        sql.format(
            where=f"service_type = 'home_care' AND sds_option <> 1 AND locality <> '{stories['overspent_locality']}'"
        ),
    )[0]
    assert 0.9 < rest < 1.0


def test_islands_drawn_apart_with_their_ferry_in_the_manifest(con, export):
    # Issue 27: an island polygon that overlapped the mainland made its areas land neighbours.
    out, _ = export
    links = json.loads((out / "manifest.json").read_text())["zone_links"]
    rows = con.sql("SELECT area_code, area_name, partnership, geometry_wkt FROM areas").fetchall()
    assert len(links) == len({r[2] for r in rows})  # one ferry for each partnership's island
    isle = {r[0]: r[1].startswith("Isle of") for r in rows}
    for a, b in links:
        assert isle[a] and not isle[b]
        home = next(r[2] for r in rows if r[0] == a)
        mine = [r for r in rows if r[2] == home]
        island = shapely.union_all(shapely.from_wkt([r[3] for r in mine if isle[r[0]]]))
        mainland = shapely.union_all(shapely.from_wkt([r[3] for r in mine if not isle[r[0]]]))
        assert shapely.distance(island, mainland) > 0.02  # degrees: open water, 2 km and more


def test_story_8_types_and_reablement_goals(con):
    # Process outcomes are met most often, change least (BASE_MET), over every review.
    rates = dict(con.sql("""
        SELECT o.outcome_type, avg((r.status = 'met')::INT)
        FROM outcome_reviews r JOIN personal_outcomes o USING (outcome_id)
        JOIN support_plans p ON p.plan_id = o.plan_id
        WHERE p.service_type <> 'reablement' AND r.status <> 'no_longer_relevant'
        GROUP BY 1""").fetchall())  # fmt: skip
    assert rates["process"] > rates["quality_of_life"] > rates["change"]
    assert (
        0.06 < one(con, "SELECT avg((outcome_type IS NULL)::INT) FROM personal_outcomes")[0] < 0.1
    )
    # Reablement goals are change outcomes, each reviewed once on its plan's last day.
    kinds, goals, reviewed, on_last_day, met = one(con, f"""
        SELECT count(DISTINCT o.outcome_type), count(DISTINCT o.outcome_id),
               count(DISTINCT r.outcome_id), avg((r.review_date = p.end_date - 1)::INT),
               avg((r.status = 'met')::INT)
        FROM personal_outcomes o JOIN support_plans p ON p.plan_id = o.plan_id
        LEFT JOIN outcome_reviews r ON r.outcome_id = o.outcome_id
        WHERE p.service_type = 'reablement' AND p.end_date <= {EXTRACT}
          AND p.end_date > DATE '2021-04-02' AND o.outcome_type IS NOT NULL""")  # fmt: skip
    assert kinds == 1 and reviewed == goals and on_last_day == 1.0
    assert 0.55 < met < 0.7
