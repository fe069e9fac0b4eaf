"""Hand-made organisations for the metric tests: roster imports and statements written into a real lake."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import duckdb
import orjson
import pyarrow as pa

from leerstroom import lake
from leerstroom.settings import Settings
from transform.dbt_invocation import run_dbt

VERBS = "http://adlnet.gov/expapi/verbs/"
VIDEO_VERBS = "https://w3id.org/xapi/video/verbs/"
TINCAN_VERBS = "http://id.tincanapi.com/verb/"
ACROSSX_VERBS = "https://w3id.org/xapi/acrossx/verbs/"
ACTIVITIES = "http://adlnet.gov/expapi/activities/"
VIDEO = "https://w3id.org/xapi/video/activity-type/video"
GOAL = "http://id.tincanapi.com/activitytype/goal"
LEARNING_PLAN = "https://w3id.org/xapi/acrossx/activities/learning-plan"
REVIEW = "http://activitystrea.ms/review"


def at(text: str) -> datetime:
    """'2025-01-06 09:00' as a UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def mbox(person: str) -> str:
    return f"mailto:{person}@org.example"


def statement(
    person: str,
    verb: str,
    when: str,
    *,
    stored: str | None = None,
    object_id: str | None = None,
    activity_type: str | None = None,
    result: dict | None = None,
    context: dict | None = None,
    object_agent: str | None = None,
) -> dict:
    """A statement as the LRS stores it: `when` is its timestamp, `stored` defaults to the same moment."""
    if object_agent is not None:
        obj: dict = {"objectType": "Agent", "mbox": mbox(object_agent)}
    else:
        obj = {"objectType": "Activity", "id": object_id or f"https://org.example/activities/{uuid.uuid4()}"}
        if activity_type:
            obj["definition"] = {"type": activity_type}
    made = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": mbox(person)},
        "verb": {"id": verb},
        "object": obj,
        "timestamp": at(when).isoformat(),
        "stored": at(stored or when).isoformat(),
    }
    if result:
        made["result"] = result
    if context:
        made["context"] = context
    return made


@dataclass
class Employee:
    employee_id: str
    department: str
    team: str
    manager_id: str | None = None
    hire_date: date | None = date(2020, 1, 1)
    termination_date: date | None = None
    exit_voluntary: bool | None = None
    attributes: dict = field(default_factory=dict)
    identities: list[str] = field(default_factory=list)

    def actor_keys(self) -> list[str]:
        return [f"mbox:{mbox(name)}" for name in (self.identities or [self.employee_id])]


def import_roster(
    settings: Settings, employees: list[Employee], imported_at: datetime, source_file: str = "roster.csv"
) -> str:
    """Write one roster import into lake.raw.roster* the way `leerstroom roster import` does; returns its id."""
    import_id = str(uuid.uuid4())
    roster = pa.Table.from_pylist(
        [
            {
                "import_id": import_id,
                "employee_id": e.employee_id,
                "display_name": e.employee_id.title(),
                "department": e.department,
                "team": e.team,
                "manager_id": e.manager_id,
                "job_role": "engineer",
                "location": "Utrecht",
                "hire_date": e.hire_date,
                "termination_date": e.termination_date,
                "exit_voluntary": e.exit_voluntary,
                "attributes": orjson.dumps(e.attributes).decode(),
            }
            for e in employees
        ]
    )
    identities = pa.Table.from_pylist(
        [
            {"import_id": import_id, "employee_id": e.employee_id, "actor_key": key}
            for e in employees
            for key in e.actor_keys()
        ]
    )

    def insert(con: duckdb.DuckDBPyConnection) -> None:
        con.register("roster_batch", roster)
        con.register("identity_batch", identities)
        con.execute(
            "INSERT INTO lake.raw.roster_imports VALUES (?, ?, ?, ?)",
            [import_id, imported_at, source_file, len(employees)],
        )
        con.execute("""INSERT INTO lake.raw.roster SELECT import_id, employee_id, display_name, department, team,
                       manager_id, job_role, location, hire_date, termination_date, exit_voluntary,
                       attributes::JSON FROM roster_batch""")
        con.execute(
            "INSERT INTO lake.raw.roster_identities SELECT import_id, employee_id, actor_key FROM identity_batch"
        )

    con = lake.connect(settings)
    try:
        lake.write_transaction(con, insert, settings=settings)
    finally:
        con.close()
    return import_id


def dbt_build(settings: Settings, *extra: str, with_tests: bool = True) -> None:
    """The real `dbt build` that `leerstroom transform` runs (without the retention model and quality gate,
    which have their own tests); the test fails with dbt's reasons when anything is red.
    `with_tests=False` builds the same seeds and models without their tests, for tests that compare builds."""
    skip = [] if with_tests else ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    outcome = run_dbt(settings, ["build", *skip, *extra], raw_snapshot=None, progress=lambda _: None)
    assert outcome.ok, outcome.failures


class Warehouse:
    """dbt's warehouse file with the lake attached beside it (staging models are views on the lake), opened once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.con = lake.connect(settings, read_only=True, database=settings.warehouse_db)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def close(self) -> None:
        self.con.close()
