"""Deliveries and alerts on the admins' pages: a failing delivery turns the health page's own block red with its error,
and the Alerts page lists what was raised with how its deliveries stand (admins only)."""

from __future__ import annotations

import shutil

import pytest

from leerstroom.delivery import store
from leerstroom.settings import Settings
from tests.dashboards.app_session import frames, open_page, sign_in
from tests.dashboards.org_lake import OrgLake

ALERT = {
    "alert_key": "lci_drop|department|Sales|2026-10",
    "rule": "lci_drop",
    "unit_level": "department",
    "unit_name": "Sales",
    "period": "2026-10",
    "figures": {"lci": 50.1, "lci_before": 57.3, "lci_change": -7.2, "points": 5.0},
    "link": "https://dashboards.example.org/overview",
}


@pytest.fixture(scope="module")
def delivered(org_lake: OrgLake, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the organisation's lake with a briefing sent, an alert raised, and its webhook failing."""
    folder = tmp_path_factory.mktemp("delivered") / "data"
    shutil.copytree(org_lake.settings.data_dir, folder)
    settings = org_lake.settings.model_copy(update={"data_dir": folder})
    briefing = store.Target("briefing/2026-10/organisation/nl", store.BRIEFING, "email", "cpo@example.org", "nl")
    assert store.owe(settings, [briefing]) == [briefing]
    assert store.owe(settings, [briefing]) == [], "owed once"
    store.record(settings, briefing, 1, None)
    assert store.raise_alerts(settings, [ALERT], org_lake.certified) == [ALERT]
    assert store.raise_alerts(settings, [ALERT], org_lake.certified) == [], "raised once"
    alert = store.Target(f"alert/{ALERT['alert_key']}", store.ALERT, "webhook", "hr", "en")
    store.owe(settings, [alert])
    store.record(settings, alert, 1, "webhook hr: HTTP 503 Service Unavailable")
    return settings


def test_a_failing_delivery_turns_the_health_pages_delivery_block_red_with_its_error(delivered: Settings) -> None:
    at = open_page(sign_in(delivered, "admin"), "health")

    assert not at.exception, at.exception
    errors = [e.value for e in at.error if "deliver" in e.value]
    assert errors == [
        "1 deliveries are failing; they are tried again with backoff. Newest error: webhook hr: "
        "HTTP 503 Service Unavailable"
    ]
    (states,) = [f for f in frames(at) if "delivery_key" in f.columns]
    assert dict(zip(states["recipient"], states["status"])) == {"hr": "failed", "cpo@example.org": "sent"}
    assert any("Last briefing sent: briefing/2026-10/organisation/nl" in c.value for c in at.caption)


def test_the_alerts_page_lists_what_was_raised_and_how_its_deliveries_stand(delivered: Settings) -> None:
    at = open_page(sign_in(delivered, "admin"), "alerts")

    assert not at.exception, at.exception
    (raised,) = frames(at)
    assert raised[["rule", "unit_name", "period", "sent", "failing"]].values.tolist() == [
        ["lci_drop", "Sales", "2026-10", 0, 1]
    ]
    assert raised["link"].tolist() == ["https://dashboards.example.org/overview"]

    # Not an executive's page: it is not even in their navigation (dashboards/routes.py).
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_page(sign_in(delivered, "executive"), "alerts")
