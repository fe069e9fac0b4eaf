"""Leerstroom's dashboards: the Streamlit entrypoint that signs readers in and frames every page for their role."""

from __future__ import annotations

import streamlit as st

from dashboards import i18n, queries, routes, session
from dashboards.connection import catalog_key
from dashboards.frame import chosen_certification

st.set_page_config(page_title="Leerstroom", layout="wide")


def pages_for(viewer: session.Viewer) -> dict[str, list[st.Page]]:
    """The reader's navigation: only the routes of their role exist for them (dashboards.routes)."""
    sections: dict[str, list[st.Page]] = {}
    for route in routes.for_role(viewer.role):
        sections.setdefault(viewer.t(route.section_key), []).append(
            st.Page(route.file, title=viewer.t(route.title_key), url_path=route.path, default=route.default)
        )
    return sections


def remember(widget: str) -> None:
    """Copy a sidebar choice into session keys of our own: widget keys vanish on a run that does not draw them."""
    target = {"language": session.LANGUAGE_KEY, "as_of": session.AS_OF_KEY}[widget]
    st.session_state[target] = st.session_state[widget]


def sidebar(viewer: session.Viewer) -> None:
    t = viewer.t
    st.sidebar.title("Leerstroom")
    st.sidebar.caption(t("sidebar.signed_in", name=viewer.name, role=t(f"role.{viewer.role}")))
    st.sidebar.button(t("sidebar.sign_out"), on_click=session.sign_out)
    languages = list(i18n.LANGUAGES)
    st.sidebar.selectbox(
        t("sidebar.language"),
        languages,
        index=languages.index(viewer.language),
        format_func=i18n.LANGUAGES.get,
        key="language",
        on_change=remember,
        args=("language",),
    )
    chosen, _latest = chosen_certification(catalog_key())
    runs = queries.certified_runs(catalog_key())
    if runs:
        st.sidebar.selectbox(
            t("sidebar.as_of"),
            [run.snapshot_id for run in runs],
            index=[r.snapshot_id for r in runs].index(chosen.snapshot_id),
            key="as_of",
            on_change=remember,
            args=("as_of",),
            format_func=lambda snapshot: t(
                "sidebar.snapshot_option",
                snapshot=snapshot,
                certified=i18n.moment_text(
                    next(r.certified_at for r in runs if r.snapshot_id == snapshot), viewer.language
                ),
            ),
        )


viewer = session.current_viewer()
if viewer is None:
    st.navigation(
        [
            st.Page(
                session.sign_in_page,
                title=i18n.text(session.language(), "signin.title"),
                url_path="sign-in",
                default=True,
            )
        ]
    ).run()
else:
    navigation = st.navigation(pages_for(viewer), expanded=True)
    sidebar(viewer)
    navigation.run()
