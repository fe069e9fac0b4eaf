"""Incremental builds equal a full rebuild after LATE statements (old timestamp, new stored) and new voidings arrive,
and rebuild only the people those statements touch."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from ingest.xapi.columns import VOIDED
from leerstroom.settings import Settings
from tests.transform.lake_rows import append_raw
from tests.transform.test_metrics_lake import (
    ACTIVITIES,
    TINCAN_VERBS,
    VERBS,
    VIDEO,
    VIDEO_VERBS,
    Employee,
    at,
    dbt_build,
    import_roster,
    mbox,
    statement,
)

ARTICLE = "http://id.tincanapi.com/activitytype/article"
INCREMENTAL_MODELS = (
    "int_statements_parsed",
    "int_statements_classified",
    "int_actor_changes",
    "int_actor_weeks",
    "int_person_weeks",
    "int_learning_sessions",
    "int_failed_attempts",
    "int_assignments",
    "int_goals",
    "int_path_enrolments",
    "int_manager_touchpoints",
    "int_lci_person_periods",
)
MENTORED = TINCAN_VERBS + "mentored"
VIDEO_SESSION = {
    "extensions": {
        "https://w3id.org/xapi/video/extensions/session-id": "e7-session",
        "https://w3id.org/xapi/video/extensions/length": 120,
    }
}
SEGMENTS = "https://w3id.org/xapi/video/extensions/played-segments"


def roster() -> list[Employee]:
    return [
        Employee(f"e{n}", "Sales" if n < 6 else "Support", "North" if n < 6 else "Desk", "e0" if n else None)
        for n in range(12)
    ]


def first_statements() -> list[dict]:
    made = []
    for n in range(12):
        made.append(
            statement(f"e{n}", TINCAN_VERBS + "viewed", f"2025-01-{6 + n % 5:02d} 09:00", activity_type=ARTICLE)
        )
        made.append(
            statement(
                f"e{n}", VERBS + "completed", f"2025-02-{3 + n % 5:02d} 09:00", activity_type=ACTIVITIES + "course"
            )
        )
    # The first half of e7's video session; the second wave brings the rest, late (learning time is per session).
    made += [
        statement(
            "e7",
            VIDEO_VERBS + verb,
            when,
            object_id="https://org.example/videos/v7",
            activity_type=VIDEO,
            context=VIDEO_SESSION,
            result=result,
        )
        for verb, when, result in (
            ("played", "2025-02-10 09:00", None),
            ("paused", "2025-02-10 09:01", {"extensions": {SEGMENTS: "0[.]30"}}),
        )
    ]
    return made


def marts(warehouse_db: Path, schema: str = "marts") -> dict[str, list[tuple]]:
    """Every model's rows in `schema`, sorted, so two builds can be compared as data. The bookkeeping tables of the
    incremental models (<model>__built) are left out, and so is int_actor_weeks, whose incremental build keeps a
    zero row for a week whose statements were all voided."""
    with duckdb.connect(str(warehouse_db), read_only=True) as con:
        names = [
            name
            for (name,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
                "AND (table_name LIKE 'mart%' OR table_name LIKE 'int%') "
                "AND table_name NOT LIKE '%\\_\\_%' ESCAPE '\\' "
                "AND table_name <> 'int_actor_weeks'",
                [schema],
            ).fetchall()
        ]
        return {name: sorted(con.execute(f"SELECT * FROM {schema}.{name}").fetchall(), key=repr) for name in names}


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
        statement(
            "e1",
            VERBS + "completed",
            "2025-01-08 10:00",
            stored="2025-03-02 10:00",
            activity_type=ACTIVITIES + "course",
        ),
        statement("e2", TINCAN_VERBS + "viewed", "2025-01-07 10:00", stored="2025-03-02 10:00", activity_type=ARTICLE),
        # A statement of an actor missing from the roster, late too.
        statement(
            "visitor", TINCAN_VERBS + "viewed", "2025-01-09 10:00", stored="2025-03-02 11:00", activity_type=ARTICLE
        ),
        # A voiding statement removes e3's January view, built long ago.
        {
            "id": str(uuid.uuid4()),
            "actor": {"mbox": mbox("admin")},
            "verb": {"id": VOIDED},
            "object": {"objectType": "StatementRef", "id": first[6]["id"]},
            "timestamp": "2025-03-02T12:00:00+00:00",
            "stored": "2025-03-02T12:00:00+00:00",
        },
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
        rows = {
            (employee, str(week)): (days, completions)
            for employee, week, days, completions in con.execute(
                """SELECT employee_id, week_start, active_days, completions FROM marts.mart_engagement_weekly
               WHERE employee_id IN ('e1', 'e2', 'e3', 'unknown:mbox:mailto:visitor@org.example')
                 AND week_start = '2025-01-06'"""
            ).fetchall()
        }
        materialised = {
            name
            for (name,) in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'intermediate' AND table_type = 'BASE TABLE'"
            ).fetchall()
        }
    # e1: viewed on Tue 7 Jan (first load) + completed on Wed 8 Jan (late) -> 2 days, 1 completion.
    assert rows[("e1", "2025-01-06")] == (2, 1)
    # e2: viewed on Wed 8 Jan and, late, on Tue 7 Jan -> 2 days.
    assert rows[("e2", "2025-01-06")] == (2, 0)
    # e3's only January statement (first[6], viewed on Thu 9 Jan) was voided: an inactive week now.
    assert rows[("e3", "2025-01-06")] == (0, 0)
    assert rows[("unknown:mbox:mailto:visitor@org.example", "2025-01-06")] == (1, 0)
    assert set(INCREMENTAL_MODELS) <= materialised


def second_wave(voided_id: str) -> list[dict]:
    """Statements stored on the day the last build reached, about weeks already built: no new week or month."""
    return [
        statement(
            "e4",
            VERBS + "failed",
            "2025-02-12 10:00",
            stored="2025-03-02 13:00",
            activity_type=ACTIVITIES + "assessment",
            object_id="https://org.example/activities/quiz-1",
        ),
        # The manager e0 mentors e5: e5's touchpoints change, though e5 sent nothing.
        statement("e0", MENTORED, "2025-02-13 10:00", stored="2025-03-02 13:00", object_agent="e5"),
        statement(
            "visitor2", TINCAN_VERBS + "viewed", "2025-02-14 10:00", stored="2025-03-02 13:00", activity_type=ARTICLE
        ),
        # The rest of e7's video session of 10 Feb: segments 0-30 and 25-60 are 60 s, not 30 + 65.
        statement(
            "e7",
            VIDEO_VERBS + "paused",
            "2025-02-10 09:02",
            stored="2025-03-02 13:00",
            object_id="https://org.example/videos/v7",
            activity_type=VIDEO,
            context=VIDEO_SESSION,
            result={"extensions": {SEGMENTS: "0[.]30[,]25[.]60"}},
        ),
        # e6's February course completion is voided.
        {
            "id": str(uuid.uuid4()),
            "actor": {"mbox": mbox("admin")},
            "verb": {"id": VOIDED},
            "object": {"objectType": "StatementRef", "id": voided_id},
            "timestamp": "2025-03-02T13:00:00+00:00",
            "stored": "2025-03-02T13:00:00+00:00",
        },
    ]


def three_builds(
    base: Settings, wave: list[dict], first_offset: int, marked_tables: dict[str, str], folder: Callable[[str], Path]
) -> dict[str, Settings]:
    """`wave` appended once to a copy of `base` (so the three lakes hold the same rows, down to their loaded_at),
    then built incrementally ('incremental'), incrementally after e9's rows in `marked_tables` got +1000 ('marked'),
    and from scratch ('rebuilt')."""
    copies = {"incremental": base.model_copy(update={"data_dir": folder("incremental") / "data"})}
    shutil.copytree(base.data_dir, copies["incremental"].data_dir, dirs_exist_ok=True)
    append_raw(copies["incremental"], wave, first_offset=first_offset)
    for name in ("marked", "rebuilt"):
        copies[name] = base.model_copy(update={"data_dir": folder(name) / "data"})
        shutil.copytree(copies["incremental"].data_dir, copies[name].data_dir, dirs_exist_ok=True)
    with duckdb.connect(str(copies["marked"].warehouse_db)) as con:
        for table, column in marked_tables.items():
            con.execute(
                f"UPDATE {table} SET {column} = {column} + 1000 WHERE {PERSON_KEY.get(table, 'person_id')} = 'e9'"
            )
    dbt_build(copies["incremental"], with_tests=False)
    # Every statement here was loaded seconds apart, so the models' re-read window (2 hours by default, for sinks
    # committing slightly out of order) would hold everyone: without it, only the new wave is new.
    dbt_build(copies["marked"], "--vars", "{incremental_lookback_hours: 0}", with_tests=False)
    dbt_build(copies["rebuilt"], "--full-refresh", with_tests=False)
    return copies


@pytest.fixture(scope="module")
def touched_people_only(late_arrivals, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Settings]:
    """After the first incremental build, a second wave (see three_builds); e9 sends nothing in it."""
    incremental, _, _ = late_arrivals
    with duckdb.connect(str(incremental.warehouse_db), read_only=True) as con:
        (e6_completion,) = con.execute(
            "SELECT statement_id FROM intermediate.int_statements_classified WHERE person_id = 'e6' AND is_completion"
        ).fetchone()
    return three_builds(
        incremental,
        second_wave(e6_completion),
        2000,
        PERSON_TABLES,
        lambda name: tmp_path_factory.mktemp(f"wave2-{name}"),
    )


# A column of each person-level table that the test marks for e9, who sends nothing in the second wave.
PERSON_TABLES = {
    "intermediate.int_person_weeks": "active_days",
    "intermediate.int_learning_sessions": "statement_count",
    "marts.mart_daily_activity": "statement_count",
    "intermediate.int_lci_person_periods": "posts",
    "marts.mart_retention_features": "manager_touchpoints",
}
PERSON_KEY = {"marts.mart_retention_features": "employee_id"}


def test_a_second_incremental_build_equals_full_refresh_in_every_model(touched_people_only) -> None:
    built, expected = touched_people_only["incremental"], touched_people_only["rebuilt"]
    for schema in ("intermediate", "marts"):
        ours, theirs = marts(built.warehouse_db, schema), marts(expected.warehouse_db, schema)
        assert set(ours) == set(theirs)
        assert {
            name: [(a, b) for a, b in zip(rows, theirs[name]) if a != b][:2]
            for name, rows in ours.items()
            if rows != theirs[name]
        } == {}, schema


def test_only_the_people_new_statements_touch_are_rebuilt(touched_people_only) -> None:
    marked, expected = touched_people_only["marked"], touched_people_only["rebuilt"]
    with (
        duckdb.connect(str(marked.warehouse_db), read_only=True) as ours,
        duckdb.connect(str(expected.warehouse_db), read_only=True) as theirs,
    ):
        for table, column in PERSON_TABLES.items():
            key = PERSON_KEY.get(table, "person_id")
            query = f"SELECT {key}, {column} FROM {table} WHERE {key} IN ('e4', 'e5', 'e6', 'e9') ORDER BY ALL"
            rebuilt = theirs.execute(query).fetchall()
            kept = ours.execute(query).fetchall()
            # e9 sent nothing: the build left e9's (marked) rows alone ...
            assert [(k, v - 1000) for k, v in kept if k == "e9"] == [row for row in rebuilt if row[0] == "e9"], table
            # ... and rebuilt the people the wave touched: e4 (a late fail), e5 (mentored) and e6 (voided).
            assert [row for row in kept if row[0] != "e9"] == [row for row in rebuilt if row[0] != "e9"], table
    with duckdb.connect(str(expected.warehouse_db), read_only=True) as con:
        touchpoints = con.execute(
            "SELECT count(*) FROM intermediate.int_manager_touchpoints WHERE person_id = 'e5'"
        ).fetchone()[0]
        e6_completions = con.execute(
            "SELECT sum(completions) FROM intermediate.int_person_weeks WHERE person_id = 'e6'"
        ).fetchone()[0]
        e7_seconds = con.execute(
            "SELECT sum(learning_seconds) FROM marts.mart_daily_activity WHERE person_id = 'e7' "
            "AND activity_date = '2025-02-10'"
        ).fetchone()[0]
    assert touchpoints == 1
    assert e6_completions == 0
    assert e7_seconds == 60


@pytest.fixture(scope="module")
def new_month(touched_people_only, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Settings]:
    """A third wave stored in April: a new month, quarter and weeks (see three_builds)."""
    april = [
        statement("e4", TINCAN_VERBS + "viewed", "2025-04-01 10:00", stored="2025-04-02 09:00", activity_type=ARTICLE)
    ]
    return three_builds(
        touched_people_only["incremental"],
        april,
        3000,
        PERIOD_TABLES,
        lambda name: tmp_path_factory.mktemp(f"april-{name}"),
    )


# The person x period tables whose rows stand alone: a new period adds everyone's rows for it and keeps the rest.
PERIOD_TABLES = {"intermediate.int_lci_person_periods": "posts", "marts.mart_retention_features": "manager_touchpoints"}
PERIOD_COLUMN = {
    "intermediate.int_lci_person_periods": "period_start",
    "marts.mart_retention_features": "snapshot_date",
}


def test_a_new_month_builds_incrementally_to_the_full_refresh(new_month) -> None:
    built, expected = new_month["incremental"], new_month["rebuilt"]
    for schema in ("intermediate", "marts"):
        ours, theirs = marts(built.warehouse_db, schema), marts(expected.warehouse_db, schema)
        assert {
            name: [(a, b) for a, b in zip(rows, theirs[name]) if a != b][:2]
            for name, rows in ours.items()
            if rows != theirs[name]
        } == {}, schema


def test_a_new_month_adds_everyones_new_period_and_keeps_their_old_ones(new_month) -> None:
    marked, expected = new_month["marked"], new_month["rebuilt"]
    with (
        duckdb.connect(str(marked.warehouse_db), read_only=True) as ours,
        duckdb.connect(str(expected.warehouse_db), read_only=True) as theirs,
    ):
        for table, column in PERIOD_TABLES.items():
            period = PERIOD_COLUMN[table]
            query = (
                f"SELECT {period}, {column} FROM {table} WHERE {PERSON_KEY.get(table, 'person_id')} = 'e9' ORDER BY ALL"
            )
            kept, rebuilt = ours.execute(query).fetchall(), theirs.execute(query).fetchall()
            new_periods = {p for p, _ in rebuilt} - {
                p
                for p, _ in ours.execute(
                    f"SELECT {period}, 0 FROM {table} "
                    f"WHERE {PERSON_KEY.get(table, 'person_id')} = 'e9' AND {column} >= 1000"
                ).fetchall()
            }
            assert new_periods, table  # April (or 31 March) is new
            # e9's old periods keep their (marked) rows; the new periods were added as a full build makes them.
            assert [(p, v - 1000 if p not in new_periods else v) for p, v in kept] == rebuilt, table
