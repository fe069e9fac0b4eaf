"""The dashboards' two languages: message catalogues (en, nl) and the number and date formats that go with them."""

from __future__ import annotations

import logging
import math
from datetime import date, datetime, timezone

import pandas as pd

from dashboards.i18n import en, nl

log = logging.getLogger(__name__)

CATALOGUES = {"en": en.MESSAGES, "nl": nl.MESSAGES}
LANGUAGES = {"en": "English", "nl": "Nederlands"}
MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
}
# Thousands and decimal separators; Dutch swaps the English pair.
SEPARATORS = {"en": (",", "."), "nl": (".", ",")}


def text(language: str, key: str, **values: object) -> str:
    """The message `key` in `language`, falling back to English, filled with `values`."""
    message = CATALOGUES.get(language, en.MESSAGES).get(key) or en.MESSAGES.get(key)
    if message is None:
        log.warning("no message %r in any catalogue", key)
        return key
    return message.format(**values) if values else message


def optional(language: str, key: str) -> str | None:
    """The message `key` if a catalogue has it (for labels that may fall back to a raw column name)."""
    return CATALOGUES.get(language, en.MESSAGES).get(key) or en.MESSAGES.get(key)


def number(value: float | int | None, language: str, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    thousands, decimal = SEPARATORS.get(language, SEPARATORS["en"])
    english = f"{float(value):,.{decimals}f}"
    return english.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def percent(share: float | None, language: str, decimals: int = 0) -> str:
    """A share 0..1 as '12%' / '12%'; Dutch writes '12,5%'."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{number(100 * share, language, decimals)}%"


def signed(value: float | None, language: str, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    # A plain hyphen-minus: st.metric reads a delta's direction from it.
    sign = "+" if value > 0 else ("-" if value < 0 else "±")
    return f"{sign}{number(abs(value), language, decimals)}"


def day(moment: date | datetime | pd.Timestamp | None, language: str) -> str:
    if moment is None or moment is pd.NaT:
        return "–"
    stamp = pd.Timestamp(moment)
    return f"{stamp.day} {MONTHS.get(language, MONTHS['en'])[stamp.month - 1]} {stamp.year}"


def month(moment: date | datetime | pd.Timestamp | None, language: str) -> str:
    if moment is None or moment is pd.NaT:
        return "–"
    stamp = pd.Timestamp(moment)
    return f"{MONTHS.get(language, MONTHS['en'])[stamp.month - 1]} {stamp.year}"


def moment_text(moment: datetime | pd.Timestamp | None, language: str) -> str:
    if moment is None or moment is pd.NaT:
        return "–"
    stamp = pd.Timestamp(moment)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return f"{day(stamp, language)} {stamp.strftime('%H:%M')} UTC"


def age(moment: datetime | pd.Timestamp | None, language: str, now: datetime | None = None) -> str:
    if moment is None or moment is pd.NaT:
        return text(language, "age.never")
    now = now or datetime.now(timezone.utc)
    stamp = pd.Timestamp(moment)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    seconds = max(0.0, (pd.Timestamp(now) - stamp).total_seconds())
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            return text(language, f"age.{unit}", count=int(seconds // size))
    return text(language, "age.now")
