"""Incremental builds equal a full rebuild after LATE statements (old timestamp, new stored) and new voidings arrive."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import duckdb
import pytest

from ingest.xapi.columns import VOIDED
from leerstroom.settings import Settings
from tests.transform.lake_rows import append_raw
from tests.transform.test_metrics_lake import (
    ACTIVITIES, TINCAN_VERBS, VERBS, Employee, at, dbt_build, import_roster, mbox, statement,
)

ARTICLE = "http://id.tincanapi.com/activitytype/article"
INCREMENTAL_MODELS = ("int_statements_parsed", "int_actor_weeks")


def roster() -> list[Employee]:
    return [Employee(f"e{n}", "Sales" if n < 6 else "Support", "North" if n < 6 else "Desk", "e0" if n else None)
            for n in range(12)]


def first_statements() -> list[dict]:
    made = []
    for n in range(12):
        made.append(statement(f"e{n}", TINCAN_VERBS + "viewed", f"2025-01-{6 + n % 5:02d} 09:00", activity_type=ARTICLE))
        made.append(statement(f"e{n}", VERBS + "completed", f"2025-02-{3 + n % 5:02d} 09:00", activity_type=ACTIVITIES + "course"))
    return made


def marts(warehouse_db: Path) -> dict[str, list[tuple]]:
    """Every mart's rows, sorted, so two builds can be compared as data."""
    with duckdb.connect(str(warehouse_db), read_only=True) as con:
        names = [name for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' AND table_name LIKE 'mart_%'"
        ).fetchall()]
        return {name: sorted(con.execute(f"SELECT * FROM marts.{name}").fetchall(), key=repr) for name in names}


@pytest.fixture(scope="module")
def late_arrivals(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Settings, list[dict]]:
    """One lake built once, then given late statements and built incrementally; a copy rebuilt from scratch."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("incremental") / "data")
    import_roster(settings, roster(), at("2025-03-01 00:00"))
    first = first_statements()
    append_raw(settings, first)
    dbt_build(settings, with_tests=False)

    late = [
        # Happened in the week of 6 Jan (already built), stored in March.
        statement("e1", VERBS + "completed", "2025-01-08 10:00", stored="2025-03-02 10:00", activity_type=ACTIVITIES + "course"),
        statement("e2", TINCAN_VERBS + "viewed", "2025-01-07 10:00", stored="2025-03-02 10:00", activity_type=ARTICLE),
        # A statement of an actor missing from the roster, late too.
        statement("visitor", TINCAN_VERBS + "viewed", "2025-01-09 10:00", stored="2025-03-02 11:00", activity_type=ARTICLE),
        # A voiding statement removes e3's January view, built long ago.
        {"id": str(uuid.uuid4()), "actor": {"mbox": mbox("admin")}, "verb": {"id": VOIDED},
         "object": {"objectType": "StatementRef", "id": first[6]["id"]}, "timestamp": "2025-03-02T12:00:00+00:00",
         "stored": "2025-03-02T12:00:00+00:00"},
    ]
    append_raw(settings, late, first_offset=1000)
    rebuilt = settings.model_copy(update={"data_dir": tmp_path_factory.mktemp("rebuilt") / "data"})
    shutil.copytree(settings.data_dir, rebuilt.data_dir, dirs_exist_ok=True)
    # The models' tests run in the other metric tests; here only the data two builds make is compared.
    dbt_build(settings, with_tests=False)
    dbt_build(rebuilt, "--full-refresh", with_tests=False)
    return settings, rebuilt, late


def test_incremental_build_equals_full_refresh_after_late_statements(late_arrivals) -> None:
    incremental, rebuilt, _ = late_arrivals
    built, expected = marts(incremental.warehouse_db), marts(rebuilt.warehouse_db)
    assert set(built) == set(expected) and len(built) >= 17
    assert {name: rows for name, rows in built.items() if rows != expected[name]} == {}


def test_the_old_week_changed_and_the_voided_view_is_gone(late_arrivals) -> None:
    incremental, _, _ = late_arrivals
    with duckdb.connect(str(incremental.warehouse_db), read_only=True) as con:
        rows = dict(((employee, str(week)), (days, completions)) for employee, week, days, completions in con.execute(
            """SELECT employee_id, week_start, active_days, completions FROM marts.mart_engagement_weekly
               WHERE employee_id IN ('e1', 'e2', 'e3', 'unknown:mbox:mailto:visitor@org.example')
                 AND week_start = '2025-01-06'""").fetchall())
        materialised = {name for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'intermediate' AND table_type = 'BASE TABLE'"
        ).fetchall()}
    # e1: viewed on Tue 7 Jan (first load) + completed on Wed 8 Jan (late) -> 2 days, 1 completion.
    assert rows[("e1", "2025-01-06")] == (2, 1)
    # e2: viewed on Wed 8 Jan and, late, on Tue 7 Jan -> 2 days.
    assert rows[("e2", "2025-01-06")] == (2, 0)
    # e3's only January statement (first[6], viewed on Thu 9 Jan) was voided: an inactive week now.
    assert rows[("e3", "2025-01-06")] == (0, 0)
    assert rows[("unknown:mbox:mailto:visitor@org.example", "2025-01-06")] == (1, 0)
    assert set(INCREMENTAL_MODELS) <= materialised
