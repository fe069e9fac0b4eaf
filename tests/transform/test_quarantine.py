"""The quarantine: bad rows are set aside with their reason and the run certifies; only a systemic problem refuses it.

Each path runs `leerstroom transform` for real (dbt build, quality gate, publish) on a copy of one certified lake.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pytest

from leerstroom import lake
from leerstroom.settings import Settings
from tests.transform.lake_rows import (
    CertifiedLake,
    append_raw,
    build_certified_lake,
    last_certified,
    mart_counts,
    raw_rows,
    screen_and_judge,
)
from transform import runner
from transform.quality import quarantine

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


@pytest.fixture(scope="module")
def certified(tmp_path_factory: pytest.TempPathFactory) -> CertifiedLake:
    return build_certified_lake(tmp_path_factory.mktemp("quarantine") / "data")


def statement(actor: str = "learner@example.org", *, ahead: timedelta = timedelta(0), **changes) -> dict:
    """A statement as the LRS stores it, stored now; `ahead` dates its own timestamp that far after."""
    now = datetime.now(timezone.utc)
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:{actor}"},
        "verb": {"id": COMPLETED},
        "object": {"objectType": "Activity", "id": "https://example.org/course/quarantine"},
        "timestamp": (now + ahead).isoformat(),
        "stored": now.isoformat(),
        **changes,
    }


def dated_2031(count: int) -> list[dict]:
    """Statements from a tool whose clock says 2031, as the LRS rightly stored them."""
    return [
        statement(
            "clock-wrong@example.org", ahead=datetime(2031, 3, 1, tzinfo=timezone.utc) - datetime.now(timezone.utc)
        )
        for _ in range(count)
    ]


def transform(settings: Settings) -> tuple[runner.TransformResult, list[str]]:
    printed: list[str] = []
    return runner.run_transform(settings, progress=printed.append), printed


def completed_by(settings: Settings, snapshot: int, actor: str) -> Counter:
    """Statements the certified mart counts for one actor's completions, per day."""
    return Counter(
        {
            day: count
            for (day, key, verb), count in mart_counts(settings, snapshot).items()
            if key == f"mbox:mailto:{actor}" and verb == COMPLETED
        }
    )


def quarantined(settings: Settings) -> list[tuple]:
    con = lake.connect(settings, read_only=True)
    try:
        return con.execute(
            "SELECT statement_id, reason, decision FROM lake.meta.quarantined_statements ORDER BY statement_id"
        ).fetchall()
    finally:
        con.close()


def test_statements_dated_years_ahead_are_set_aside_and_the_run_certifies_with_the_count_shown(
    certified: CertifiedLake, tmp_path: Path
) -> None:
    settings = certified.copy_to(tmp_path / "data")
    future, normal = dated_2031(2), [statement("normal@example.org") for _ in range(300)]
    append_raw(settings, future + normal, first_offset=7_000_000)

    result, printed = transform(settings)

    assert result.certified, result.details["reasons"]
    assert result.details["quarantine"] == {
        "screened": 302,
        "quarantined": 2,
        "by_reason": {"timestamp_in_future": 2},
        "whole_table": False,
    }
    assert "quarantine: 2 of 302 new statements set aside (timestamp_in_future 2)" in " ".join(printed)
    assert "2 of 302 new statements quarantined" in runner.summary(result)
    assert {(row[0], row[1]) for row in quarantined(settings)} == {(s["id"], "timestamp_in_future") for s in future}
    snapshot = last_certified(settings)["snapshot_id"]
    assert sum(completed_by(settings, snapshot, "normal@example.org").values()) == 300
    assert completed_by(settings, snapshot, "clock-wrong@example.org") == Counter()
    # The gate judged the share and stored it beside the other quality results.
    con = lake.connect(settings, read_only=True)
    try:
        (success,) = con.execute(
            "SELECT success FROM lake.meta.quality_results WHERE run_id = ? AND suite = ?",
            [result.run_id, quarantine.SUITE],
        ).fetchone()
    finally:
        con.close()
    assert success


def test_quarantined_rows_above_the_configured_share_refuse_the_run(certified: CertifiedLake, tmp_path: Path) -> None:
    settings = certified.copy_to(tmp_path / "data").model_copy(update={"quality_quarantine_max_share": 0.05})
    before = last_certified(settings)
    append_raw(settings, dated_2031(10) + [statement("normal@example.org") for _ in range(90)], first_offset=7_000_000)

    result, _ = transform(settings)

    assert result.status == "failed"
    assert [r for r in result.details["reasons"] if "raw_quarantine" in r] == [
        "quality: raw_quarantine.share_of_new_statements_quarantined: ExpectColumnValuesToBeBetween failed "
        "(unexpected_count=1, element_count=1, partial_unexpected_list=[0.1], quarantined=10, screened=100, "
        "by_reason={'timestamp_in_future': 10})"
    ]
    assert last_certified(settings) == before
    # Set aside even though the run was refused: the next run does not meet them as new problems.
    assert len(quarantined(settings)) == 10


def test_a_refused_run_followed_by_a_clean_one_certifies_and_the_rows_stay_quarantined(
    certified: CertifiedLake, tmp_path: Path
) -> None:
    settings = certified.copy_to(tmp_path / "data")
    append_raw(settings, dated_2031(5) + [statement("first@example.org") for _ in range(20)], first_offset=7_000_000)
    refused, _ = transform(settings)
    assert refused.status == "failed" and any("raw_quarantine" in r for r in refused.details["reasons"])

    append_raw(settings, [statement("second@example.org") for _ in range(50)], first_offset=7_100_000)
    result, _ = transform(settings)

    assert result.certified, result.details["reasons"]
    assert result.details["quarantine"]["quarantined"] == 0 and result.details["quarantine"]["screened"] == 50
    snapshot = last_certified(settings)["snapshot_id"]
    assert sum(completed_by(settings, snapshot, "first@example.org").values()) == 20
    assert sum(completed_by(settings, snapshot, "second@example.org").values()) == 50
    assert completed_by(settings, snapshot, "clock-wrong@example.org") == Counter()
    assert [decision for _, _, decision in quarantined(settings)] == [None] * 5


def test_a_released_future_statement_counts_at_its_stored_time_and_a_voided_one_never(
    certified: CertifiedLake, tmp_path: Path
) -> None:
    settings = certified.copy_to(tmp_path / "data")
    kept, dropped = dated_2031(2)
    append_raw(
        settings, [kept, dropped] + [statement("normal@example.org") for _ in range(300)], first_offset=7_000_000
    )
    assert transform(settings)[0].certified

    cli = [sys.executable, "-m", "leerstroom.cli.main", "quarantine"]
    env = {
        "LEERSTROOM_DATA_DIR": str(settings.data_dir),
        "LEERSTROOM_LRS_DATABASE": settings.lrs_database,
        "PATH": "/usr/bin:/bin",
    }
    listed = subprocess.run([*cli, "list"], env=env, capture_output=True, text=True, check=True)
    assert {line.split("\t")[0] for line in listed.stdout.splitlines()} == {kept["id"], dropped["id"]}
    assert "after it was stored (tolerance 5 minutes)" in listed.stdout and "days" in listed.stdout
    released = subprocess.run(
        [*cli, "release", kept["id"], "--note", "tool clock fixed"], env=env, capture_output=True, text=True
    )
    assert released.returncode == 0 and released.stdout.startswith("released 1 statement(s)"), released.stderr
    voided = subprocess.run([*cli, "void", dropped["id"]], env=env, capture_output=True, text=True)
    assert voided.returncode == 0 and voided.stdout.startswith("voided 1 statement(s)"), voided.stderr

    result, _ = transform(settings)

    assert result.certified, result.details["reasons"]
    counted = completed_by(settings, last_certified(settings)["snapshot_id"], "clock-wrong@example.org")
    stored_day = datetime.fromisoformat(kept["stored"]).astimezone(timezone.utc).date()
    assert counted == Counter({stored_day: 1})
    assert {row[0]: row[2] for row in quarantined(settings)} == {kept["id"]: "released", dropped["id"]: "voided"}
    again = subprocess.run([*cli, "release", dropped["id"]], env=env, capture_output=True, text=True)
    assert again.returncode == 1 and again.stdout.startswith("released 0 statement(s)"), "a decision is final"


def test_health_fails_with_why_and_what_to_do_when_no_snapshot_was_certified_for_too_long(
    certified: CertifiedLake, tmp_path: Path
) -> None:
    settings = certified.copy_to(tmp_path / "data")
    refused = screen_and_judge(settings, dated_2031(3) + [statement()], first_offset=7_000_000)
    assert refused.status == "failed"
    env = {
        "LEERSTROOM_DATA_DIR": str(settings.data_dir),
        "LEERSTROOM_LRS_DATABASE": settings.lrs_database,
        "PATH": "/usr/bin:/bin",
    }
    health = [sys.executable, "-m", "leerstroom.cli.main", "health", "transform"]

    stale = subprocess.run(
        health, env={**env, "LEERSTROOM_CERTIFICATION_MAX_AGE_HOURS": "0.0001"}, capture_output=True, text=True
    )
    fresh = subprocess.run(health, env=env, capture_output=True, text=True)

    assert stale.returncode == 1
    assert "\ntransform: UNHEALTHY: last transform started" in f"\n{stale.stderr}"
    assert (
        "LEERSTROOM_CERTIFICATION_MAX_AGE_HOURS): 1 runs refused since, the newest because: quality: "
        "raw_quarantine.share_of_new_statements_quarantined" in stale.stderr
    )
    assert "then run `leerstroom transform`" in stale.stderr and "docs/operations.md" in stale.stderr
    assert fresh.returncode == 0 and "1 refused since" in fresh.stdout, fresh.stderr


def test_each_row_level_problem_is_set_aside_with_its_reason_and_screened_once(settings: Settings) -> None:
    good = statement("fine@example.org", result={"score": {"raw": 3, "min": 0, "max": 10}, "duration": "PT1M5,5S"})
    broken = {
        "timestamp_in_future": statement(ahead=timedelta(hours=3)),
        "verb_not_iri": statement(verb={"id": "played"}),
        "actor_unidentified": statement("visitor@example.org"),
        "result_malformed": statement(result={"score": {"raw": 0, "min": 0, "max": 0}}),
    }
    odd_results = [
        statement(result=result)
        for result in (
            {"score": {"scaled": 1.5}},
            {"score": {"raw": 11, "min": 0, "max": 10}},
            {"success": "yes"},
            {"duration": "1 hour"},
            {"duration": "PT"},
            {"score": {"raw": "7"}},
        )
    ]
    rows = [good, *broken.values(), *odd_results]
    lake.append(settings, as_raw(rows, broken["actor_unidentified"]), "lake.raw.statements")
    con = lake.connect(settings)
    try:
        first = quarantine.screen_new_statements(con, settings, "run-1", datetime.now(timezone.utc))
        second = quarantine.screen_new_statements(con, settings, "run-2", datetime.now(timezone.utc))
        found = quarantine.listing(con, limit=None)
    finally:
        con.close()

    assert (first.statements_screened, first.statements_quarantined) == (len(rows), len(rows) - 1)
    assert first.by_reason == {**dict.fromkeys(broken, 1), "result_malformed": 1 + len(odd_results)}
    reasons = {row["statement_id"]: row["reason"] for row in found}
    assert {reasons[s["id"]] for s in broken.values()} == set(broken) and good["id"] not in reasons
    assert all(reasons[s["id"]] == "result_malformed" for s in odd_results)
    details = {row["statement_id"]: row["detail"] for row in found}
    assert details[broken["result_malformed"]["id"]] == "result.score.min 0.0 is not less than max 0.0"
    assert details[broken["timestamp_in_future"]["id"]].endswith(
        "is 3.0 hours after it was stored (tolerance 5 minutes)"
    )
    assert "a visitor" not in " ".join(details.values()), "no personal data in the reasons"
    assert second.statements_screened == 0 and second.snapshot_id == first.snapshot_id


def as_raw(rows: list[dict], anonymous: dict) -> pa.Table:
    """Raw rows as a writer that does not validate (not our LRS) could leave them: one actor with a name only."""
    listed = raw_rows(rows, first_offset=100).to_pylist()
    for row in listed:
        if row["statement_id"] == anonymous["id"]:
            payload = json.loads(row["payload"])
            payload["actor"] = {"objectType": "Agent", "name": "a visitor"}
            row.update(actor_key="name:a visitor", payload=json.dumps(payload))
    return pa.Table.from_pylist(listed)
