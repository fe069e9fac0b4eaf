"""Builds one person's statements, drawing ids from the generator's shared random source."""

from __future__ import annotations

import random
import uuid
from datetime import datetime

from ingest.generator.organisation import DOMAIN, Employee
from ingest.generator.vocabulary import TYPES, VERBS

LMS = f"https://lms.{DOMAIN}"
ACTIVITIES = f"https://learn.{DOMAIN}/"


def agent(person: Employee, lms: bool = False) -> dict:
    # The LMS knows people by account; the other tools by work e-mail.
    if lms:
        return {"objectType": "Agent", "name": person.name, "account": {"homePage": LMS, "name": person.lms_account}}
    return {"objectType": "Agent", "name": person.name, "mbox": person.mbox}


def iso(when: datetime) -> str:
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def duration(seconds: float) -> str:
    return f"PT{int(seconds)}S"


class Writer:
    """Statements for one person; `statement` returns a complete xAPI statement with its id."""

    def __init__(self, rng: random.Random, person: Employee) -> None:
        self.rng = rng
        self.person = person

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def statement(
        self,
        verb: str,
        activity: str,
        kind: str,
        when: datetime,
        *,
        lms: bool = False,
        result: dict | None = None,
        context: dict | None = None,
        extensions: dict | None = None,
        target: dict | None = None,
    ) -> dict:
        """`target` replaces the Activity object, e.g. by the Agent a manager mentored."""
        if target is None:
            definition: dict = {"type": TYPES[kind], "name": {"en-US": activity.rsplit("/", 1)[-1].replace("-", " ")}}
            if extensions:
                definition["extensions"] = extensions
            target = {"objectType": "Activity", "id": activity, "definition": definition}
        stmt = {
            "id": self.new_id(),
            "actor": agent(self.person, lms),
            "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
            "object": target,
            "timestamp": iso(when),
        }
        if result:
            stmt["result"] = result
        if context:
            stmt["context"] = context
        return stmt
