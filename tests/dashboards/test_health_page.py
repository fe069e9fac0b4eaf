"""The admins' health page: red when nothing was certified for too long, with why and what to do; refusals per tool
and reason (never bodies); the quarantine beside the quality results."""

from __future__ import annotations

import json
import shutil
import uuid
from datetime import datetime, timezone

import httpx
import pytest

from ingest.lrs.store import LrsStore
from leerstroom.net import free_port
from leerstroom.settings import Settings
from tests.dashboards.app_session import frames, open_page, sign_in
from tests.dashboards.org_lake import OrgLake
from tests.fixtures.data import corpus_statements
from tests.fixtures.lrs import LrsProcess
from tests.transform.lake_rows import screen_and_judge

SCORE_MIN_IS_MAX, GROUPING_NOT_IRI, _ = corpus_statements("openedx-refused.ndjson")


@pytest.fixture(scope="module")
def refused(org_lake: OrgLake, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the organisation's lake after a tool's refused statements and a refused transform run."""
    folder = tmp_path_factory.mktemp("health") / "data"
    shutil.copytree(org_lake.settings.data_dir, folder)
    settings = org_lake.settings.model_copy(
        update={"data_dir": folder, "lrs_port": free_port(), "retention_scoring": False}
    )
    lrs = LrsProcess(settings, credential_name="openedx-prod").start()
    try:
        with httpx.Client(
            base_url=lrs.endpoint, auth=lrs.auth, headers={"X-Experience-API-Version": "1.0.3"}, timeout=10
        ) as tool:
            for body in (SCORE_MIN_IS_MAX, SCORE_MIN_IS_MAX, [GROUPING_NOT_IRI, GROUPING_NOT_IRI]):
                assert tool.post("statements", json=body).status_code == 400
    finally:
        lrs.stop()
    future = [
        {
            "id": str(uuid.uuid4()),
            "actor": {"mbox": "mailto:clock@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": "https://example.org/page"},
            "timestamp": "2031-01-01T00:00:00Z",
            "stored": datetime.now(timezone.utc).isoformat(),
        }
        for _ in range(2)
    ]
    # A tool at its cap of kept refusals had its oldest dropped (as rejected._prune counts them).
    store = LrsStore(settings)
    try:
        with store.transaction() as db:
            db.execute(
                "INSERT INTO rejection_drops (credential, dropped, last_dropped_at) VALUES (?, ?, ?) "
                "ON CONFLICT (credential) DO NOTHING",
                ("noisy-lms", 7, "2026-11-20T08:00:00.000Z"),
            )
    finally:
        store.close()
    result = screen_and_judge(settings, future, first_offset=8_000_000)
    assert result.status == "failed", "two of two new statements set aside is above the 1 % share"
    return settings


def health_page(settings: Settings, monkeypatch: pytest.MonkeyPatch, max_age_hours: str):
    monkeypatch.setenv("LEERSTROOM_CERTIFICATION_MAX_AGE_HOURS", max_age_hours)
    return open_page(sign_in(settings, "admin"), "health")


def test_the_health_page_turns_red_with_why_and_what_to_do_when_nothing_was_certified_for_too_long(
    refused: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = health_page(refused, monkeypatch, "0.0001")

    assert not at.exception, at.exception
    (error,) = [e.value for e in at.error]
    assert error.startswith("Dashboards are not current: last snapshot certified")
    assert (
        "1 runs refused since, the newest because: quality: raw_quarantine.share_of_new_statements_quarantined" in error
    )
    assert "then run `leerstroom transform`" in error and "docs/operations.md" in error

    fresh = health_page(refused, monkeypatch, "6")
    assert not fresh.exception and [e.value for e in fresh.error] == []


def test_the_health_page_counts_refusals_per_tool_and_reason_and_the_quarantine_without_showing_bodies(
    refused: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = health_page(refused, monkeypatch, "6")

    assert any(
        "noisy-lms: 7 of its oldest refused requests were dropped" in w.value and "2026-11-20" in w.value
        for w in at.warning
    ), "refused requests dropped at the cap are said, never silently gone"
    shown = frames(at)
    (refusals,) = [f for f in shown if "refused" in f.columns]
    assert sorted(zip(refusals["tool"], refusals["reason"], refusals["refused"], strict=True)) == [
        (
            "openedx-prod",
            "context.contextActivities.grouping[0].id: must be an IRI with a scheme (e.g. http://...) and no spaces",
            1,
        ),
        ("openedx-prod", "result.score.min: must be less than max", 2),
    ]
    (set_aside,) = [f for f in shown if "decision" in f.columns]
    assert list(zip(set_aside["reason"], set_aside["decision"], set_aside["statements"], strict=True)) == [
        ("timestamp_in_future", "set aside", 2)
    ]
    assert "2 of 2 new statements (100.00%; limit 1%)" in [m.value for m in at.metric]
    everything = json.dumps([f.to_dict() for f in shown], default=str)
    assert "32e08e30-f8ae-4ce2-94a8-c2bfe38a70cb" not in everything, "no refused body reaches a browser"
