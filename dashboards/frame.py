"""What every page shares: who is reading, whether their role may open it, which certified snapshot, how fresh, and
tables with CSV downloads.

Tables of individual-level rows are written to the audit log when shown (once per
reader, page and filter); every download is written to it when it is made
(dashboards.downloads).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboards import audit, downloads, i18n, privacy, queries, routes, session
from dashboards.connection import catalog_key
from dashboards.queries import Certification
from leerstroom.settings import Settings, get_settings

log = logging.getLogger(__name__)

AUDITED_KEY = "audited_views"


@dataclass(frozen=True)
class PageContext:
    viewer: session.Viewer
    settings: Settings
    catalog: str
    certification: Certification | None
    latest: Certification | None
    page: str

    @property
    def k(self) -> int:
        return self.settings.privacy_k

    @property
    def snapshot_id(self) -> int:
        assert self.certification is not None
        return self.certification.snapshot_id

    @property
    def shown_snapshot(self) -> int | None:
        return None if self.certification is None else self.certification.snapshot_id

    @property
    def retention_scoring(self) -> bool:
        # The risk engineer adds this setting; until then scoring counts as switched on.
        return bool(getattr(self.settings, "retention_scoring", True))

    def t(self, key: str, **values: object) -> str:
        return self.viewer.t(key, **values)

    def has(self, mart: str) -> bool:
        return self.certification is not None and queries.has_mart(self.catalog, self.snapshot_id, mart)


def chosen_certification(catalog: str) -> tuple[Certification | None, Certification | None]:
    """(the snapshot the reader chose in the sidebar, the newest certified one)."""
    runs = queries.certified_runs(catalog)
    if not runs:
        return None, None
    chosen = st.session_state.get(session.AS_OF_KEY)
    for run in runs:
        if run.snapshot_id == chosen:
            return run, runs[0]
    return runs[0], runs[0]


def start(page: str, title_key: str, *, needs_certified: bool = True) -> PageContext:
    """Heading plus the snapshot and freshness line; stops the page when the reader's role may not open it, or when
    it needs certified data and there is none."""
    viewer = session.current_viewer()
    if viewer is None:  # app.py only routes signed-in readers here; a stale session lands on the sign-in form
        st.stop()
    if not routes.allowed(page, viewer.role):
        # app.py never offers this page to this role; reaching it anyway is refused here too, before any query.
        log.warning("page %s refused to %s (%s)", page, viewer.name, viewer.role)
        st.error(viewer.t("access.not_for_role"))
        st.stop()
    catalog = catalog_key()
    chosen, latest = chosen_certification(catalog)
    context = PageContext(viewer, get_settings(), catalog, chosen, latest, page)
    st.header(context.t(title_key))
    if chosen is None:
        st.info(context.t("data.nothing_certified"))
        if needs_certified:
            st.stop()
        return context
    lang = viewer.language
    newest = queries.newest_statement(catalog, chosen.snapshot_id)
    st.caption(
        context.t(
            "data.snapshot_line",
            snapshot=chosen.snapshot_id,
            raw=chosen.raw_snapshot_id,
            certified=i18n.moment_text(chosen.certified_at, lang),
            certified_age=i18n.age(chosen.certified_at, lang),
            newest=i18n.moment_text(newest, lang),
            newest_age=i18n.age(newest, lang),
        )
    )
    if latest is not None and chosen.snapshot_id != latest.snapshot_id:
        st.warning(context.t("data.as_of_earlier", snapshot=chosen.snapshot_id, latest=latest.snapshot_id))
    return context


def not_yet(context: PageContext, what: str) -> None:
    """Said plainly when a mart this page reads is not (yet) in the certified snapshot."""
    st.info(context.t("data.not_yet", what=what))


def _filters_text(filters: object) -> str:
    return repr(filters)[:500]


def _record(context: PageContext, action: str, dataset: str, rows: int, filters: str) -> None:
    audit.record(
        context.settings,
        user=context.viewer.name,
        role=context.viewer.role,
        action=action,
        page=context.page,
        dataset=dataset,
        row_count=rows,
        snapshot_id=context.shown_snapshot,
        filters=filters,
    )


def hidden_note(context: PageContext, frame: pd.DataFrame) -> None:
    """Say how many rows disclosure control left out (dashboards.privacy), when it left any out."""
    hidden = int(frame.attrs.get("hidden", 0) or 0)
    if hidden and not privacy.sees_individuals(context.viewer.role):
        st.caption(context.t("privacy.hidden_rows", n=hidden, k=context.k))


def table(
    context: PageContext,
    frame: pd.DataFrame,
    dataset: str,
    *,
    individual: bool = False,
    filters: object = (),
    column_config: dict | None = None,
) -> None:
    """A table and its CSV download. Individual-level tables are audited, and refused to anyone else but analysts."""
    if individual and not privacy.sees_individuals(context.viewer.role):
        # Queries already return nothing for other roles; this is the second lock on the same door.
        st.info(context.t("privacy.individuals_hidden"))
        return
    filters_text = _filters_text(filters)
    if individual:
        seen = st.session_state.setdefault(AUDITED_KEY, set())
        fingerprint = hashlib.sha256(
            f"{context.page}|{dataset}|{context.shown_snapshot}|{filters_text}|{len(frame)}".encode()
        ).hexdigest()
        if fingerprint not in seen:
            _record(context, "view", dataset, len(frame), filters_text)
            seen.add(fingerprint)
    labels = {
        column: label
        for column in frame.columns
        if (label := i18n.optional(context.viewer.language, f"col.{column}")) is not None
    }
    st.dataframe(frame, hide_index=True, width="stretch", column_config={**labels, **(column_config or {})})
    hidden_note(context, frame)
    downloads.button(
        context.t("table.download"),
        context.settings,
        context.page,
        dataset,
        frame,
        individual=individual,
        snapshot_id=context.shown_snapshot,
        filters=filters_text,
        key=f"download-{context.page}-{dataset}",
    )
