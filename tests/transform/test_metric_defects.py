"""One test per defect that made the metrics wrong on what real tools send (issue "Metrics that hold on what real
tools send"), on a small organisation whose answers are worked out by hand. Real tools' own sequences are in
test_real_tool_sequences.py (the video corpus's 4x minutes among them); docs/metrics.md has the rules.

The organisation (roster of 16 April 2025; data from Mon 20 Jan to Wed 16 Apr 2025, so April, Q2 and the week of
14 April are still running; no managers, goals, badges or learning paths):
- Sales / North: n1..n5 read the handbook every Monday from 20 Jan to 17 Mar (9 weeks) and played the intro video
  on 4 Feb; n1 completed the video on 4 and 5 Mar; n3 took a cmi5 course on 3 Mar, failed it and closed it.
- Sales / South: s1..s5 read the handbook, played the video and passed quiz q on Mon 10 Feb; s2 also failed quiz q2
  three times that Wednesday, retrying each time, and passed it; s1 was recommended course c1 on 3 Feb, launched it
  the next day, and read the handbook on 16 Apr.
- Moodle (an actor missing from the roster) sent its logstore's twelve `create` statements on 4 Mar: eleven are
  authoring (a book, a course, a calendar event, ...), one starts a forum discussion.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from math import log

import pytest

from leerstroom.settings import Settings
from tests.fixtures.data import corpus_statements
from tests.transform.lake_rows import append_raw
from tests.transform.test_metrics_lake import (
    ACTIVITIES,
    TINCAN_VERBS,
    VERBS,
    VIDEO,
    Employee,
    Warehouse,
    at,
    dbt_build,
    import_roster,
    statement,
)

ARTICLE = "http://id.tincanapi.com/activitytype/article"
HANDBOOK = "https://org.example/articles/handbook"
INTRO = "https://org.example/videos/intro"
QUIZ, QUIZ_2 = "https://org.example/quizzes/q", "https://org.example/quizzes/q2"
COURSE_1, COURSE_2 = "https://org.example/courses/c1", "https://org.example/courses/c2/au1"
RECOMMENDED = "https://w3id.org/xapi/dod-isd/verbs/recommended"
CMI5_SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MOODLE = "unknown:account:http://www.example.org::1"
NORTH = [f"n{n}" for n in range(1, 6)]
SOUTH = [f"s{n}" for n in range(1, 6)]


def roster() -> list[Employee]:
    return [Employee(person, "Sales", "North") for person in NORTH] + [
        Employee(person, "Sales", "South") for person in SOUTH
    ]


def mondays(first: date, last: date) -> list[str]:
    days, day = [], first
    while day <= last:
        days.append(day.isoformat())
        day += timedelta(days=7)
    return days


def quiz(person: str, quiz_id: str, start: str, passed: bool) -> list[dict]:
    end = (datetime.fromisoformat(start) + timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M")
    return [
        statement(person, VERBS + "attempted", start, object_id=quiz_id, activity_type=ACTIVITIES + "assessment"),
        statement(
            person,
            VERBS + ("passed" if passed else "failed"),
            end,
            object_id=quiz_id,
            activity_type=ACTIVITIES + "assessment",
            result={"success": passed, "duration": "PT10M"},
        ),
    ]


def cmi5_session(person: str, registration: str, session: str) -> list[dict]:
    """What a cmi5 player sends for a failed session: the fail, then `terminated` 30 s later (cmi5 section 9.3)."""
    context = {"registration": registration, "extensions": {CMI5_SESSION: session}}
    made = [
        statement(
            person,
            VERBS + verb,
            when,
            object_id=COURSE_2,
            activity_type=ACTIVITIES + "course",
            context=context,
            result=result,
        )
        for verb, when, result in (
            ("launched", "2025-03-03 09:00", None),
            ("initialized", "2025-03-03 09:00", None),
            ("failed", "2025-03-03 09:20", {"success": False, "duration": "PT19M40S"}),
        )
    ]
    terminated = statement(
        person,
        VERBS + "terminated",
        "2025-03-03 09:20",
        object_id=COURSE_2,
        activity_type=ACTIVITIES + "course",
        context=context,
        result={"duration": "PT20M10S"},
    )
    terminated["timestamp"] = terminated["stored"] = at("2025-03-03 09:20").replace(second=30).isoformat()
    return made + [terminated]


def statements() -> list[dict]:
    made = []
    for person in NORTH:
        made += [
            statement(person, TINCAN_VERBS + "viewed", f"{day} 09:00", object_id=HANDBOOK, activity_type=ARTICLE)
            for day in mondays(date(2025, 1, 20), date(2025, 3, 17))
        ]
        made.append(
            statement(
                person,
                "https://w3id.org/xapi/video/verbs/played",
                "2025-02-04 10:00",
                object_id=INTRO,
                activity_type=VIDEO,
            )
        )
    made += [
        statement("n1", VERBS + "completed", when, object_id=INTRO, activity_type=VIDEO)
        for when in ("2025-03-04 10:00", "2025-03-05 10:00")
    ]
    made += cmi5_session("n3", "7f1b2a3c-0000-4000-8000-000000000003", "c2-session-n3")
    for person in SOUTH:
        made += [
            statement(person, TINCAN_VERBS + "viewed", "2025-02-10 09:00", object_id=HANDBOOK, activity_type=ARTICLE),
            statement(
                person,
                "https://w3id.org/xapi/video/verbs/played",
                "2025-02-10 09:30",
                object_id=INTRO,
                activity_type=VIDEO,
            ),
        ]
        made += quiz(person, QUIZ, "2025-02-10 10:00", passed=True)
    for hour, passed in ((10, False), (11, False), (12, False), (13, True)):
        made += quiz("s2", QUIZ_2, f"2025-02-12 {hour}:00", passed=passed)
    made += [
        statement("s1", RECOMMENDED, "2025-02-03 09:00", object_id=COURSE_1, activity_type=ACTIVITIES + "course"),
        statement(
            "s1",
            VERBS + "launched",
            "2025-02-04 09:00",
            object_id=COURSE_1,
            activity_type=ACTIVITIES + "course",
            context={"registration": "7f1b2a3c-0000-4000-8000-000000000001"},
        ),
        statement("s1", TINCAN_VERBS + "viewed", "2025-04-16 10:00", object_id=HANDBOOK, activity_type=ARTICLE),
    ]
    # Moodle's own statements carry no timestamp: they count from when the LRS stored them.
    made += [
        {**created, "id": f"00000000-0000-4000-8000-{number:012d}", "stored": at("2025-03-04 12:00").isoformat()}
        for number, created in enumerate(
            s for s in corpus_statements("moodle-logstore-xapi.ndjson") if s["verb"]["id"].endswith("/create")
        )
    ]
    return made


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("defects") / "data")
    import_roster(settings, roster(), at("2025-04-16 18:00"))
    append_raw(settings, statements())
    dbt_build(settings, with_tests=False)
    warehouse = Warehouse(settings)
    yield warehouse
    warehouse.close()


def test_1_learning_time_is_counted_once_per_session(org: Warehouse) -> None:
    # n3's cmi5 session reports its duration so far in `failed` (PT19M40S) and `terminated` (PT20M10S): the session
    # lasted 1210 s, not 1180 + 1210 = 2390 s. Its handbook view that morning is a session of its own (0 s).
    assert org.query("""SELECT learning_minutes FROM marts.mart_engagement_weekly
                        WHERE employee_id = 'n3' AND week_start = '2025-03-03'""") == [(20.17,)]
    assert org.query("""SELECT sum(learning_seconds) FROM marts.mart_daily_activity
                        WHERE person_id = 'n3' AND activity_date = '2025-03-03'""") == [(1210.0,)]


def test_2_a_statement_after_a_failure_is_not_a_retry(org: Warehouse) -> None:
    # cmi5's `terminated` 30 s after `failed` closes the session: n3 never retried, so the retention features see a
    # failure not retried, and T3 counts 3 of the 4 failures of Q1 as retried (s2's), not 4.
    assert org.query("SELECT first_retry_at FROM intermediate.int_failed_attempts WHERE person_id = 'n3'") == [(None,)]
    assert org.query("""SELECT failed_not_retried FROM marts.mart_retention_features
                        WHERE employee_id = 'n3' AND snapshot_date = '2025-03-31'""") == [(1,)]
    assert org.query("""SELECT failed_attempts, retried_within_14_days, passed_after_fail, t3_mistakes_as_learning
                        FROM marts.mart_mistakes_retries
                        WHERE unit_level = 'organisation' AND quarter_start = '2025-01-01'""") == [(4, 3, 3, 75.0)]


def test_3_a_lever_no_connected_tool_measures_is_not_measured_and_not_zero(org: Warehouse) -> None:
    # No tool sends paths, assignments or goals (T2, L5), badges (L2), and there are no managers (T4): not measured,
    # NULL, and the LCI is the mean of the 6 sub-scores that are.
    row = org.query("""SELECT t1_continuous_learning, t2_development_facilitated, t3_mistakes_as_learning,
                              t4_leadership_active, t5_diverse_resources, l1_microlearning, l2_gamification,
                              l3_personalised_paths, l4_social_learning, l5_tied_to_performance, lci
                       FROM marts.mart_lci_unit_quarter
                       WHERE unit_level = 'organisation' AND quarter_start = '2025-01-01'""")[0]
    t1, t2, t3, t4, t5, l1, l2, l3, l4, l5, lci = row
    assert (t2, t4, l2, l5) == (None, None, None, None)
    assert None not in (t1, t3, t5, l1, l3, l4)
    assert lci == pytest.approx(sum((t1, t3, t5, l1, l3, l4)) / 6, abs=0.11)
    assert org.query("""SELECT measured_sub_scores FROM marts.mart_lci_unit_quarter
                        WHERE unit_level = 'organisation' AND quarter_start = '2025-01-01'""") == [(6,)]


def test_4_headlines_compare_complete_periods_and_windows_say_when_history_is_short(org: Warehouse) -> None:
    # T1 for April so far: the 13 weeks up to 16 April (20 Jan - 14 Apr) hold n1..n5's 9 active weeks: 5 of 10 people.
    # (Counting the 13 weeks to 30 April would reach weeks not here yet and find only 7 active weeks each: 0.)
    assert org.query(
        "SELECT t1_continuous_learning FROM marts.mart_lci_org_month WHERE month_start = '2025-04-01'"
    ) == [(50.0,)]
    months = {
        str(month): rest
        for month, *rest in org.query(
            "SELECT month_start, is_complete, lci_change, is_history_short FROM marts.mart_lci_org_month"
        )
    }
    # April runs until data arrive after its 30th: "so far", with no change against March.
    assert months["2025-04-01"][:2] == [False, None]
    assert months["2025-03-01"][0] is True and months["2025-03-01"][1] is not None
    # Every 365-day window reaches back before 20 January: flagged.
    assert {flags[2] for flags in months.values()} == {True}
    weeks = dict(
        org.query("""SELECT week_start, is_complete FROM marts.mart_engagement_unit_weekly
                              WHERE unit_level = 'organisation' AND week_start >= '2025-04-07'""")
    )
    assert weeks == {date(2025, 4, 7): True, date(2025, 4, 14): False}


def test_5a_resource_diversity_is_over_a_fixed_taxonomy(org: Warehouse) -> None:
    # Six kinds (seed resource_kinds). n1, n2, n4, n5 used a reading and a video: ln 2 / ln 6; n3 also a course:
    # ln 3 / ln 6. North's mean: (4 ln 2 + ln 3) / (5 ln 6) = 0.4321 -> 43.2. The Moodle tool's authoring types, the
    # quizzes South used and the course n3 took do not lower it, as dividing by the organisation's types did.
    expected = round(100 * (4 * log(2) + log(3)) / (5 * log(6)), 1)
    assert org.query("""SELECT t5_diverse_resources FROM marts.mart_lci_unit_quarter
                        WHERE unit_name = 'Sales / North' AND quarter_start = '2025-01-01'""") == [(expected,)]
    assert expected == 43.2


def test_5b_l3_is_the_share_of_launches_that_follow_a_recommendation(org: Warehouse) -> None:
    # Q1 launches: 5 attempts at q, 4 at q2, s1's launch of c1, n3's cmi5 session (launched and initialized: one
    # launch) = 11; 1 came within 7 days of a recommendation: 9.1. No path tool: enrolment and progress are not
    # measured. (The recommendation's own uptake is 1 of 1 = 100, which L3 used to average with a path share of 0.)
    assert org.query("""SELECT l3_personalised_paths FROM marts.mart_lci_unit_quarter
                        WHERE unit_level = 'organisation' AND quarter_start = '2025-01-01'""") == [(9.1,)]
    assert org.query("""SELECT uptake_within_7_days_percent FROM marts.mart_recommendation_uptake
                        WHERE unit_level = 'organisation' AND quarter_start = '2025-01-01'""") == [(100.0,)]


def test_5c_completions_count_distinct_activities(org: Warehouse) -> None:
    # n1 completed the intro video on Tuesday and again on Wednesday: one activity.
    assert org.query("""SELECT completions FROM marts.mart_engagement_weekly
                        WHERE employee_id = 'n1' AND week_start = '2025-03-03'""") == [(1,)]


def test_5d_engagement_segments_may_overlap(org: Warehouse) -> None:
    # s2's week of 10 Feb: 2 active days, at or above the baseline's 85th percentile (1): highly engaged; 5 graded
    # attempts for 2 passes = 2.5 per pass, the baseline's highest (85th percentile 2.5): struggling too.
    assert org.query("""SELECT highly_engaged_count, struggling_count FROM marts.mart_engagement_unit_weekly
                        WHERE unit_name = 'Sales / South' AND week_start = '2025-02-10'""") == [(5, 1)]
    assert org.query("""SELECT is_highly_engaged, is_struggling, engagement_segments FROM marts.mart_engagement_weekly
                        WHERE employee_id = 's2' AND week_start = '2025-02-10'""") == [
        (True, True, ["highly_engaged", "struggling"])
    ]


def test_5e_moodle_create_is_social_only_when_it_starts_a_discussion(org: Warehouse) -> None:
    # Of Moodle's twelve `create` statements only the forum discussion is a social action (and a post).
    assert org.query(f"""SELECT social_actions FROM marts.mart_engagement_weekly
                         WHERE employee_id = '{MOODLE}' AND week_start = '2025-03-03'""") == [(1,)]
