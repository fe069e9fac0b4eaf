"""Differencing against the dashboards' own queries on the generated organisation's real lake.

Hypothesis draws explorer filters, periods and "compare by" choices; every figure an
executive or an admin is shown (unit comparison, weekly trend, segments) is traced back to
the person-weeks behind it, and no two of them may differ by fewer than k people.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards import privacy, queries
from dashboards.connection import catalog_key
from leerstroom import lake
from tests.dashboards.app_session import point_at
from tests.dashboards.org_lake import OrgLake

Figure = frozenset  # of (employee_id, week_start)


@pytest.fixture(scope="module")
def org(org_lake: OrgLake) -> Iterator[OrgLake]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEERSTROOM_DATA_DIR", str(org_lake.settings.data_dir))
        point_at(org_lake.settings)
        yield org_lake


@pytest.fixture(scope="module")
def weeks(org: OrgLake) -> pd.DataFrame:
    con = lake.connect(org.settings, snapshot=org.certified)
    try:
        return con.execute("SELECT * FROM lake.marts.mart_engagement_weekly").df()
    finally:
        con.close()


def rows_of(weeks: pd.DataFrame, filters: tuple, first, last) -> pd.DataFrame:
    rows = weeks[(weeks["week_start"] >= pd.Timestamp(first)) & (weeks["week_start"] <= pd.Timestamp(last))]
    for dimension, values in filters:
        rows = rows[rows[dimension].isin(values)]
    return rows


def figure(rows: pd.DataFrame) -> Figure:
    return frozenset(zip(rows["employee_id"], rows["week_start"]))


def seen_by(role: str, org: OrgLake, weeks: pd.DataFrame, filters: tuple, first, last, by: str) -> list[Figure]:
    """The person-weeks behind every figure the explorer shows `role` for these choices."""
    args = (catalog_key(), org.certified, privacy.audience(role), org.settings.privacy_k, filters, first, last)
    rows = rows_of(weeks, filters, first, last)
    seen = []
    for unit in queries.unit_comparison(*args, by=by)["unit"]:
        seen.append(figure(rows[rows[by].isna()] if pd.isna(unit) else rows[rows[by] == unit]))
    for week in queries.engagement_trend(*args)["week_start"]:
        seen.append(figure(rows[rows["week_start"] == pd.Timestamp(week)]))
    shown = queries.segments(*args)
    for segment, week in zip(shown["segment"], shown["week_start"]):
        seen.append(figure(rows[(rows["week_start"] == pd.Timestamp(week)) & (rows["engagement_segment"] == segment)]))
    return seen


def people(rows: Figure) -> int:
    return len({person for person, _week in rows})


@st.composite
def choices(draw: st.DrawFn, weeks: pd.DataFrame) -> tuple:
    filters = []
    for dimension in draw(st.lists(st.sampled_from(queries.DIMENSIONS), max_size=2, unique=True)):
        values = sorted(weeks[dimension].dropna().unique())
        filters.append((dimension, tuple(draw(st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True)))))
    starts = sorted(weeks["week_start"].unique())
    first = draw(st.sampled_from(starts))
    last = draw(st.sampled_from([w for w in starts if w >= first]))
    by = draw(st.sampled_from(queries.DIMENSIONS))
    return tuple(filters), pd.Timestamp(first).date(), pd.Timestamp(last).date(), by


def test_the_reviewers_comparison_no_longer_gives_one_person_away(org: OrgLake, weeks: pd.DataFrame) -> None:
    """Departments unfiltered, then with every location but Amsterdam: Customer Success went from 12 to 11."""
    first, last = weeks["week_start"].min().date(), weeks["week_start"].max().date()
    outside_amsterdam = (("location", tuple(sorted(set(weeks["location"].dropna()) - {"Amsterdam"}))),)
    args = (catalog_key(), org.certified, privacy.audience("executive"), org.settings.privacy_k)

    whole = queries.unit_comparison(*args, (), first, last, by="department").set_index("unit")
    filtered = queries.unit_comparison(*args, outside_amsterdam, first, last, by="department").set_index("unit")

    assert whole.loc["Customer Success", "headcount"] == 12
    for department in set(whole.index) & set(filtered.index):
        left_out = whole.loc[department, "headcount"] - filtered.loc[department, "headcount"]
        assert left_out == 0 or left_out >= org.settings.privacy_k, department


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_two_explorer_views_differ_by_fewer_than_k_people(
    data: st.DataObject, org: OrgLake, weeks: pd.DataFrame
) -> None:
    k = org.settings.privacy_k
    role = data.draw(st.sampled_from(("executive", "admin")))
    seen = [f for _ in range(2) for f in seen_by(role, org, weeks, *data.draw(choices(weeks)))]

    for shown in seen:
        assert people(shown) >= k
    for bigger, smaller in itertools.permutations(seen, 2):
        if smaller < bigger:
            assert people(bigger - smaller) >= k, (role, len(bigger - smaller))
