"""The statements a demo organisation's learning tools send, week by week, person by person.

Deterministic for a seed and an end date. Each person's weekly number of sessions
follows their hidden engagement and fades from their `fade_start` on (most voluntary
leavers, some who stay). Managers mentor their reports and assign them paths.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

from ingest.generator import sessions
from ingest.generator.organisation import Employee
from ingest.generator.writer import LMS, Writer, agent, iso

__all__ = ["LMS", "generate_statements"]

KINDS = ["video", "podcast", "article", "quiz", "course", "social", "goal", "path", "recommendation"]
WEIGHTS = [24, 8, 10, 15, 9, 13, 4, 8, 6]
FADE_DAYS = 90


def _session(w: Writer, when: datetime, forum: sessions.Forum) -> list[dict]:
    kind = w.rng.choices(KINDS, weights=WEIGHTS)[0]
    if kind in ("video", "podcast"):
        return sessions.media(w, when, "video" if kind == "video" else "audio")
    if kind == "article":
        return sessions.article(w, when)
    if kind == "quiz":
        return sessions.quiz(w, when)
    if kind == "course":
        return sessions.cmi5_course(w, when)
    if kind == "social":
        return sessions.social(w, when, forum)
    if kind == "goal":
        return sessions.goal(w, when)
    if kind == "path":
        return sessions.path(w, when)
    return sessions.recommendation(w, when)


def _weekly_rate(person: Employee, week_start: date) -> float:
    rate = 0.4 + 2.6 * person.engagement
    if person.fade_start is not None and week_start >= person.fade_start:
        rate *= max(0.2, 1 - (week_start - person.fade_start).days / FADE_DAYS)
    return rate


def _poisson(rng: random.Random, lam: float) -> int:
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def _manager_week(w: Writer, week: date, end: date, reports: list[Employee]) -> list[dict]:
    """A manager's touchpoints this week: mentoring a report, or assigning them a path (their tool's statements)."""
    rng = w.rng
    present = [
        r
        for r in reports
        if r.hire_date <= week and (r.termination_date is None or r.termination_date > week + timedelta(days=7))
    ]
    if not present or rng.random() >= 0.45:
        return []
    report = rng.choice(present)
    when = datetime(week.year, week.month, week.day, 10, rng.randint(0, 59), tzinfo=timezone.utc)
    if rng.random() < 0.7:
        return [w.statement("mentored", "", "meeting", when, target=agent(report))]
    assigned = sessions.path(Writer(rng, report), when + timedelta(minutes=5), instructor=agent(w.person))
    # The report's own statements stop when the report leaves.
    assigned = [s for s in assigned if s["timestamp"] < _limit(report, end)]
    return [w.statement("assign", "", "learning-plan", when, target=agent(report)), *assigned]


def _limit(person: Employee, end: date) -> str:
    last = min(end, person.termination_date) if person.termination_date else end
    return iso(datetime(last.year, last.month, last.day, tzinfo=timezone.utc))


def generate_statements(people: list[Employee], months: int, seed: int, end: date) -> Iterator[dict]:
    """Every statement of the window [end - months, end), person by person (in a seeded order)."""
    rng = random.Random(seed * 7919 + 17)
    start = end - timedelta(days=30 * months)
    reports: dict[str, list[Employee]] = {}
    for person in people:
        if person.manager_id:
            reports.setdefault(person.manager_id, []).append(person)
    forum = sessions.Forum()
    # A seeded shuffle, so that replies answer posts of people both before and after them in the roster.
    order = list(people)
    rng.shuffle(order)
    for person in order:
        w = Writer(rng, person)
        limit = _limit(person, end)
        # Nobody learns here before their first day.
        week = max(start, person.hire_date)
        while week < end:
            if person.termination_date is not None and week >= person.termination_date:
                break
            batch: list[dict] = []
            for _ in range(_poisson(rng, _weekly_rate(person, week))):
                day = week + timedelta(days=rng.randint(0, 4))
                when = datetime(
                    day.year,
                    day.month,
                    day.day,
                    rng.randint(7, 18),
                    rng.randint(0, 59),
                    rng.randint(0, 59),
                    tzinfo=timezone.utc,
                )
                batch += [s for s in _session(w, when, forum) if s["timestamp"] < limit]
            if person.is_manager:
                batch += _manager_week(w, week, end, reports.get(person.employee_id, []))
            yield from batch
            week += timedelta(days=7)
