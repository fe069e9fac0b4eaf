"""Real tools' statement sequences through the real transform: the minutes, attempts and completions each tool's
specification says they mean, worked out by hand (sources: tests/fixtures/corpus/README.md).

The dbt unit tests in transform/models/intermediate/_intermediate__real_tool_sequences.yml give the same statements
as rows of int_statements_classified; the first test here checks that those rows are exactly what the transform makes
of the statements, so the unit tests stand on the real sequences, not on a retyping of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from leerstroom.settings import Settings
from tests.fixtures import real_sequences
from tests.transform.lake_rows import append_raw
from tests.transform.test_metrics_lake import Warehouse, dbt_build
from transform.dbt_invocation import REPO

UNIT_TESTS = REPO / "transform/models/intermediate/_intermediate__real_tool_sequences.yml"
CMI5 = "unknown:account:http://example.org/::Learner"
VIDEO = "unknown:account:http://example.com::b2584aa405540758db2a6278521b6478"
OPENEDX = "unknown:account:http://localhost:18000::32e08e30-f8ae-4ce2-94a8-c2bfe38a70cb"
MOODLE = "unknown:account:http://www.example.org::1"
H5P = "unknown:account:::66ee96f2-bb60-4c74-8b5a-ac76156278ca"


def all_sequences() -> list[dict]:
    return (
        real_sequences.cmi5_registration(real_sequences.CMI5_FAIL_THEN_TERMINATE)
        + real_sequences.cmi5_registration(real_sequences.CMI5_FAIL_THEN_PASS)
        + real_sequences.marsha_video_session()
        + real_sequences.openedx_problem_and_video()
        + real_sequences.moodle_quiz_attempt()
        + real_sequences.h5p_interaction()
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("real-sequences") / "data")
    append_raw(settings, all_sequences())
    dbt_build(settings, with_tests=False)
    built = Warehouse(settings)
    yield built
    built.close()


def given_statement_rows(path: Path) -> list[dict]:
    tests = yaml.safe_load(path.read_text())["unit_tests"]
    return [
        row
        for test in tests
        for given in test["given"]
        if given["input"] == "ref('int_statements_classified')"
        for row in given["rows"]
    ]


def as_given(value: object, like: object) -> object:
    """A warehouse value in the form a unit test's YAML row gives it."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 3)
    return value


def test_the_unit_tests_give_exactly_what_the_transform_makes_of_the_real_statements(warehouse: Warehouse) -> None:
    rows = given_statement_rows(UNIT_TESTS)
    assert len({row["statement_id"] for row in rows}) == len(all_sequences()) == 42
    mismatches = []
    for row in rows:
        columns = list(row)
        built = warehouse.query(
            f"SELECT {', '.join(columns)} FROM intermediate.int_statements_classified WHERE statement_id = ?",
            [row["statement_id"]],
        )
        assert len(built) == 1, row["statement_id"]
        for column, value in zip(columns, built[0]):
            expected = row[column]
            if column == "statement_at":
                expected = datetime.fromisoformat(expected)
            if as_given(value, expected) != expected:
                mismatches.append((row["statement_id"], column, value, expected))
    assert mismatches == []


def test_each_session_is_counted_once_per_tool(warehouse: Warehouse) -> None:
    minutes = dict(
        warehouse.query("SELECT employee_id, sum(learning_minutes) FROM marts.mart_engagement_weekly GROUP BY 1")
    )
    # The weekly minutes: 93 s of video = 1.55 min (adding the statements' segments gave 6.01); cmi5 65.55 s = 1.09 min
    # (not 3.15); Open edX 921.076 s = 15.35 min (not 0); H5P 470.62 s = 7.84 min (not 22.90); Moodle 1 s = 0.02.
    assert {person: round(value, 2) for person, value in minutes.items()} == {
        VIDEO: 1.55,
        CMI5: 1.09,
        OPENEDX: 15.35,
        H5P: 7.84,
        MOODLE: 0.02,
    }
    seconds = {
        (person, str(day)): round(total, 3)
        for person, day, total in warehouse.query(
            "SELECT person_id, activity_date, sum(learning_seconds) FROM marts.mart_daily_activity GROUP BY 1, 2"
        )
    }
    # cmi5: one duration per session of a registration, 22.52 s + 43.03 s (not the 188.70 s of all statements).
    assert seconds[(CMI5, "2016-06-09")] == 65.55
    # Video Profile: the union of the played segments, 0-5 and 12-100 = 93 s (not 360.66 s).
    assert seconds[(VIDEO, "2026-03-02")] == 93
    # Open edX sends no durations: between statements, 0.326 s for the problem, 920.750 s for the video (not 0).
    assert seconds[(OPENEDX, "2020-07-14")] == 0.326
    assert seconds[(OPENEDX, "2020-07-15")] == 920.75
    # Moodle: the attempt reports PT1S.
    assert seconds[(MOODLE, "2015-06-10")] == 1
    # H5P: answers count from when the question opened; the session is 470.62 s (not 1374.14 s).
    assert seconds[(H5P, "2021-04-15")] == 470.62


def test_a_retry_is_a_new_attempt_on_the_activity(warehouse: Warehouse) -> None:
    failures = {
        statement_id[:8]: (str(retry) if retry else None, str(passed) if passed else None)
        for statement_id, retry, passed in warehouse.query(
            "SELECT statement_id, first_retry_at, first_pass_after_at FROM intermediate.int_failed_attempts"
        )
    }
    assert failures == {
        # cmi5: completed, satisfied and terminated 6-9 s after the fail close the session; the relaunch under a new
        # registration at 19:00 is the retry, and that session's pass comes later.
        "8613c2cf": ("2016-06-09 19:00:28.879000+00:00", "2016-06-09 19:01:08.725000+00:00"),
        # The second session fails, then passes: a second graded outcome is a new attempt.
        "45bc4094": ("2016-06-09 19:01:08.725000+00:00", "2016-06-09 19:01:08.725000+00:00"),
        # Open edX: the problem check evaluated as failed, nothing after it.
        "c9c7da1a": (None, None),
    }


def test_completions_are_distinct_activities(warehouse: Warehouse) -> None:
    completions = dict(
        warehouse.query("SELECT employee_id, sum(completions) FROM marts.mart_engagement_weekly GROUP BY 1")
    )
    # cmi5: the AU completed twice and passed once is one completed activity; Moodle: the attempt completes its quiz;
    # the video is completed once; H5P's answers and Open edX's video events complete nothing.
    assert completions == {CMI5: 1, MOODLE: 1, VIDEO: 1, OPENEDX: 0, H5P: 0}
