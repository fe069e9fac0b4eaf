"""The demo organisation generator: every signal of METRICS.md, deterministic, and leavers hard to spot alone."""

from __future__ import annotations

import csv
import random
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_predict
from sklearn.preprocessing import StandardScaler

from ingest.generator import build_organisation, generate_statements
from ingest.generator.organisation import Employee
from ingest.generator.roster import monthly_exports, write_roster
from ingest.generator.vocabulary import CMI5_CATEGORY, TYPES, VERBS, VIDEO_LENGTH
from ingest.roster.mapping import Mapping
from ingest.roster.validation import read_roster
from ingest.xapi.identity import actor_key

END = date(2026, 11, 1)


@pytest.fixture(scope="module")
def small() -> tuple[list[Employee], list[dict]]:
    people = build_organisation(120, 6, 11, END)
    return people, list(generate_statements(people, 6, 11, END))


@pytest.fixture(scope="module")
def default_org() -> tuple[list[Employee], list[dict], float]:
    """The `leerstroom generate` default (1,000 people, 12 months), with the seconds it took."""
    began = time.monotonic()
    people = build_organisation(1000, 12, 7, END)
    statements = list(generate_statements(people, 12, 7, END))
    return people, statements, time.monotonic() - began


def verb(statement: dict) -> str:
    return statement["verb"]["id"]


def when(statement: dict) -> datetime:
    return datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))


def test_same_seed_same_organisation_and_statements_other_seed_differs() -> None:
    first = build_organisation(40, 2, 5, END)
    assert build_organisation(40, 2, 5, END) == first
    assert list(generate_statements(first, 2, 5, END)) == list(generate_statements(first, 2, 5, END))
    other = build_organisation(40, 2, 6, END)
    assert [p.email for p in other] != [p.email for p in first]


def test_every_signal_of_the_metric_catalogue_is_sent(small) -> None:
    _, statements = small
    verbs = Counter(verb(s) for s in statements)
    wanted = [
        "played",
        "paused",
        "seeked",
        "initialized",
        "completed",
        "terminated",
        "viewed",
        "read",
        "attempted",
        "passed",
        "failed",
        "launched",
        "satisfied",
        "abandoned",
        "earned",
        "achieved",
        "posted",
        "replied",
        "commented",
        "voted-up",
        "reviewed",
        "registered",
        "progressed",
        "was-assigned",
        "recommended",
        "defined",
        "mentored",
        "assign",
    ]
    assert [name for name in wanted if not verbs[VERBS[name]]] == []
    types = Counter(s["object"].get("definition", {}).get("type") for s in statements)
    for kind in (
        "video",
        "audio",
        "article",
        "assessment",
        "course",
        "badge",
        "certificate",
        "discussion",
        "forum-reply",
        "learning-plan",
        "goal",
    ):
        assert types[TYPES[kind]], kind
    media = [s for s in statements if s["object"].get("definition", {}).get("type") in (TYPES["video"], TYPES["audio"])]
    assert all(s["object"]["definition"]["extensions"][VIDEO_LENGTH] > 0 for s in media)


def test_cmi5_sessions_carry_registration_and_category(small) -> None:
    _, statements = small
    cmi5 = [s for s in statements if verb(s) in (VERBS["launched"], VERBS["abandoned"], VERBS["satisfied"])]
    assert cmi5 and all(s["context"]["registration"] for s in cmi5)
    assert all({"id": CMI5_CATEGORY} in s["context"]["contextActivities"]["category"] for s in cmi5)
    by_registration = defaultdict(list)
    for s in statements:
        if s.get("context", {}).get("registration"):
            by_registration[s["context"]["registration"]].append(verb(s))
    # Every session starts with launched and ends terminated or abandoned.
    assert all(
        v[0] == VERBS["launched"] and v[-1] in (VERBS["terminated"], VERBS["abandoned"])
        for v in by_registration.values()
    )


def test_replies_answer_an_earlier_post_of_someone_else(small) -> None:
    _, statements = small
    posts = {s["id"]: s for s in statements if verb(s) == VERBS["posted"]}
    replies = [s for s in statements if verb(s) == VERBS["replied"]]
    assert len(replies) > 20
    for reply in replies:
        post = posts[reply["context"]["statement"]["id"]]
        assert reply["context"]["contextActivities"]["parent"][0]["id"] == post["object"]["id"]
        assert post["actor"] != reply["actor"] and when(post) < when(reply)


def test_quizzes_fail_then_retry_and_pass(small) -> None:
    _, statements = small
    outcomes = defaultdict(list)
    for s in sorted(statements, key=when):
        if verb(s) in (VERBS["passed"], VERBS["failed"]) and "/quiz/" in s["object"]["id"]:
            outcomes[(actor_key(s["actor"]), s["object"]["id"])].append(verb(s))
    assert any(seq[:2] == [VERBS["failed"], VERBS["passed"]] for seq in outcomes.values())


def test_managers_mentor_and_assign_their_own_reports(small) -> None:
    people, statements = small
    by_key = {actor_key({"mbox": p.mbox}): p for p in people}
    mentoring = [s for s in statements if verb(s) in (VERBS["mentored"], VERBS["assign"])]
    assert mentoring
    for s in mentoring:
        manager, report = by_key[actor_key(s["actor"])], by_key[actor_key(s["object"])]
        assert manager.is_manager and report.manager_id == manager.employee_id
    assigned = [s for s in statements if verb(s) == VERBS["was-assigned"]]
    assert assigned and all(by_key[actor_key(s["context"]["instructor"])].is_manager for s in assigned)


def test_some_recommendations_are_taken_up_within_seven_days(small) -> None:
    _, statements = small
    launches = defaultdict(list)
    for s in statements:
        if verb(s) == VERBS["launched"]:
            launches[(actor_key(s["actor"]), s["object"]["id"])].append(when(s))
    shown = [s for s in statements if verb(s) == VERBS["recommended"]]
    taken = [
        s
        for s in shown
        if any(
            timedelta(0) <= t - when(s) <= timedelta(days=7)
            for t in launches[(actor_key(s["actor"]), s["object"]["id"])]
        )
    ]
    assert shown and 0.2 < len(taken) / len(shown) < 0.9


def test_goals_belong_to_a_review_cycle(small) -> None:
    _, statements = small
    goals = [s for s in statements if s["object"].get("definition", {}).get("type") == TYPES["goal"]]
    assert goals and all(
        s["context"]["contextActivities"]["grouping"][0]["definition"]["type"] == TYPES["review"] for s in goals
    )


def test_no_statement_before_hire_after_the_end_or_after_its_actor_left(small) -> None:
    people, statements = small
    hired = {actor_key({"mbox": p.mbox}): p.hire_date for p in people}
    assert all(when(s).date() >= hired[actor_key(s["actor"])] for s in statements if "mbox" in s["actor"])
    left = {actor_key({"mbox": p.mbox}): p.termination_date for p in people if p.termination_date}
    left |= {
        actor_key(
            {"account": {"homePage": "https://lms.leerstroom-demo.example", "name": p.lms_account}}
        ): p.termination_date
        for p in people
        if p.termination_date
    }
    assert all(when(s).date() < END for s in statements)
    assert all(when(s).date() < left[actor_key(s["actor"])] for s in statements if actor_key(s["actor"]) in left)


def test_roster_csv_imports_cleanly_with_hr_attributes(small, tmp_path: Path) -> None:
    people, _ = small
    rows = read_roster(write_roster(people, tmp_path / "roster.csv"), Mapping())

    assert len(rows) == len(people) and all(len(r.actor_keys) == 2 for r in rows)
    assert all({"satisfaction", "overtime_hours", "leaderboard_opt_in"} <= set(r.attributes) for r in rows)
    opted_in = sum(r.attributes["leaderboard_opt_in"] for r in rows) / len(rows)
    assert 0.2 < opted_in < 0.4
    with (tmp_path / "roster.csv").open() as fh:
        assert {r["exit_voluntary"] for r in csv.DictReader(fh)} == {"", "true", "false"}


def employee_aggregates(people: list[Employee], statements: list[dict]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per person, as of a reference day (a leaver's last day; for others a day drawn like those): what a model sees."""
    rng = random.Random(1)
    leave_days = [p.termination_date for p in people if p.termination_date]
    reference = {p.employee_id: p.termination_date or rng.choice(leave_days) for p in people}
    owner = {}
    for p in people:
        owner[actor_key({"mbox": p.mbox})] = p.employee_id
        owner[actor_key({"account": {"homePage": "https://lms.leerstroom-demo.example", "name": p.lms_account}})] = (
            p.employee_id
        )
    days = defaultdict(list)
    failed: Counter[str] = Counter()
    social: Counter[str] = Counter()
    badges: Counter[str] = Counter()
    for s in statements:
        person = owner.get(actor_key(s["actor"]))
        day = when(s).date()
        if person is None or not (reference[person] - timedelta(days=120) <= day < reference[person]):
            continue
        days[person].append(day)
        failed[person] += verb(s) == VERBS["failed"]
        social[person] += verb(s) in (VERBS["posted"], VERBS["replied"], VERBS["commented"], VERBS["voted-up"])
        badges[person] += verb(s) in (VERBS["earned"], VERBS["achieved"])
    names = [
        "days_since_last",
        "recent_4w",
        "slope",
        "failed",
        "social",
        "badges",
        "satisfaction",
        "overtime",
        "days_since_promotion",
        "tenure",
    ]
    rows, labels = [], []
    for p in people:
        if p.is_manager:
            continue
        r = reference[p.employee_id]
        seen = days[p.employee_id]
        recent = sum(d >= r - timedelta(days=28) for d in seen)
        before = sum(r - timedelta(days=84) <= d < r - timedelta(days=28) for d in seen)
        rows.append(
            [
                (r - max(seen)).days if seen else 120,
                recent,
                recent - before / 2,
                failed[p.employee_id],
                social[p.employee_id],
                badges[p.employee_id],
                p.satisfaction,
                p.overtime_hours,
                (r - p.last_promotion_date).days if p.last_promotion_date else (r - p.hire_date).days,
                (r - p.hire_date).days,
            ]
        )
        labels.append(bool(p.termination_date and p.exit_voluntary))
    return np.array(rows, dtype=float), np.array(labels), names


def test_no_single_feature_separates_voluntary_leavers_but_together_they_carry_a_signal(default_org) -> None:
    people, statements, _ = default_org
    features, leaves, names = employee_aggregates(people, statements)
    single = {name: roc_auc_score(leaves, features[:, i]) for i, name in enumerate(names)}
    best = max(max(auc, 1 - auc) for auc in single.values())

    assert 60 <= leaves.sum() <= 160, "about one in eight non-managers leaves voluntarily in 12 months"
    assert best <= 0.75, single
    # Fading learning is the strongest hint, in the expected direction.
    assert single["recent_4w"] < 0.4 and single["days_since_last"] > 0.6
    z = StandardScaler().fit_transform(features)
    together = cross_val_predict(LogisticRegression(C=1.0), z, leaves, cv=5, method="predict_proba")[:, 1]
    assert 0.65 <= roc_auc_score(leaves, together) <= 0.9


def test_the_default_organisation_generates_quickly(default_org) -> None:
    _, statements, seconds = default_org

    assert len(statements) > 100_000
    assert seconds < 60


def test_the_hris_history_holds_at_each_month_only_what_hr_knew_then(default_org, tmp_path: Path) -> None:
    people = default_org[0]
    exports = list(monthly_exports(people, date(2026, 1, 17), END, tmp_path))

    assert [exported.date() for exported, _ in exports] == [date(2026, month, 1) for month in range(1, 12)]
    by_id = {person.employee_id: person for person in people}
    for exported, path in exports:
        day = exported.date()
        rows = read_roster(path, Mapping())  # every export passes the importer's own validation
        listed = {row.employee_id for row in rows}
        assert listed == {p.employee_id for p in people if p.hire_date <= day}
        for row in rows:
            truth = by_id[row.employee_id]
            # An exit or a promotion after the export's day is not in it; one before it is, as it happened.
            assert row.termination_date == (
                truth.termination_date if truth.termination_date and truth.termination_date <= day else None
            )
            promoted = row.attributes.get("last_promotion_date") or None
            assert promoted == (
                truth.last_promotion_date.isoformat()
                if truth.last_promotion_date and truth.last_promotion_date <= day
                else None
            )
            assert row.manager_id is None or row.manager_id in listed
    # Exits happen over the year, so the exports differ in what they know.
    assert len({path.read_text() for _, path in exports}) == len(exports)
