"""Sign-in and the reader's session: who is signed in (local user or OIDC), their role, language and "as of" snapshot.

There is no way around the sign-in form: tests sign in with users they create in their
own data folder, exactly as a person would. The users file is read again on every run, so
a removed user's open session ends at their next click, and a changed role applies at once.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from dashboards import i18n, privacy, users
from dashboards.sign_in_limit import SignInLimit
from leerstroom.settings import Settings, get_settings

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
    """The signed-in reader as the users file has them now, or None (and the session signed out) when it has not."""
    settings = get_settings()
    signed_in = st.session_state.get(USER_KEY)
    if signed_in is None and oidc_configured() and _oidc_logged_in():
        email = st.user.get("email")
        user = users.role_of_identity(settings, email) if isinstance(email, str) and email_verified(st.user) else None
        if user is not None:
            signed_in = st.session_state[USER_KEY] = {
                "name": user.name,
                "role": user.role,
                "oidc": True,
                "credential": None,
            }
    if signed_in is None:
        return None
    user = still_signed_in(settings, signed_in)
    if user is None:
        log.warning("dashboard session of %r ended: no longer a user with that sign-in", signed_in.get("name"))
        for key in (USER_KEY, AS_OF_KEY):
            st.session_state.pop(key, None)
        return None
    return Viewer(user.name, user.role, language())


def email_verified(identity: object) -> bool:
    """Only an address the provider says it verified names a listed user; a provider that says nothing proves
    nothing about who controls the address."""
    claim = getattr(identity, "get", lambda _key: None)("email_verified")
    return claim is True or (isinstance(claim, str) and claim.strip().lower() == "true")


def _credential(user: users.User) -> str | None:
    # Changing a password (or taking it away) ends the sessions signed in with the old one.
    return None if user.password_hash is None else hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def still_signed_in(settings: Settings, signed_in: dict) -> users.User | None:
    """The user a session was signed in as, if the users file still lists them with the same way in."""
    if signed_in.get("oidc"):
        return users.role_of_identity(settings, signed_in.get("name"))
    user = users.load(settings).get(signed_in.get("name", ""))
    if user is None or user.password_hash is None or _credential(user) != signed_in.get("credential"):
        return None
    return user


def oidc_configured() -> bool:
    """True when .streamlit/secrets.toml (kept outside the repository) has an [auth] section for st.login."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):
        return False


def _oidc_logged_in() -> bool:
    return bool(getattr(st.user, "is_logged_in", False))


@st.cache_resource
def _sign_in_limit(limit: int, window: int) -> SignInLimit:
    """One counter of failed sign-ins per dashboard process, shared by every browser session."""
    return SignInLimit(limit, window)


def client_address() -> str | None:
    """The reader's address as Streamlit reports it (None for loopback, or where there is no connection)."""
    address = getattr(st.context, "ip_address", None)
    return address if isinstance(address, str) else None


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
        limit = _sign_in_limit(settings.lrs_signin_failures, settings.lrs_signin_window_seconds)
        address = client_address()
        wait = limit.retry_after(name.strip(), address)
        user = None if wait else users.authenticate(settings, name, password)
        if wait:
            log.warning("dashboard sign-in for %r from %s refused: too many failures", name, address or "loopback")
            st.error(i18n.text(lang, "signin.throttled", seconds=wait))
        elif user is None:
            limit.failed(name.strip(), address)
            log.warning("failed dashboard sign-in for %r from %s", name, address or "loopback")
            st.error(i18n.text(lang, "signin.failed"))
        else:
            limit.succeeded(name.strip(), address)
            log.info("dashboard sign-in: %s (%s)", user.name, user.role)
            st.session_state[USER_KEY] = {
                "name": user.name,
                "role": user.role,
                "oidc": False,
                "credential": _credential(user),
            }
            st.rerun()
    if oidc_configured():
        if _oidc_logged_in():
            email = st.user.get("email") or "?"
            st.warning(
                i18n.text(
                    lang, "signin.oidc_unknown" if email_verified(st.user) else "signin.oidc_unverified", email=email
                )
            )
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
