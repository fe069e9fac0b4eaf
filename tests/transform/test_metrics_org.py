"""Metrics of a hand-made organisation through the real `leerstroom transform`: answers worked out by hand.

The organisation (all statements in Q1 2025, the newest stored on 2 April, so Q1 is the engagement baseline):
- Board / Exec: ceo (manages n1 and d1).
- Sales / North: n1 (manager of n2..n5, s1, s2), n2 (two identities), n3 (leaderboard opt-in), n4, n5.
- Sales / South: s1, s2 (two people: below privacy_k = 5, so suppressed everywhere).
- Support / Desk: d1 (manager of d2..d5), d2..d5.
- bob was on the first roster import only; the latest import dropped him, so his statement is the 'unknown unit'.
Q1 headcount of the organisation: 13 roster employees + bob = 14.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from leerstroom.settings import Settings
from tests.transform.lake_rows import append_raw
from tests.transform.test_metrics_lake import (
    ACROSSX_VERBS,
    ACTIVITIES,
    GOAL,
    REVIEW,
    TINCAN_VERBS,
    VERBS,
    VIDEO,
    VIDEO_VERBS,
    Employee,
    Warehouse,
    at,
    dbt_build,
    import_roster,
    mbox,
    statement,
)

DISCUSSION = "http://id.tincanapi.com/activitytype/discussion"
FORUM_REPLY = "http://id.tincanapi.com/activitytype/forum-reply"
ARTICLE = "http://id.tincanapi.com/activitytype/article"
POST_D1 = "https://org.example/forum/d1"
N1_ACTIVE_MONDAYS = ["01-06", "01-13", "01-20", "01-27", "02-03", "02-10", "02-17", "02-24", "03-03", "03-10"]


def roster() -> list[Employee]:
    sales = [
        Employee("n1", "Sales", "North", "ceo"),
        Employee("n2", "Sales", "North", "n1", identities=["n2", "n2.lms"]),
        Employee("n3", "Sales", "North", "n1", attributes={"leaderboard_opt_in": True}),
        Employee("n4", "Sales", "North", "n1"),
        Employee(
            "n5",
            "Sales",
            "North",
            "n1",
            termination_date=date(2025, 5, 31),
            exit_voluntary=True,
            attributes={"satisfaction": 2.5, "overtime_hours": 12},
        ),
        Employee("s1", "Sales", "South", "n1"),
        Employee("s2", "Sales", "South", "n1"),
    ]
    support = [Employee("d1", "Support", "Desk", "ceo")] + [
        Employee(f"d{n}", "Support", "Desk", "d1") for n in range(2, 6)
    ]
    return [Employee("ceo", "Board", "Exec")] + sales + support


def statements() -> list[dict]:
    made = [statement("n1", VERBS + "experienced", "2025-01-01 08:00")]
    made += [statement("n1", VERBS + "experienced", f"2025-{day} 08:00") for day in N1_ACTIVE_MONDAYS]
    made.append(statement("n1", VERBS + "experienced", "2025-04-02 08:00"))
    # n1 mentors n2 twice: two touchpoints of n2's own manager.
    made += [
        statement("n1", TINCAN_VERBS + "mentored", when, object_agent="n2")
        for when in ("2025-01-13 15:00", "2025-02-10 15:00")
    ]
    # n2 in the week of 6 Jan, through both identities (worked out in test_one_persons_week_...).
    made += [
        statement(
            "n2",
            VIDEO_VERBS + "played",
            "2025-01-06 09:00",
            object_id="https://org.example/video/1",
            activity_type=VIDEO,
            result={"extensions": {"https://w3id.org/xapi/video/extensions/played-segments": "0[.]120[,]300[.]480"}},
        ),
        statement(
            "n2.lms",
            VERBS + "completed",
            "2025-01-06 09:10",
            object_id="https://org.example/video/1",
            activity_type=VIDEO,
        ),
        statement(
            "n2",
            VERBS + "failed",
            "2025-01-08 10:00",
            object_id="https://org.example/quiz/1",
            activity_type=ACTIVITIES + "assessment",
            result={"duration": "PT4M", "success": False},
        ),
        statement(
            "n2.lms",
            VERBS + "passed",
            "2025-01-10 10:00",
            object_id="https://org.example/quiz/1",
            activity_type=ACTIVITIES + "assessment",
            result={"duration": "PT6M", "success": True},
        ),
        statement(
            "n2",
            TINCAN_VERBS + "replied",
            "2025-01-08 12:00",
            activity_type=FORUM_REPLY,
            context={"contextActivities": {"parent": [{"id": POST_D1}]}},
        ),
    ]
    made += [
        statement("d2", ACROSSX_VERBS + "posted", "2025-01-07 09:00", object_id=POST_D1, activity_type=DISCUSSION),
        statement(
            "s1",
            TINCAN_VERBS + "replied",
            "2025-01-09 09:00",
            activity_type=FORUM_REPLY,
            context={"contextActivities": {"parent": [{"id": POST_D1}]}},
        ),
        statement(
            "d2",
            VERBS + "failed",
            "2025-02-03 10:00",
            object_id="https://org.example/quiz/2",
            activity_type=ACTIVITIES + "assessment",
        ),
        statement("d3", TINCAN_VERBS + "viewed", "2025-01-07 11:00", activity_type=ARTICLE),
        # Late: happened on 20 Jan, reached the LRS on 3 Feb.
        statement("n4", TINCAN_VERBS + "viewed", "2025-01-20 11:00", stored="2025-02-03 09:00", activity_type=ARTICLE),
        statement(
            "n3",
            "http://specification.openbadges.org/xapi/verbs/earned",
            "2025-02-03 10:00",
            activity_type="http://activitystrea.ms/schema/1.0/badge",
        ),
        statement(
            "n3",
            "http://specification.openbadges.org/xapi/verbs/earned",
            "2025-02-04 10:00",
            activity_type="http://activitystrea.ms/schema/1.0/badge",
        ),
        statement(
            "d4",
            "http://specification.openbadges.org/xapi/verbs/earned",
            "2025-02-05 10:00",
            activity_type="http://activitystrea.ms/schema/1.0/badge",
        ),
        statement(
            "d1",
            TINCAN_VERBS + "defined",
            "2025-01-15 09:00",
            object_id="https://org.example/goal/g1",
            activity_type=GOAL,
            context={
                "contextActivities": {
                    "grouping": [{"id": "https://org.example/review/2025", "definition": {"type": REVIEW}}]
                }
            },
        ),
        statement(
            "d1", VERBS + "completed", "2025-03-01 09:00", object_id="https://org.example/goal/g1", activity_type=GOAL
        ),
        statement(
            "d2",
            TINCAN_VERBS + "defined",
            "2025-01-16 09:00",
            object_id="https://org.example/goal/g2",
            activity_type=GOAL,
        ),
        statement("bob", VERBS + "completed", "2025-01-08 09:00"),
    ]
    return made


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("org") / "data")
    first = roster() + [Employee("bob", "Sales", "North", "n1")]
    first[2] = Employee("n2", "Support", "Desk", "d1", identities=["n2"])
    import_roster(settings, first, at("2025-01-01 00:00"), "january.csv")
    import_roster(settings, roster(), at("2025-04-02 18:00"), "april.csv")
    append_raw(settings, statements())
    dbt_build(settings)
    warehouse = Warehouse(settings)
    yield warehouse
    warehouse.close()


def test_the_latest_roster_import_is_the_current_roster_and_history_is_kept(org: Warehouse) -> None:
    assert org.query("SELECT department FROM staging.stg_hris__employees WHERE employee_id = 'n2'") == [("Sales",)]
    assert org.query("SELECT count(*) FROM staging.stg_hris__employees") == [(13,)]
    assert org.query(
        "SELECT employee_id FROM staging.stg_hris__identities WHERE actor_key = ?", [f"mbox:{mbox('n2.lms')}"]
    ) == [("n2",)]
    # Both imports stay in the lake: 14 + 13 roster rows.
    assert org.query("SELECT count(*) FROM lake.raw.roster") == [(27,)]
    assert org.query(
        "SELECT department, team FROM intermediate.int_people WHERE person_id = ?", [f"unknown:mbox:{mbox('bob')}"]
    ) == [("unknown unit", "unknown unit")]


def test_one_persons_week_merges_identities_and_counts_each_component(org: Warehouse) -> None:
    # n2, week of Mon 6 Jan: active Mon (both identities), Wed and Fri = 3 days;
    # minutes, each session once (docs/metrics.md): the video (no Video Profile session id) played 09:00 and completed
    # 09:10 is a run of statements, 600 s; the failed quiz (PT4M) on Wed and the passed one (PT6M) on Fri are lone
    # results that report their attempt's time, 240 s and 360 s; the reply is a session of 0 s -> 1200 s = 20 min;
    # completions: completed video + passed quiz = 2; breadth: video, assessment, forum-reply = 3; social: 1 reply.
    assert (
        org.query("""SELECT active_days, learning_minutes, completions, breadth, social_actions
                         FROM marts.mart_engagement_weekly WHERE employee_id = 'n2' AND week_start = '2025-01-06'""")
        == [(3, 20.0, 2, 3, 1)]
    )


def test_segments_follow_the_open_edx_rules(org: Warehouse) -> None:
    rows = {
        (employee, str(week)): (segment, index)
        for employee, week, segment, index in org.query("""
        SELECT employee_id, week_start, engagement_segment, engagement_index FROM marts.mart_engagement_weekly
        WHERE employee_id IN ('d3', 'ceo', 'n2') AND week_start IN ('2025-01-06', '2025-01-13', '2025-01-20')""")
    }
    # d3 was active once, on Tue 7 Jan. Fewer than 15 % of the baseline's person-weeks have any active day, so
    # the 85th percentile of active_days is 0 and any activity is "highly engaged" (the rule's "value above zero").
    # The next week d3 is disengaging (active 8-14 days before its end), then inactive.
    assert rows[("d3", "2025-01-06")][0] == "highly_engaged"
    assert rows[("d3", "2025-01-13")][0] == "disengaging"
    assert rows[("d3", "2025-01-20")][0] == "inactive"
    # The ceo never learned: inactive, and an index of 0 (no baseline week scores below zero).
    assert {rows[("ceo", week)] for week in ("2025-01-06", "2025-01-13", "2025-01-20")} == {("inactive", 0.0)}
    # n2's 15 minutes are the most of any baseline week, so at or above the 85th percentile: highly engaged.
    assert rows[("n2", "2025-01-06")][0] == "highly_engaged" and rows[("n2", "2025-01-06")][1] > 50


def test_organisation_totals_equal_the_sum_of_units_and_of_people(org: Warehouse) -> None:
    headcounts = org.query("""
        SELECT week_start, unit_level, sum(headcount) FROM marts.mart_engagement_unit_weekly GROUP BY 1, 2""")
    by_week: dict = {}
    for week, level, headcount in headcounts:
        by_week.setdefault(week, {})[level] = headcount
    assert by_week and all(len(set(levels.values())) == 1 and len(levels) == 3 for levels in by_week.values())
    # Week of 6 Jan: 13 roster employees + bob (unknown unit, active on 8 Jan).
    assert by_week[date(2025, 1, 6)]["organisation"] == 14
    mismatches = org.query("""
        WITH people AS (
            SELECT week_start, count(*) AS headcount, count(*) FILTER (WHERE active_days > 0) AS active_learners,
                   sum(learning_minutes) AS minutes, sum(engagement_index) AS index_sum,
                   count(*) FILTER (WHERE engagement_segment = 'inactive') AS inactive
            FROM marts.mart_engagement_weekly GROUP BY 1)
        SELECT * FROM marts.mart_engagement_unit_weekly AS unit JOIN people USING (week_start)
        WHERE unit.unit_level = 'organisation' AND NOT (
            unit.headcount = people.headcount AND unit.active_learners = people.active_learners
            AND abs(unit.total_learning_minutes - people.minutes) < 1e-9
            AND abs(unit.sum_engagement_index - people.index_sum) < 1e-6 AND unit.inactive_count = people.inactive)""")
    assert mismatches == []


UNIT_MARTS = [
    "mart_engagement_unit_weekly",
    "mart_lci_unit_quarter",
    "mart_microlearning_unit_quarter",
    "mart_gamification_unit_quarter",
    "mart_paths_unit_quarter",
    "mart_recommendation_uptake",
    "mart_social_unit_quarter",
    "mart_goals_unit_quarter",
    "mart_manager_participation",
    "mart_mistakes_retries",
]
# Besides the unit and period: whether the period is complete, or its windows short, says nothing about anyone.
KEYS = {
    "unit_level",
    "unit_name",
    "week_start",
    "quarter_start",
    "headcount",
    "is_suppressed",
    "is_complete",
    "is_history_short",
}


@pytest.mark.parametrize("mart", UNIT_MARTS)
def test_no_unit_below_privacy_k_shows_a_number(org: Warehouse, mart: str) -> None:
    columns = [
        name
        for (name,) in org.query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' AND table_name = ?", [mart]
        )
    ]
    metrics = [c for c in columns if c not in KEYS]
    leaks = org.query(f"""SELECT unit_name FROM marts.{mart}
                           WHERE (headcount < 5) <> is_suppressed
                              OR (is_suppressed AND NOT ({" AND ".join(f"{m} IS NULL" for m in metrics)}))""")
    assert leaks == []
    # Sales / South (2 people) and the ceo's Board (1) are there, but only as suppressed rows.
    suppressed = {name for (name,) in org.query(f"SELECT DISTINCT unit_name FROM marts.{mart} WHERE is_suppressed")}
    assert {"Sales / South", "Board"} <= suppressed


def test_help_network_shows_who_helps_whom_only_between_large_enough_teams(org: Warehouse) -> None:
    assert org.query("""SELECT helper_team, helped_team, is_suppressed, replies FROM marts.mart_social_help_network
                         ORDER BY 1""") == [
        ("Sales / North", "Support / Desk", False, 1),  # n2 answered d2's post
        ("Sales / South", "Support / Desk", True, None),  # s1 did too, but South has 2 people
    ]


def test_leaderboard_shows_only_people_who_opted_in(org: Warehouse) -> None:
    # n3 (opted in) earned 2 badges, d4 earned 1 but did not opt in.
    assert org.query(
        "SELECT quarter_start, employee_id, badges, leaderboard_rank FROM marts.mart_gamification_leaderboard"
    ) == [(date(2025, 1, 1), "n3", 2, 1)]


def test_learning_culture_sub_scores_worked_by_hand(org: Warehouse) -> None:
    row = org.query("""SELECT headcount, t1_continuous_learning, t3_mistakes_as_learning, t4_leadership_active,
                               l5_tied_to_performance FROM marts.mart_lci_unit_quarter
                        WHERE unit_level = 'organisation' AND quarter_start = '2025-01-01'""")
    # Headcount 14. T1: only n1 was active in >= 9 of the 13 weeks ending 31 Mar: 100 x 1/14 = 7.1.
    # T3: two fails (n2 retried after 2 days and passed; d2 never retried):
    # retried 1/2 = 50, passed after 1/2 = 50 -> 50.
    # T4: managers ceo, n1, d1; n1 and d1 learned this quarter: 66.667; touchpoints per direct report: n1 mentored n2
    #     twice, 12 direct reports -> 0.1667, anchors 0..3 -> 5.556; mean 36.111 -> 36.1.
    # L5: d1's goal is linked to a review cycle: 1/14 = 7.143; goals defined 2 (d1, d2), completed 1 -> 50;
    # mean 28.571 -> 28.6.
    assert row == [(14, 7.1, 50.0, 36.1, 28.6)]


def test_every_mart_has_rows_and_the_lci_stays_in_range(org: Warehouse) -> None:
    marts = [
        name
        for (name,) in org.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' AND table_name LIKE 'mart_%'"
        )
    ]
    empty = [mart for mart in marts if org.query(f"SELECT count(*) FROM marts.{mart}")[0][0] == 0]
    assert len(marts) >= 17 and empty == []
    assert org.query("SELECT count(*) FROM marts.mart_lci_org_month WHERE lci NOT BETWEEN 0 AND 100") == [(0,)]
    assert org.query("SELECT count(*), count(lci) FROM marts.mart_lci_org_month") == [(4, 4)]


def test_retention_features_use_only_statements_stored_by_the_snapshot(org: Warehouse) -> None:
    features = {
        (employee, str(snapshot)): rest
        for employee, snapshot, *rest in org.query("""
        SELECT employee_id, snapshot_date, days_since_last_statement, failed_not_retried, zero_social,
               label_voluntary_exit_180d, label_observed
        FROM marts.mart_retention_features WHERE employee_id IN ('n4', 'd2', 'n5')""")
    }
    # Month-ends the data reached: 31 Jan, 28 Feb, 31 Mar; 13 roster employees each.
    assert org.query("SELECT count(*), count(DISTINCT snapshot_date) FROM marts.mart_retention_features") == [(39, 3)]
    # n4's statement of 20 Jan was stored on 3 Feb: unknown at 31 Jan; at 28 Feb it is 39 days old.
    assert features[("n4", "2025-01-31")][0] is None
    assert features[("n4", "2025-02-28")][0] == 39
    # d2 failed quiz 2 on 3 Feb and never retried; at 31 Jan nothing had failed yet. d2 posted on 7 Jan: social.
    assert features[("d2", "2025-01-31")][1:3] == [0, False]
    assert features[("d2", "2025-02-28")][1] == 1
    # n5 leaves voluntarily on 31 May, but HR's roster of 2 April cannot yet show 180 days after any snapshot.
    assert {tuple(features[("n5", s)][3:]) for s in ("2025-01-31", "2025-02-28", "2025-03-31")} == {(None, False)}
