"""Alert rules (alert-rules.yml, or the operator's copy) applied to a certified snapshot's last complete month.

Every figure a rule reads comes through dashboards/privacy.py as an executive may see it, so a
unit under k, or one that would give such a group away, raises nothing. An alert is keyed by
rule, unit and period: the delivery store raises each key once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from dashboards import i18n, privacy, roles
from dashboards.briefing import BriefingError
from dashboards.briefing.figures import MART, complete_months, shown_months
from dashboards.briefing.outlook import outlook
from dashboards.briefing.texts import score_name
from dashboards.deep_dives import DEEP_DIVES
from leerstroom.settings import Settings

DEFAULT_FILE = Path(__file__).resolve().parent / "alert-rules.yml"
LCI_DROP, NOT_MEASURED, EXPECTED_LEAVERS = "lci_drop", "sub_score_not_measured", "expected_leavers"
LEVELS = ("organisation", "department", "team")
DIVE_OF = {dive.score: dive.key for dive in DEEP_DIVES}

MESSAGES = {
    "en": {
        "subject": "Leerstroom alert: {unit} ({rule})",
        LCI_DROP: "The Learning Culture Index of {unit} fell {drop} points from {before} to {month} ({then} -> {now}); "
        "the rule alerts above {points}.",
        NOT_MEASURED: "{score} was measured in {before} and is not measured in {month}: a tool that fed it may have "
        "gone quiet.",
        EXPECTED_LEAVERS: "{unit} expects {expected} voluntary leavers in the six months after {date} (the rule alerts "
        "above {leavers}; the same months a year earlier: {last_year}).",
        "link": "Dashboard: {link}",
        "unit.organisation": "the organisation",
    },
    "nl": {
        "subject": "Leerstroom-signaal: {unit} ({rule})",
        LCI_DROP: "De leercultuurindex van {unit} daalde {drop} punten van {before} naar {month} ({then} -> {now}); "
        "de regel signaleert boven {points}.",
        NOT_MEASURED: "{score} werd in {before} gemeten en in {month} niet: een tool die het voedde, is misschien "
        "stil gevallen.",
        EXPECTED_LEAVERS: "{unit} verwacht {expected} vrijwillige vertrekkers in de zes maanden na {date} (de regel "
        "signaleert boven {leavers}; dezelfde maanden een jaar eerder: {last_year}).",
        "link": "Dashboard: {link}",
        "unit.organisation": "de organisatie",
    },
}


@dataclass(frozen=True)
class Rule:
    rule: str
    points: float = 5.0
    leavers: float = 5.0
    levels: tuple[str, ...] = LEVELS


@dataclass(frozen=True)
class Alert:
    rule: str
    unit_level: str
    unit_name: str
    period: str  # the month (YYYY-MM), or the scoring date
    figures: dict = field(default_factory=dict)
    link: str = ""

    @property
    def key(self) -> str:
        return f"{self.rule}|{self.unit_level}|{self.unit_name}|{self.period}"

    def as_row(self) -> dict:
        return {
            "alert_key": self.key,
            "rule": self.rule,
            "unit_level": self.unit_level,
            "unit_name": self.unit_name,
            "period": self.period,
            "figures": self.figures,
            "link": self.link,
        }


def rules_file(settings: Settings) -> Path:
    return Path(settings.alert_rules_file) if settings.alert_rules_file.strip() else DEFAULT_FILE


def load_rules(settings: Settings) -> list[Rule]:
    path = rules_file(settings)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise BriefingError(f"alert rules {path}: cannot be read: {err}") from err
    rules = []
    for i, entry in enumerate(data.get("rules") or []):
        kind = entry.get("rule") if isinstance(entry, dict) else None
        if kind not in (LCI_DROP, NOT_MEASURED, EXPECTED_LEAVERS):
            raise BriefingError(
                f"alert rules {path}: rules[{i}].rule {kind!r} is not one of {LCI_DROP}, "
                f"{NOT_MEASURED}, {EXPECTED_LEAVERS}"
            )
        levels = tuple(entry.get("levels") or LEVELS)
        if set(levels) - set(LEVELS):
            raise BriefingError(f"alert rules {path}: rules[{i}].levels may hold {', '.join(LEVELS)} only")
        try:
            rules.append(Rule(kind, float(entry.get("points", 5)), float(entry.get("leavers", 5)), levels))
        except (TypeError, ValueError) as err:
            raise BriefingError(f"alert rules {path}: rules[{i}]: points and leavers must be numbers") from err
    return rules


def _page(settings: Settings, path: str) -> str:
    return f"{settings.dashboard_url.rstrip('/')}/{path}"


def evaluate(con: duckdb.DuckDBPyConnection, settings: Settings, rules: list[Rule]) -> list[Alert]:
    """The alerts the snapshot's last complete month raises (con: a lake connection pinned to a certified
    snapshot), judged on figures as an executive may see them."""
    if not rules:
        return []
    audience, k = privacy.audience(roles.EXECUTIVE), settings.privacy_k
    rows = shown_months(con, audience, k)
    rows["month_start"] = pd.to_datetime(rows["month_start"]).dt.date
    everything = con.execute(f"SELECT unit_level, month_start, is_complete FROM lake.marts.{MART}").df()
    everything["month_start"] = pd.to_datetime(everything["month_start"]).dt.date
    complete = complete_months(everything)
    if not complete:
        return []
    month = complete[-1]
    found: list[Alert] = []
    for rule in rules:
        if rule.rule == LCI_DROP:
            found += _drops(settings, rows, month, rule)
        elif rule.rule == NOT_MEASURED and len(complete) > 1:
            found += _unmeasured(settings, rows, complete[-2], month)
        elif rule.rule == EXPECTED_LEAVERS and settings.retention_scoring:
            found += _leavers(settings, con, audience, k, rule)
    return found


def _drops(settings: Settings, rows: pd.DataFrame, month: date, rule: Rule) -> list[Alert]:
    now = rows[
        (rows["month_start"] == month)
        & rows["unit_level"].isin(rule.levels)
        & rows["lci_change"].notna()
        & (rows["lci_change"] < -rule.points)
    ]
    return [
        Alert(
            LCI_DROP,
            row.unit_level,
            row.unit_name,
            f"{month:%Y-%m}",
            {
                "lci": row.lci,
                "lci_before": round(row.lci - row.lci_change, 1),
                "lci_change": row.lci_change,
                "points": rule.points,
            },
            _page(settings, "overview"),
        )
        for row in now.sort_values(["lci_change", "unit_name"]).itertuples()
    ]


def _unmeasured(settings: Settings, rows: pd.DataFrame, before: date, month: date) -> list[Alert]:
    """Coverage is the organisation's (what its tools send), so this rule looks at the organisation only."""
    org = rows[rows["unit_level"] == privacy.ORGANISATION].set_index("month_start")
    if before not in org.index or month not in org.index:
        return []
    withheld = {
        m: set(str(org.at[m, privacy.WITHHELD]).split(", "))
        if privacy.WITHHELD in org.columns and pd.notna(org.at[m, privacy.WITHHELD])
        else set()
        for m in (before, month)
    }
    return [
        Alert(
            NOT_MEASURED,
            privacy.ORGANISATION,
            privacy.ORGANISATION,
            f"{month:%Y-%m}",
            {"sub_score": score, "measured_in": f"{before:%Y-%m}"},
            _page(settings, DIVE_OF[score]),
        )
        for score in privacy.SUB_SCORES
        if pd.notna(org.at[before, score]) and pd.isna(org.at[month, score]) and score not in withheld[month]
    ]


def _leavers(settings: Settings, con: duckdb.DuckDBPyConnection, audience: str, k: int, rule: Rule) -> list[Alert]:
    found = outlook(con, audience, k)
    if not found.shown:
        return []
    over = found.rows[found.rows["expected"].notna() & (found.rows["expected"] > rule.leavers)]
    return [
        Alert(
            EXPECTED_LEAVERS,
            "department",
            row.department,
            found.scoring_date.isoformat(),
            {
                "expected": round(float(row.expected), 1),
                "leavers": rule.leavers,
                "last_year": None if pd.isna(row.last_year) else int(row.last_year),
            },
            _page(settings, "retention-model"),
        )
        for row in over.itertuples()
    ]


def message(alert: dict, language: str) -> tuple[str, str]:
    """(subject, body) of a raised alert (a row of lake.meta.alerts) in `language`."""
    words = MESSAGES.get(language, MESSAGES["en"])
    figures = alert["figures"]
    unit = words["unit.organisation"] if alert["unit_level"] == privacy.ORGANISATION else alert["unit_name"]
    if alert["rule"] == LCI_DROP:
        month = date.fromisoformat(alert["period"] + "-01")
        before = (pd.Timestamp(month) - pd.DateOffset(months=1)).date()
        body = words[LCI_DROP].format(
            unit=unit,
            drop=i18n.number(-figures["lci_change"], language, 1),
            before=i18n.month(before, language),
            month=i18n.month(month, language),
            then=i18n.number(figures["lci_before"], language, 1),
            now=i18n.number(figures["lci"], language, 1),
            points=i18n.number(figures["points"], language, 1),
        )
    elif alert["rule"] == NOT_MEASURED:
        month = date.fromisoformat(alert["period"] + "-01")
        body = words[NOT_MEASURED].format(
            score=score_name(language, figures["sub_score"]),
            before=i18n.month(date.fromisoformat(figures["measured_in"] + "-01"), language),
            month=i18n.month(month, language),
        )
    else:
        body = words[EXPECTED_LEAVERS].format(
            unit=unit,
            expected=i18n.number(figures["expected"], language, 1),
            date=i18n.day(date.fromisoformat(alert["period"]), language),
            leavers=i18n.number(figures["leavers"], language, 0),
            last_year="–" if figures.get("last_year") is None else i18n.number(figures["last_year"], language, 0),
        )
    subject = words["subject"].format(unit=unit, rule=alert["rule"])
    return subject, f"{body}\n\n{words['link'].format(link=alert['link'])}\n"
