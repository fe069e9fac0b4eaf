"""The statements a demo organisation's learning tools send: video, podcasts, quizzes, cmi5, social, goals.

Deterministic for a seed and an end date. Voluntary leavers tend to learn less in
the months before they go; some do not, and some who stay fade too, so no single
signal gives them away.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

from ingest.generator.organisation import DOMAIN, Employee
from ingest.generator.vocabulary import CMI5_PROGRESS, TYPES, VERBS, VIDEO_LENGTH

LMS = f"https://lms.{DOMAIN}"
ACTIVITIES = f"https://learn.{DOMAIN}/"
TOPICS = ["feedback", "sql-basics", "negotiation", "privacy", "kafka-101", "coaching", "excel", "storytelling",
          "security-awareness", "onboarding", "time-management", "python", "customer-empathy", "leadership"]


class _Writer:
    """Builds statements for one person, drawing ids and times from the shared random source."""

    def __init__(self, rng: random.Random, person: Employee) -> None:
        self.rng = rng
        self.person = person

    def actor(self, lms: bool = False) -> dict:
        # The LMS knows people by account; the other tools by work e-mail.
        if lms:
            return {"objectType": "Agent", "name": self.person.name,
                    "account": {"homePage": LMS, "name": self.person.lms_account}}
        return {"objectType": "Agent", "name": self.person.name, "mbox": self.person.mbox}

    def statement(self, verb: str, activity: str, kind: str, when: datetime, *, lms: bool = False,
                  result: dict | None = None, context: dict | None = None, extensions: dict | None = None) -> dict:
        definition: dict = {"type": TYPES[kind], "name": {"en-US": activity.rsplit("/", 1)[-1].replace("-", " ")}}
        if extensions:
            definition["extensions"] = extensions
        stmt = {
            "id": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "actor": self.actor(lms),
            "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
            "object": {"objectType": "Activity", "id": activity, "definition": definition},
            "timestamp": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        if result:
            stmt["result"] = result
        if context:
            stmt["context"] = context
        return stmt


def _duration(seconds: float) -> str:
    return f"PT{int(seconds)}S"


def _session(w: _Writer, when: datetime) -> list[dict]:
    rng = w.rng
    topic = rng.choice(TOPICS)
    kind = rng.choices(["video", "podcast", "article", "quiz", "course", "social", "goal", "path"],
                       weights=[28, 10, 12, 16, 8, 12, 5, 9])[0]
    out: list[dict] = []
    step = lambda minutes: when + timedelta(minutes=minutes)  # noqa: E731 - local shorthand
    if kind in ("video", "podcast"):
        media = "video" if kind == "video" else "audio"
        act = f"{ACTIVITIES}{media}/{topic}-{rng.randint(1, 6)}"
        length = rng.choice([90, 180, 240, 420, 900])
        ext = {VIDEO_LENGTH: length}
        watched = length * rng.uniform(0.3, 1.0)
        out.append(w.statement("initialized", act, media, step(0), extensions=ext))
        out.append(w.statement("played", act, media, step(0.1), extensions=ext,
                               result={"duration": _duration(watched)}))
        if watched > 0.9 * length * 0.95:
            out.append(w.statement("completed", act, media, step(watched / 60), extensions=ext,
                                   result={"completion": True, "duration": _duration(watched)}))
    elif kind == "article":
        out.append(w.statement("viewed", f"{ACTIVITIES}article/{topic}", "article", step(0)))
    elif kind == "quiz":
        act = f"{ACTIVITIES}quiz/{topic}"
        out.append(w.statement("attempted", act, "assessment", step(0), lms=True))
        score = min(1.0, max(0.0, rng.gauss(0.55 + 0.35 * w.person.engagement, 0.2)))
        passed = score >= 0.6
        out.append(w.statement("passed" if passed else "failed", act, "assessment", step(8), lms=True,
                               result={"score": {"scaled": round(score, 2)}, "success": passed,
                                       "completion": True, "duration": _duration(rng.randint(180, 900))}))
        if not passed and rng.random() < 0.4 + 0.5 * w.person.engagement:
            # Mistakes as learning: a retry some days later, usually better.
            later = when + timedelta(days=rng.randint(1, 12), minutes=5)
            retry = min(1.0, score + rng.uniform(0.1, 0.35))
            out.append(w.statement("attempted", act, "assessment", later, lms=True))
            out.append(w.statement("passed" if retry >= 0.6 else "failed", act, "assessment",
                                   later + timedelta(minutes=9), lms=True,
                                   result={"score": {"scaled": round(retry, 2)}, "success": retry >= 0.6,
                                           "completion": True, "duration": _duration(rng.randint(180, 900))}))
            passed = retry >= 0.6
        if passed and rng.random() < 0.3:
            out.append(w.statement("earned", f"{ACTIVITIES}badge/{topic}", "badge", step(10)))
    elif kind == "course":
        act = f"{ACTIVITIES}course/{topic}"
        ctx = {"registration": str(uuid.UUID(int=rng.getrandbits(128), version=4))}
        out.append(w.statement("launched", act, "course", step(0), lms=True, context=ctx))
        out.append(w.statement("initialized", act, "course", step(0.2), lms=True, context=ctx))
        minutes = rng.randint(6, 45)
        if rng.random() < 0.7:
            out.append(w.statement("completed", act, "course", step(minutes), lms=True, context=ctx,
                                   result={"completion": True, "duration": _duration(minutes * 60)}))
        out.append(w.statement("terminated", act, "course", step(minutes + 0.5), lms=True, context=ctx,
                               result={"duration": _duration(minutes * 60)}))
    elif kind == "social":
        thread = f"{ACTIVITIES}forum/{topic}/thread-{rng.randint(1, 30)}"
        if rng.random() < 0.4:
            out.append(w.statement("posted", thread, "discussion", step(0)))
        else:
            out.append(w.statement("replied", f"{thread}/reply-{rng.getrandbits(32):08x}", "forum-reply", step(0)))
    elif kind == "goal":
        goal = f"{ACTIVITIES}goal/{w.person.employee_id.lower()}-{topic}"
        review = {"contextActivities": {"grouping": [
            {"id": f"{ACTIVITIES}review/{when.year}-h{1 if when.month <= 6 else 2}",
             "definition": {"type": TYPES["review"]}}]}}
        out.append(w.statement("defined", goal, "goal", step(0), context=review))
        if rng.random() < 0.5:
            out.append(w.statement("completed", goal, "goal", when + timedelta(days=rng.randint(7, 40)),
                                   context=review, result={"completion": True}))
    else:
        path = f"{ACTIVITIES}path/{topic}"
        out.append(w.statement("registered", path, "learning-plan", step(0), lms=True))
        progress = rng.randint(10, 100)
        out.append(w.statement("progressed", path, "learning-plan", step(20), lms=True,
                               result={"extensions": {CMI5_PROGRESS: progress}}))
        if progress == 100:
            out.append(w.statement("completed", path, "learning-plan", step(21), lms=True,
                                   result={"completion": True}))
    return out


def _weekly_rate(person: Employee, week_start: date) -> float:
    rate = 0.4 + 2.6 * person.engagement
    if person.termination_date is not None:
        days_left = (person.termination_date - week_start).days
        if person.exit_voluntary and days_left < 120:
            rate *= max(0.15, days_left / 120)
    return rate


def _poisson(rng: random.Random, lam: float) -> int:
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def generate_statements(people: list[Employee], months: int, seed: int, end: date) -> Iterator[dict]:
    """Every statement of the window [end - months, end), person by person."""
    rng = random.Random(seed * 7919 + 17)
    start = end - timedelta(days=30 * months)
    for person in people:
        w = _Writer(rng, person)
        week = start
        while week < end:
            if person.termination_date is not None and week >= person.termination_date:
                break
            for _ in range(_poisson(rng, _weekly_rate(person, week))):
                day = week + timedelta(days=rng.randint(0, 4))
                if day >= end or (person.termination_date and day >= person.termination_date):
                    continue
                when = datetime(day.year, day.month, day.day, rng.randint(7, 18), rng.randint(0, 59),
                                rng.randint(0, 59), tzinfo=timezone.utc)
                yield from (s for s in _session(w, when) if s["timestamp"] < _iso(end))
            if person.is_manager and rng.random() < 0.5:
                report = f"{ACTIVITIES}meeting/{person.employee_id.lower()}-{week.isoformat()}"
                when = datetime(week.year, week.month, week.day, 10, tzinfo=timezone.utc)
                yield w.statement("mentored", report, "meeting", when)
            week += timedelta(days=7)


def _iso(day: date) -> str:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")
