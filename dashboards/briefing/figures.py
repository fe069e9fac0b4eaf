"""What one month's briefing says, read from a certified snapshot as an executive may see it (dashboards/privacy.py).

The unit figures come from mart_lci_unit_month, whose change per month is already split into
composition, behaviour and coverage (computed over person-level rows in the transform and
published per unit). Disclosure control is decided over every unit mart of the snapshot, as
on the dashboards, so the page shows nothing a dashboard would hide from the same reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pandas as pd

from dashboards import privacy, roles
from dashboards.briefing import BriefingError
from dashboards.briefing.levers import Levers
from dashboards.briefing.outlook import Outlook, outlook
from transform import marts as mart_contracts

MART = "mart_lci_unit_month"
TREND_MONTHS = 12
MOST_MOVED = 3
LARGEST_DROPS = 5
ORGANISATION = privacy.ORGANISATION
SPLIT_COUNTS = ("stayers", "arrived", "departed", "joined_organisation", "moved_in", "left_organisation", "moved_out")


@dataclass(frozen=True)
class Snapshot:
    """The certified transform run a briefing reads."""

    snapshot_id: int
    certified_at: datetime
    run_id: str


@dataclass(frozen=True)
class Score:
    key: str
    value: float | None  # None: not measured, or withheld
    change: float | None  # against the month before, when both are shown
    withheld: bool = False  # measured, but about fewer than k people (a handful of managers)


@dataclass
class Briefing:
    month: date
    unit_level: str
    unit_name: str
    snapshot: Snapshot
    k: int
    trend: pd.DataFrame  # month_start, lci, measured_sub_scores: up to 12 complete months
    lci: float | None
    lci_change: float | None
    lci_withheld: bool
    measured_sub_scores: int | None
    is_history_short: bool
    scores: list[Score]
    split: dict[str, float | int | None]  # SPLIT_COUNTS and the change's three parts; None where hidden
    coverage_gained: list[str]  # sub-scores measured this month and not the month before
    coverage_lost: list[str]
    drops: pd.DataFrame  # unit_level, unit_name, lci_change, lci: the largest drops
    levers: list[tuple[str, float]]  # weak sub-scores, weakest first
    outlook: Outlook | None  # None: retention analysis switched off
    data_until: date | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def most_moved(self) -> list[Score]:
        moved = [score for score in self.scores if score.change is not None]
        return sorted(moved, key=lambda score: (-abs(score.change), score.key))[:MOST_MOVED]


def unit_marts(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every unit table of the snapshot (the marts whose models declare them so: transform/marts.py): what
    disclosure control is decided over, as the dashboards do."""
    present = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake' AND schema_name = 'marts'"
        ).fetchall()
    }
    return {
        mart.name: con.execute(f"SELECT * FROM lake.marts.{mart.name}").df()
        for mart in mart_contracts.of_shape("units")
        if mart.name in present
    }


def shown_months(con: duckdb.DuckDBPyConnection, audience: str, k: int) -> pd.DataFrame:
    """mart_lci_unit_month as `audience` may see it."""
    marts = unit_marts(con)
    if MART not in marts:
        raise BriefingError(f"the certified snapshot has no {MART}: run `leerstroom transform` with this release")
    rows = marts[MART]
    if audience == privacy.UNRESTRICTED:
        return rows
    return privacy.unit_table(rows, audience, k, privacy.unit_visibility(marts, k), MART)


def complete_months(rows: pd.DataFrame) -> list[date]:
    months = rows.loc[rows["is_complete"].astype(bool) & (rows["unit_level"] == ORGANISATION), "month_start"]
    return sorted(pd.to_datetime(months).dt.date.unique())


def _unit(rows: pd.DataFrame, all_rows: pd.DataFrame, unit: str | None) -> tuple[str, str]:
    if unit is None or unit == ORGANISATION:
        return ORGANISATION, ORGANISATION
    levels = all_rows.loc[all_rows["unit_name"] == unit, "unit_level"].unique()
    if len(levels) == 0:
        departments = sorted(all_rows.loc[all_rows["unit_level"] == "department", "unit_name"].unique())
        raise BriefingError(
            f"unknown unit {unit!r}: give `organisation`, a department ({', '.join(departments)}) "
            "or a team as `Department / Team`"
        )
    return str(levels[0]), unit


def _value(row: pd.Series | None, column: str) -> float | None:
    if row is None or column not in row.index or pd.isna(row[column]):
        return None
    return float(row[column])


def _withheld(row: pd.Series | None) -> set[str]:
    if row is None or privacy.WITHHELD not in row.index or pd.isna(row[privacy.WITHHELD]):
        return set()
    return set(str(row[privacy.WITHHELD]).split(", "))


def gather(
    con: duckdb.DuckDBPyConnection,
    *,
    month: date,
    unit: str | None,
    snapshot: Snapshot,
    k: int,
    levers: Levers,
    retention: bool = True,
    audience: str | None = None,
) -> Briefing:
    """The briefing of `unit` (default: the organisation) for the complete `month`, read from `con` (a lake
    connection pinned to `snapshot`), as an executive may see it."""
    audience = audience or privacy.audience(roles.EXECUTIVE)
    all_rows = unit_marts(con).get(MART)
    if all_rows is None:
        raise BriefingError(
            f"the certified snapshot {snapshot.snapshot_id} has no {MART}: run `leerstroom "
            "transform` with this release first"
        )
    rows = shown_months(con, audience, k)
    rows["month_start"] = pd.to_datetime(rows["month_start"]).dt.date
    complete = complete_months(all_rows.assign(month_start=pd.to_datetime(all_rows["month_start"]).dt.date))
    if month not in complete:
        last = complete[-1].strftime("%Y-%m") if complete else "none yet"
        raise BriefingError(
            f"{month:%Y-%m} is not a complete month in certified snapshot {snapshot.snapshot_id} "
            f"(the last complete month is {last}); a briefing covers complete months only"
        )
    level, name = _unit(rows, all_rows, unit)
    own = rows[(rows["unit_level"] == level) & (rows["unit_name"] == name)].sort_values("month_start")
    by_month = {row.month_start: row for _, row in own.iterrows()}
    current = by_month.get(month)
    if current is None:
        raise BriefingError(
            f"{name} had fewer than {k} people in {month:%Y-%m} (or would give such a group away): "
            "no briefing is made for it"
        )
    before_month = (pd.Timestamp(month) - pd.DateOffset(months=1)).date()
    previous = by_month.get(before_month)
    withheld, withheld_before = _withheld(current), _withheld(previous)
    scores = []
    for key in privacy.SUB_SCORES:
        now, then = _value(current, key), _value(previous, key)
        change = None if now is None or then is None else now - then
        scores.append(Score(key, now, change, withheld=key in withheld))
    months = [m for m in complete if m <= month][-TREND_MONTHS:]
    trend = own[own["month_start"].isin(months)][["month_start", "lci", "measured_sub_scores"]].reset_index(drop=True)
    measured_now = {s for s in privacy.SUB_SCORES if _value(current, s) is not None or s in withheld}
    measured_then = {s for s in privacy.SUB_SCORES if _value(previous, s) is not None or s in withheld_before}
    return Briefing(
        month=month,
        unit_level=level,
        unit_name=name,
        snapshot=snapshot,
        k=k,
        trend=trend,
        lci=_value(current, "lci"),
        lci_change=_value(current, "lci_change"),
        lci_withheld="lci" in withheld,
        measured_sub_scores=None
        if pd.isna(current.get("measured_sub_scores"))
        else int(current["measured_sub_scores"]),
        is_history_short=bool(current.get("is_history_short", False)),
        scores=scores,
        split={column: _value(current, column) for column in (*SPLIT_COUNTS, *privacy.CHANGE_SPLIT)},
        coverage_gained=sorted(measured_now - measured_then) if previous is not None else [],
        coverage_lost=sorted(measured_then - measured_now) if previous is not None else [],
        drops=_largest_drops(rows, month, level, name),
        levers=levers.weakest({score.key: score.value for score in scores}),
        outlook=_unit_outlook(con, audience, k, level, name) if retention else None,
        data_until=_data_until(con),
    )


def _largest_drops(rows: pd.DataFrame, month: date, level: str, name: str) -> pd.DataFrame:
    """The units inside this one whose index fell most this month (only units shown to the reader)."""
    inside = rows[(rows["month_start"] == month) & rows["lci_change"].notna() & (rows["lci_change"] < 0)]
    if level == ORGANISATION:
        inside = inside[inside["unit_level"] != ORGANISATION]
    elif level == "department":
        inside = inside[
            (inside["unit_level"] == "team") & inside["unit_name"].str.startswith(name + privacy.UNIT_PARENT_SEPARATOR)
        ]
    else:
        inside = inside.iloc[0:0]
    return (
        inside.sort_values(["lci_change", "unit_name"])[["unit_level", "unit_name", "lci_change", "lci"]]
        .head(LARGEST_DROPS)
        .reset_index(drop=True)
    )


def _unit_outlook(con: duckdb.DuckDBPyConnection, audience: str, k: int, level: str, name: str) -> Outlook:
    found = outlook(con, audience, k)
    if level == "department" and not found.rows.empty:
        return Outlook(
            found.status,
            found.note,
            found.scoring_date,
            found.last_year_date,
            found.rows[found.rows["department"] == name].reset_index(drop=True),
            found.expected_total,
            found.last_year_total,
        )
    return found


def _data_until(con: duckdb.DuckDBPyConnection) -> date | None:
    try:
        newest = con.execute("SELECT max(activity_date) FROM lake.marts.mart_daily_activity").fetchone()[0]
    except duckdb.Error:
        return None
    return newest
