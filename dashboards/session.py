"""Sign-in and the reader's session: who is signed in (local user or OIDC), their role, language and "as of" snapshot.

There is no way around the sign-in form: tests sign in with users they create in their
own data folder, exactly as a person would.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from dashboards import i18n, privacy, users
from ingest.lrs.auth import SignInThrottle
from leerstroom.settings import get_settings

log = logging.getLogger(__name__)

USER_KEY = "signed_in"
LANGUAGE_KEY = "chosen_language"
AS_OF_KEY = "chosen_snapshot"


@dataclass(frozen=True)
class Viewer:
    name: str
    role: str
    language: str

    @property
    def audience(self) -> str:
        return privacy.audience(self.role)

    def t(self, key: str, **values: object) -> str:
        return i18n.text(self.language, key, **values)


def language() -> str:
    return st.session_state.get(LANGUAGE_KEY, "en")


def current_viewer() -> Viewer | None:
    signed_in = st.session_state.get(USER_KEY)
    if signed_in is None and oidc_configured() and _oidc_logged_in():
        # A provider that says the address is unverified proves nothing about who this is.
        verified = st.user.get("email_verified") is not False
        user = users.role_of_identity(get_settings(), st.user.get("email")) if verified else None
        if user is not None:
            signed_in = st.session_state[USER_KEY] = {"name": user.name, "role": user.role, "oidc": True}
    if signed_in is None:
        return None
    return Viewer(signed_in["name"], signed_in["role"], language())


def oidc_configured() -> bool:
    """True when .streamlit/secrets.toml (kept outside the repository) has an [auth] section for st.login."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):
        return False


def _oidc_logged_in() -> bool:
    return bool(getattr(st.user, "is_logged_in", False))


@st.cache_resource
def _sign_in_throttle(limit: int, window: int) -> SignInThrottle:
    """One counter of failed sign-ins per dashboard process, shared by every browser session."""
    return SignInThrottle(limit, window)


def sign_in_page() -> None:
    """The only page a reader who is not signed in can reach."""
    lang = language()
    st.header(i18n.text(lang, "signin.title"))
    st.caption(i18n.text(lang, "signin.intro"))
    with st.form("sign_in"):
        name = st.text_input(i18n.text(lang, "signin.name"))
        password = st.text_input(i18n.text(lang, "signin.password"), type="password")
        submitted = st.form_submit_button(i18n.text(lang, "signin.submit"))
    if submitted:
        settings = get_settings()
        throttle = _sign_in_throttle(settings.lrs_signin_failures, settings.lrs_signin_window_seconds)
        address = getattr(st.context, "ip_address", None)
        wait = throttle.retry_after(name.strip(), address)
        user = None if wait else users.authenticate(settings, name, password)
        if wait:
            log.warning("dashboard sign-in for %r refused: too many failures", name)
            st.error(i18n.text(lang, "signin.throttled", seconds=wait))
        elif user is None or user.password_hash is None:
            throttle.failed(name.strip(), address)
            log.warning("failed dashboard sign-in for %r", name)
            st.error(i18n.text(lang, "signin.failed"))
        else:
            log.info("dashboard sign-in: %s (%s)", user.name, user.role)
            st.session_state[USER_KEY] = {"name": user.name, "role": user.role, "oidc": False}
            st.rerun()
    if oidc_configured():
        if _oidc_logged_in():
            st.warning(i18n.text(lang, "signin.oidc_unknown", email=st.user.get("email") or "?"))
            # Otherwise whoever picked the wrong account at the provider keeps it until the auth cookie expires.
            if st.button(i18n.text(lang, "sidebar.sign_out")):
                st.logout()
        elif st.button(i18n.text(lang, "signin.oidc")):
            st.login()


def sign_out() -> None:
    was_oidc = bool(st.session_state.get(USER_KEY, {}).get("oidc"))
    for key in (USER_KEY, AS_OF_KEY):
        st.session_state.pop(key, None)
    if was_oidc:
        st.logout()
