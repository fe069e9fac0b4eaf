"""How the dashboards word times and ages: always in UTC, with an age a reader grasps at a glance."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd


def utc_text(moment: datetime | pd.Timestamp | None) -> str:
    if moment is None:
        return "none"
    return pd.Timestamp(moment).tz_convert("UTC").strftime("%Y-%m-%d %H:%M UTC")


def age_text(moment: datetime | pd.Timestamp | None, now: datetime | None = None) -> str:
    """'3 minutes ago', '5 hours ago', '2 days ago'."""
    if moment is None:
        return "never"
    now = now or datetime.now(timezone.utc)
    seconds = max(0.0, (pd.Timestamp(now) - pd.Timestamp(moment)).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"
