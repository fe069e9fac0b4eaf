"""The daily activity page, rendered by Streamlit's AppTest against the generated organisation's lake (and none)."""

from __future__ import annotations

from datetime import datetime

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
        per_verb = dict(con.execute(
            "SELECT verb_id, sum(statement_count) FROM lake.marts.mart_daily_activity GROUP BY verb_id"
        ).fetchall())
    finally:
        con.close()
    return int(statements), int(learners), newest, {verb: int(count) for verb, count in per_verb.items()}


def test_page_shows_the_certified_marts_and_says_which_snapshot(org_lake: OrgLake) -> None:
    snapshot = org_lake.certified
    statements, learners, newest, per_verb = mart_figures(org_lake.settings, snapshot)

    at = open_page(sign_in(org_lake.settings, "executive"), "activity")

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
