"""The daily activity page, rendered by Streamlit's AppTest against the generated organisation's lake (and none)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from dashboards import i18n
from leerstroom import lake
from leerstroom.settings import Settings
from tests.dashboards.app_session import create_users, open_page, sign_in
from tests.dashboards.org_lake import OrgLake
from tests.transform.lake_rows import append_raw, stored_corpus

NOTHING_CERTIFIED = "No certified data yet: run `leerstroom transform`"


def mart_figures(settings: Settings, snapshot_id: int) -> tuple[int, int, datetime, dict[str, int]]:
    con = lake.connect(settings, snapshot=snapshot_id)
    try:
        statements, learners, newest = con.execute(
            "SELECT sum(statement_count), count(DISTINCT actor_key), max(last_statement_at) "
            "FROM lake.marts.mart_daily_activity"
        ).fetchone()
        per_verb = dict(
            con.execute(
                "SELECT verb_id, sum(statement_count) FROM lake.marts.mart_daily_activity GROUP BY verb_id"
            ).fetchall()
        )
    finally:
        con.close()
    return int(statements), int(learners), newest, {verb: int(count) for verb, count in per_verb.items()}


def learners_per(settings: Settings, snapshot_id: int, column: str) -> dict:
    con = lake.connect(settings, snapshot=snapshot_id)
    try:
        return dict(
            con.execute(
                f"SELECT {column}, count(DISTINCT actor_key) FROM lake.marts.mart_daily_activity GROUP BY 1"
            ).fetchall()
        )
    finally:
        con.close()


def chart_rows(at: AppTest) -> pd.DataFrame:
    """The rows the page's chart sends to the browser."""
    chart = next(element for element in at.main if getattr(element, "type", "") == "vega_lite_chart")
    return pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all().to_pandas()


def test_page_shows_the_certified_marts_and_says_which_snapshot(org_lake: OrgLake) -> None:
    snapshot = org_lake.certified
    statements, learners, newest, per_verb = mart_figures(org_lake.settings, snapshot)

    at = open_page(sign_in(org_lake.settings, "hr_analyst"), "activity")

    assert not at.exception
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Statements"] == i18n.number(statements, "en")
    assert metrics["Active learners"] == i18n.number(learners, "en")
    table = at.dataframe[0].value
    assert dict(zip(table["verb"], table["statements"].astype(int))) == per_verb
    freshness = " ".join(caption.value for caption in at.caption)
    assert f"Certified snapshot {snapshot}" in freshness
    assert f"lake snapshot {org_lake.transform.raw_snapshot_id}" in freshness
    assert f"Newest statement: {i18n.moment_text(newest, 'en')}" in freshness


def test_days_and_verbs_of_fewer_than_k_learners_are_left_out_outside_analysts(org_lake: OrgLake) -> None:
    """The finding: 26 of 112 days showed fewer than 5 learners, to every role."""
    k = org_lake.settings.privacy_k
    per_day = learners_per(org_lake.settings, org_lake.certified, "activity_date")
    per_verb = learners_per(org_lake.settings, org_lake.certified, "verb_id")
    assert min(per_day.values()) < k, "the organisation needs quiet days"

    for role in ("executive", "admin"):
        at = open_page(sign_in(org_lake.settings, role), "activity")
        days = chart_rows(at)
        verbs = at.dataframe[0].value
        assert len(days) > 0 and (days["learners"] >= k).all(), role
        assert len(verbs) > 0 and (verbs["learners"] >= k).all(), role
        assert len(days) < len(per_day), role
    analyst = open_page(sign_in(org_lake.settings, "hr_analyst"), "activity")
    assert len(chart_rows(analyst)) == len(per_day) and len(analyst.dataframe[0].value) == len(per_verb)


def test_page_without_a_lake_says_nothing_is_certified(settings: Settings) -> None:
    create_users(settings)
    at = open_page(sign_in(settings, "executive"), "activity")

    assert not at.exception
    assert [info.value for info in at.info] == [NOTHING_CERTIFIED]
    assert not at.metric


def test_page_with_raw_data_but_no_transform_shows_no_uncertified_numbers(settings: Settings) -> None:
    create_users(settings)
    append_raw(settings, stored_corpus())

    at = open_page(sign_in(settings, "executive"), "activity")

    assert not at.exception
    assert [info.value for info in at.info] == [NOTHING_CERTIFIED]
    assert not at.metric and not at.dataframe
