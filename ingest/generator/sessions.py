"""One learning session of each kind: what a video player, quiz tool, cmi5 player, forum or HR tool sends."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ingest.generator.vocabulary import (
    CMI5_CATEGORY,
    CMI5_MOVEON,
    CMI5_PROGRESS,
    CMI5_SESSION,
    TYPES,
    VIDEO_EXTENSIONS,
    VIDEO_LENGTH,
    VIDEO_PROFILE,
    VIDEO_SESSION,
)
from ingest.generator.writer import ACTIVITIES, Writer, duration

TOPICS = [
    "feedback",
    "sql-basics",
    "negotiation",
    "privacy",
    "kafka-101",
    "coaching",
    "excel",
    "storytelling",
    "security-awareness",
    "onboarding",
    "time-management",
    "python",
    "customer-empathy",
    "leadership",
]


@dataclass
class Post:
    activity: str
    statement_id: str
    when: datetime
    author: str


@dataclass
class Forum:
    """Posts so far, so that replies, comments and votes can answer someone else's post."""

    posts: list[Post] = field(default_factory=list)

    def earlier_post(self, w: Writer, when: datetime) -> Post | None:
        for _ in range(4):
            if not self.posts:
                return None
            post = self.posts[w.rng.randrange(max(0, len(self.posts) - 400), len(self.posts))]
            if post.when < when and post.author != w.person.employee_id:
                return post
        return None


def _segments(*spans: tuple[float, float]) -> str:
    return "[,]".join(f"{start:.3f}[.]{end:.3f}" for start, end in spans)


def media(w: Writer, when: datetime, kind: str, activity: str | None = None) -> list[dict]:
    """A video or podcast player's session as the xAPI Video Profile has it: initialized, played, sometimes a seek
    back to replay a part, then paused or completed. Every statement names the session; paused, seeked and
    completed carry the session's played segments so far, as players send them."""
    rng = w.rng
    act = activity or f"{ACTIVITIES}{kind}/{rng.choice(TOPICS)}-{rng.randint(1, 6)}"
    length = rng.choice([90, 180, 240, 420, 900, 1500])
    ext = {VIDEO_LENGTH: length}
    # Derived, not drawn: the session id leaves the shared random sequence (and so every other session) as it was.
    session = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{act}|{w.person.employee_id}|{when.isoformat()}"))
    context = {"extensions": {VIDEO_SESSION: session, VIDEO_LENGTH: length}}
    if kind == "video":
        context["contextActivities"] = {"category": [{"id": VIDEO_PROFILE}]}
    watched = round(length * rng.uniform(0.3, 1.0), 3)
    start = when + timedelta(seconds=5)
    out = [
        w.statement("initialized", act, kind, when, extensions=ext, context=context),
        w.statement(
            "played",
            act,
            kind,
            start,
            extensions=ext,
            context=context,
            result={"extensions": {VIDEO_EXTENSIONS + "time": 0}},
        ),
    ]
    spans = [(0.0, watched)]
    played_for = watched
    if rng.random() < 0.3:
        # A replay: at half-way the learner seeks back a quarter of the way and watches on to the same end.
        turn = round(watched / 2, 3)
        back = round(watched / 4, 3)
        spans = [(0.0, turn), (back, watched)]
        played_for = turn + (watched - back)
        out.append(
            w.statement(
                "seeked",
                act,
                kind,
                start + timedelta(seconds=turn),
                extensions=ext,
                context=context,
                result={
                    "extensions": {
                        VIDEO_EXTENSIONS + "time-from": turn,
                        VIDEO_EXTENSIONS + "time-to": back,
                        VIDEO_EXTENSIONS + "played-segments": _segments((0.0, turn)),
                    }
                },
            )
        )
    end = start + timedelta(seconds=played_for)
    progress = round(min(1.0, watched / length), 3)
    ending = {
        "extensions": {
            VIDEO_EXTENSIONS + "time": watched,
            VIDEO_EXTENSIONS + "progress": progress,
            VIDEO_EXTENSIONS + "played-segments": _segments(*spans),
        }
    }
    if watched >= 0.9 * length:
        out.append(
            w.statement(
                "completed",
                act,
                kind,
                end,
                extensions=ext,
                context=context,
                result={**ending, "completion": True, "duration": duration(played_for + 5)},
            )
        )
    else:
        out.append(w.statement("paused", act, kind, end, extensions=ext, context=context, result=ending))
    return out


def article(w: Writer, when: datetime) -> list[dict]:
    verb = "viewed" if w.rng.random() < 0.7 else "read"
    return [w.statement(verb, f"{ACTIVITIES}article/{w.rng.choice(TOPICS)}", "article", when)]


def _quiz_attempt(w: Writer, act: str, when: datetime, score: float) -> list[dict]:
    passed = score >= 0.6
    return [
        w.statement("attempted", act, "assessment", when, lms=True),
        w.statement(
            "passed" if passed else "failed",
            act,
            "assessment",
            when + timedelta(minutes=8),
            lms=True,
            result={
                "score": {"scaled": round(score, 2)},
                "success": passed,
                "completion": True,
                "duration": duration(w.rng.randint(180, 900)),
            },
        ),
    ]


def quiz(w: Writer, when: datetime) -> list[dict]:
    """An attempt; after a fail, often a retry days later (mistakes as learning), usually better."""
    rng = w.rng
    topic = rng.choice(TOPICS)
    act = f"{ACTIVITIES}quiz/{topic}"
    score = min(1.0, max(0.0, rng.gauss(0.55 + 0.35 * w.person.engagement, 0.2)))
    out = _quiz_attempt(w, act, when, score)
    retries = 0
    while score < 0.6 and retries < 2 and rng.random() < 0.35 + 0.5 * w.person.engagement:
        retries += 1
        when = when + timedelta(days=rng.randint(1, 12), minutes=5)
        score = min(1.0, score + rng.uniform(0.1, 0.35))
        out += _quiz_attempt(w, act, when, score)
    if score >= 0.6 and rng.random() < 0.3:
        out.append(w.statement("earned", f"{ACTIVITIES}badge/{topic}", "badge", when + timedelta(minutes=10)))
    return out


def cmi5_course(w: Writer, when: datetime, activity: str | None = None, instructor: dict | None = None) -> list[dict]:
    """A cmi5 player's session of one AU: launched … terminated (or abandoned) under one registration."""
    rng = w.rng
    topic = rng.choice(TOPICS)
    act = activity or f"{ACTIVITIES}course/{topic}/au-1"
    base = {
        "registration": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "contextActivities": {"category": [{"id": CMI5_CATEGORY}]},
        "extensions": {CMI5_SESSION: w.new_id()},
    }
    if instructor:
        base["instructor"] = instructor
    moveon = {**base, "contextActivities": {"category": [{"id": CMI5_CATEGORY}, {"id": CMI5_MOVEON}]}}
    minutes = rng.randint(6, 45)
    out = [
        w.statement("launched", act, "course", when, lms=True, context=base),
        w.statement("initialized", act, "course", when + timedelta(seconds=20), lms=True, context=base),
    ]
    end = when + timedelta(minutes=minutes)
    if rng.random() < 0.12:
        return out + [
            w.statement(
                "abandoned", act, "course", end, lms=True, context=base, result={"duration": duration(minutes * 60)}
            )
        ]
    score = min(1.0, max(0.0, rng.gauss(0.6 + 0.3 * w.person.engagement, 0.15)))
    passed = score >= 0.6
    out.append(
        w.statement(
            "passed" if passed else "failed",
            act,
            "course",
            end,
            lms=True,
            context=moveon,
            result={"score": {"scaled": round(score, 2)}, "success": passed, "duration": duration(minutes * 60)},
        )
    )
    if passed:
        out.append(
            w.statement(
                "completed",
                act,
                "course",
                end,
                lms=True,
                context=moveon,
                result={"completion": True, "duration": duration(minutes * 60)},
            )
        )
        out.append(w.statement("satisfied", act.rsplit("/", 1)[0], "course", end, lms=True, context=base))
        if rng.random() < 0.35:
            out.append(
                w.statement("achieved", f"{ACTIVITIES}certificate/{topic}", "certificate", end + timedelta(minutes=1))
            )
    out.append(
        w.statement(
            "terminated",
            act,
            "course",
            end + timedelta(seconds=30),
            lms=True,
            context=base,
            result={"duration": duration(minutes * 60)},
        )
    )
    return out


def social(w: Writer, when: datetime, forum: Forum) -> list[dict]:
    """A post, or a reply/comment/vote/peer review on someone else's earlier post."""
    rng = w.rng
    post = forum.earlier_post(w, when) if rng.random() < 0.65 else None
    if post is None:
        activity = f"{ACTIVITIES}forum/{rng.choice(TOPICS)}/post-{rng.getrandbits(40):010x}"
        stmt = w.statement("posted", activity, "discussion", when)
        forum.posts.append(Post(activity, stmt["id"], when, w.person.employee_id))
        return [stmt]
    # The answered post is both the context parent and the referenced statement: who helps whom.
    context = {
        "contextActivities": {"parent": [{"id": post.activity, "definition": {"type": TYPES["discussion"]}}]},
        "statement": {"objectType": "StatementRef", "id": post.statement_id},
    }
    verb = rng.choices(["replied", "commented", "voted-up", "reviewed"], weights=[60, 15, 15, 10])[0]
    if verb == "replied":
        return [
            w.statement(
                "replied", f"{post.activity}/reply-{rng.getrandbits(32):08x}", "forum-reply", when, context=context
            )
        ]
    return [w.statement(verb, post.activity, "discussion", when, context=context)]


def goal(w: Writer, when: datetime) -> list[dict]:
    """A goal defined within a review cycle (the grouping), often completed weeks later."""
    rng = w.rng
    act = f"{ACTIVITIES}goal/{w.person.employee_id.lower()}-{rng.choice(TOPICS)}"
    review = {
        "contextActivities": {
            "grouping": [
                {
                    "id": f"{ACTIVITIES}review/{when.year}-h{1 if when.month <= 6 else 2}",
                    "definition": {"type": TYPES["review"]},
                }
            ]
        }
    }
    out = [w.statement("defined", act, "goal", when, context=review)]
    if rng.random() < 0.25 + 0.5 * w.person.engagement:
        out.append(
            w.statement(
                "completed",
                act,
                "goal",
                when + timedelta(days=rng.randint(7, 60)),
                context=review,
                result={"completion": True},
            )
        )
    return out


def path(w: Writer, when: datetime, instructor: dict | None = None) -> list[dict]:
    """A learning path: assigned by the manager or self-enrolled, then progress, sometimes to completion."""
    rng = w.rng
    act = f"{ACTIVITIES}path/{rng.choice(TOPICS)}"
    out = []
    if instructor:
        out.append(
            w.statement("was-assigned", act, "learning-plan", when, lms=True, context={"instructor": instructor})
        )
        when = when + timedelta(days=rng.randint(0, 20), hours=1)
    out.append(w.statement("registered", act, "learning-plan", when, lms=True))
    progress = 0
    for step in range(rng.randint(1, 4)):
        progress = min(100, progress + rng.randint(10, 45))
        out.append(
            w.statement(
                "progressed",
                act,
                "learning-plan",
                when + timedelta(days=7 * step, minutes=20),
                lms=True,
                result={"extensions": {CMI5_PROGRESS: progress}},
            )
        )
        if progress == 100:
            out.append(
                w.statement(
                    "completed",
                    act,
                    "learning-plan",
                    when + timedelta(days=7 * step, minutes=21),
                    lms=True,
                    result={"completion": True},
                )
            )
            break
    return out


def recommendation(w: Writer, when: datetime) -> list[dict]:
    """A recommendation shown to the person; engaged people often launch it within 7 days."""
    rng = w.rng
    act = f"{ACTIVITIES}course/{rng.choice(TOPICS)}/au-1"
    out = [w.statement("recommended", act, "course", when, lms=True)]
    if rng.random() < 0.2 + 0.6 * w.person.engagement:
        out += cmi5_course(w, when + timedelta(days=rng.choice([0, 1, 2, 4, 6, 9, 15]), hours=2), activity=act)
    return out
