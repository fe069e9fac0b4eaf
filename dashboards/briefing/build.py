"""One briefing from a lake connection pinned to a certified snapshot: figures, then the page. The command line,
the delivery and the dashboards' download all make it here, so all three give the same PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from dashboards.briefing import levers as lever_texts
from dashboards.briefing import page
from dashboards.briefing.figures import Briefing, Snapshot, gather
from leerstroom.settings import Settings

LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class Made:
    briefing: Briefing
    pdf: bytes

    def file_name(self, language: str) -> str:
        unit = "".join(c if c.isalnum() else "-" for c in self.briefing.unit_name).strip("-").lower()
        return f"leerstroom-briefing-{self.briefing.month:%Y-%m}-{unit}-{language}.pdf"


def make(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    snapshot: Snapshot,
    *,
    month: date,
    unit: str | None,
    language: str,
) -> Made:
    texts = lever_texts.load(settings)
    briefing = gather(
        con,
        month=month,
        unit=unit,
        snapshot=snapshot,
        k=settings.privacy_k,
        levers=texts,
        retention=settings.retention_scoring,
    )
    return Made(briefing, page.render(briefing, language, texts))
