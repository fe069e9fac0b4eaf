"""Dashboard users (scrypt hashes in the data folder, `leerstroom users`) and the two languages' formats."""

from __future__ import annotations

import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from dashboards import i18n, users
from dashboards.i18n import en, nl
from leerstroom.settings import Settings


def test_password_is_stored_only_as_a_salted_scrypt_hash(settings: Settings) -> None:
    users.add(settings, "anna", "hr_analyst", "correct horse battery")
    users.add(settings, "bram", "executive", "correct horse battery")

    text = users.users_file(settings).read_text()
    assert "correct horse battery" not in text
    stored = users.load(settings)
    assert stored["anna"].password_hash.startswith("scrypt$")
    assert stored["anna"].password_hash != stored["bram"].password_hash  # each has its own salt
    assert stat.S_IMODE(users.users_file(settings).stat().st_mode) == 0o600
    assert users.users_file(settings).parent == settings.data_dir


def test_sign_in_needs_the_right_name_and_password(settings: Settings) -> None:
    users.add(settings, "anna", "hr_analyst", "correct horse battery")

    assert users.authenticate(settings, "anna", "correct horse battery").role == "hr_analyst"
    assert users.authenticate(settings, "anna", "Correct horse battery") is None
    assert users.authenticate(settings, "nobody", "correct horse battery") is None


def test_an_oidc_user_has_a_role_but_no_password_sign_in(settings: Settings) -> None:
    users.add(settings, "Eva.Jansen@org.example", "executive", None)

    # The provider and the operator may write the address in different case: it is the same person.
    assert users.role_of_identity(settings, "eva.jansen@ORG.example").role == "executive"
    assert users.role_of_identity(settings, "eva@org.example") is None
    assert users.authenticate(settings, "Eva.Jansen@org.example", "") is None


@pytest.mark.parametrize(
    ("name", "role", "password", "rule"),
    [
        ("anna", "ceo", "long enough pw", "role 'ceo': must be one of executive, hr_analyst, admin"),
        ("anna", "admin", "short", "password: must be at least 10 characters"),
        ("a b", "admin", "long enough pw", "name 'a b': use 2-100 letters, digits or . _ @ + -"),
    ],
)
def test_bad_users_are_refused_naming_the_rule(
    settings: Settings, name: str, role: str, password: str, rule: str
) -> None:
    with pytest.raises(users.UserError) as refused:
        users.add(settings, name, role, password)
    assert str(refused.value) == rule
    assert not users.users_file(settings).exists()


def test_cli_adds_a_user_with_the_password_from_stdin(settings: Settings) -> None:
    cli = str(Path(sys.executable).parent / "leerstroom")
    env = {
        "LEERSTROOM_DATA_DIR": str(settings.data_dir),
        "LEERSTROOM_LRS_DATABASE": settings.lrs_database,
        "PATH": "/usr/bin:/bin",
    }
    added = subprocess.run(
        [cli, "users", "add", "admin-1", "--role", "admin", "--password-stdin"],
        input="a long admin password\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    listed = subprocess.run([cli, "users", "list"], capture_output=True, text=True, env=env, timeout=60, check=False)

    assert added.returncode == 0, added.stderr
    assert listed.stdout.splitlines() == ["admin-1\tadmin\tpassword"]
    assert users.authenticate(settings, "admin-1", "a long admin password").role == "admin"


def test_dutch_catalogue_has_every_message_english_has() -> None:
    assert set(nl.MESSAGES) == set(en.MESSAGES)
    assert all(nl.MESSAGES[key].count("{") == en.MESSAGES[key].count("{") for key in en.MESSAGES)


def test_numbers_and_dates_follow_the_language() -> None:
    assert i18n.number(1234.5, "en", 1) == "1,234.5"
    assert i18n.number(1234.5, "nl", 1) == "1.234,5"
    assert i18n.percent(0.125, "nl", 1) == "12,5%"
    assert i18n.signed(-2.25, "en", 1) == "-2.2"
    assert i18n.day(date(2026, 3, 5), "en") == "5 Mar 2026"
    assert i18n.day(date(2026, 3, 5), "nl") == "5 mrt 2026"
    assert i18n.month(date(2026, 10, 1), "nl") == "okt 2026"


def test_repeated_failed_sign_ins_are_refused_for_a_while(settings: Settings, monkeypatch) -> None:
    from tests.dashboards.app_session import create_users, sign_in

    monkeypatch.setenv("LEERSTROOM_LRS_SIGNIN_FAILURES", "3")
    monkeypatch.setenv("LEERSTROOM_LRS_SIGNIN_WINDOW_SECONDS", "600")
    create_users(settings)
    for _ in range(3):
        at = sign_in(settings, "admin", password="wrong-password-1")
        assert "Sign-in failed" in at.error[0].value
    # The right password no longer helps until the window has passed: guessing is slowed down.
    at = sign_in(settings, "admin")
    assert "Too many failed sign-ins" in at.error[0].value
    assert not at.sidebar.button, "nothing behind the sign-in form is shown"
