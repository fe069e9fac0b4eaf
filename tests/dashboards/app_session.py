"""Signing in to the dashboards inside AppTest the way a person does: the sign-in form, a real user, a real password."""

from __future__ import annotations

import os
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboards import users
from dashboards.routes import ROUTES
from dashboards.server import APP
from leerstroom.settings import Settings, get_settings

# Route path -> the page script, as st.switch_page names it (relative to app.py).
PAGE_FILES = {route.path: str(route.file.relative_to(Path(APP).parent)) for route in ROUTES}
ADMIN_ONLY = {route.path for route in ROUTES if route.roles == {"admin"}}
ROLES_OF = {route.path: route.roles for route in ROUTES}
PASSWORDS = {"executive": "exec-password-1", "hr_analyst": "analyst-password-1", "admin": "admin-password-1"}
PERSON_COLUMNS = {"employee_id", "name", "display_name", "actor_key", "reason_1", "risk_score"}


def create_users(settings: Settings) -> dict[str, str]:
    """One user per role in the test's own data folder; returns role -> user name."""
    names = {}
    for role, password in PASSWORDS.items():
        name = f"{role.replace('_', '-')}-user"
        users.add(settings, name, role, password)
        names[role] = name
    return names


def point_at(settings: Settings) -> None:
    os.environ["LEERSTROOM_DATA_DIR"] = str(settings.data_dir)
    get_settings.cache_clear()


def sign_in(settings: Settings, role: str, *, password: str | None = None, name: str | None = None) -> AppTest:
    point_at(settings)
    at = AppTest.from_file(str(APP), default_timeout=90).run()
    assert not at.exception, at.exception
    at.text_input[0].input(name or f"{role.replace('_', '-')}-user")
    at.text_input[1].input(password or PASSWORDS[role])
    at.form_submit_button[0].click().run()
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    return at.switch_page(PAGE_FILES[page]).run()


def frames(at: AppTest) -> list:
    return [element.value for element in at.dataframe]
