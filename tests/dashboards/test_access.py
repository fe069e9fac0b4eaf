"""Access by role on every route, and sign-in that holds: pages check their own role, sessions end with the user,
a guesser cannot lock a reader out, and sign-in time does not tell names apart."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import session, users
from dashboards.roles import ROLES
from dashboards.routes import ROUTES
from dashboards.server import APP
from leerstroom.settings import Settings
from tests.dashboards.app_session import PASSWORDS, create_users, open_page, sign_in
from tests.dashboards.org_lake import OrgLake

NOT_FOR_ROLE = "This page is not open to your role."


@pytest.fixture(scope="module")
def org(org_lake: OrgLake) -> Iterator[OrgLake]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEERSTROOM_DATA_DIR", str(org_lake.settings.data_dir))
        yield org_lake


def signed_in_as(settings: Settings, role: str) -> dict:
    """The session a reader of `role` has after signing in through the form."""
    at = sign_in(settings, role)
    assert at.session_state[session.USER_KEY]["role"] == role
    return dict(at.session_state[session.USER_KEY])


def test_no_folder_streamlit_would_serve_by_file_name_sits_next_to_the_entrypoint() -> None:
    # A `pages` folder beside app.py makes Streamlit route URLs to its files without app.py's role check.
    assert not (APP.parent / "pages").exists()
    assert all(route.file.parent.name == "views" and route.file.exists() for route in ROUTES)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_script_refuses_a_role_its_route_is_not_open_to(org: OrgLake, role: str) -> None:
    reader = signed_in_as(org.settings, role)
    for route in ROUTES:
        page = AppTest.from_file(str(route.file), default_timeout=90)
        page.session_state[session.USER_KEY] = reader
        page.run()
        errors = [error.value for error in page.error]
        if role in route.roles:
            assert NOT_FOR_ROLE not in errors, route.path
        else:
            assert errors == [NOT_FOR_ROLE], route.path
            assert not page.dataframe and not page.metric and not page.get("download_button"), route.path


def test_a_removed_users_open_session_ends_at_their_next_click(org: OrgLake) -> None:
    users.add(org.settings, "leaving-user", "executive", PASSWORDS["executive"])
    at = open_page(sign_in(org.settings, "executive", name="leaving-user"), "overview")
    assert at.metric, "signed in, the overview shows its figures"

    users.remove(org.settings, "leaving-user")
    at.run()

    assert [header.value for header in at.header] == ["Sign in"]
    assert not at.metric and not at.dataframe
    assert session.USER_KEY not in at.session_state


def test_a_changed_password_ends_the_sessions_signed_in_with_the_old_one(org: OrgLake) -> None:
    users.add(org.settings, "moving-user", "hr_analyst", PASSWORDS["hr_analyst"])
    at = open_page(sign_in(org.settings, "hr_analyst", name="moving-user"), "explorer")
    assert at.dataframe

    users.add(org.settings, "moving-user", "hr_analyst", "a brand new password")
    at.run()

    assert [header.value for header in at.header] == ["Sign in"]
    assert not at.dataframe


def test_failed_sign_ins_from_one_address_do_not_lock_the_user_out_from_another(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Streamlit reports every loopback client as no address, and AppTest has no connection at all: the address is
    # the one thing here that cannot be real, so the sign-in page is told which one it is.
    monkeypatch.setenv("LEERSTROOM_LRS_SIGNIN_FAILURES", "4")
    monkeypatch.setenv("LEERSTROOM_LRS_SIGNIN_WINDOW_SECONDS", "601")
    create_users(settings)
    address = {"now": "203.0.113.7"}
    monkeypatch.setattr(session, "client_address", lambda: address["now"], raising=False)

    for _ in range(4):
        at = sign_in(settings, "admin", password="not-the-password")
        assert [error.value for error in at.error] == ["Sign-in failed: unknown user name or wrong password."]
    refused_here = sign_in(settings, "admin")
    address["now"] = "198.51.100.20"
    elsewhere = sign_in(settings, "admin")
    address["now"] = "203.0.113.7"
    other_name_same_address = sign_in(settings, "executive")

    assert "Too many failed sign-ins" in refused_here.error[0].value
    assert not elsewhere.error and elsewhere.session_state[session.USER_KEY]["role"] == "admin"
    # One address trying name after name is stopped as well.
    assert "Too many failed sign-ins" in other_name_same_address.error[0].value


def test_every_sign_in_costs_exactly_one_scrypt_whatever_the_name(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unknown names took two scrypts (75 ms) and known ones one (38 ms); a name without a password took none."""
    users.add(settings, "anna", "hr_analyst", "correct horse battery")
    users.add(settings, "eva@org.example", "executive", None)
    calls = []
    real = hashlib.scrypt

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(users.hashlib, "scrypt", counted)
    for name, password in (
        ("anna", "correct horse battery"),
        ("anna", "wrong horse battery"),
        ("nobody", "correct horse battery"),
        ("eva@org.example", "correct horse battery"),
    ):
        calls.clear()
        users.authenticate(settings, name, password)
        assert len(calls) == 1, name


@pytest.mark.parametrize(
    ("claims", "verified"),
    [
        ({"email": "eva@org.example", "email_verified": True}, True),
        ({"email": "eva@org.example", "email_verified": "true"}, True),
        ({"email": "eva@org.example", "email_verified": False}, False),
        ({"email": "eva@org.example"}, False),
    ],
)
def test_only_an_address_the_provider_says_it_verified_counts(claims: dict, verified: bool) -> None:
    assert session.email_verified(claims) is verified
