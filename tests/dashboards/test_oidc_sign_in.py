"""Sign-in through the organisation's identity provider (OIDC) to the served dashboards, in headless Debian chromium.

The identity provider is oidc-provider-mock (PyPI), a real OpenID Connect authorization
server built on Authlib: a discovery document, client registration, the authorization
code flow, a token endpoint and an RS256-signed id_token checked against its JWKS. It
stands in for the organisation's provider, the one part that cannot run here. Streamlit's
st.login and Authlib's client run their real flow against it; its authorize page asks whom
to sign in, and reports that subject as the e-mail.
"""

from __future__ import annotations

import contextlib
import secrets
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import oidc_provider_mock
import pytest
import werkzeug.serving
from playwright.sync_api import Browser, Page

from dashboards import i18n, users
from leerstroom.net import free_port
from tests.dashboards.browser_session import (
    ADMIN_PAGES,
    COMMON_PAGES,
    open_from_sidebar,
    served_dashboard,
    wait_rendered,
)
from tests.dashboards.org_lake import OrgLake
from tests.fixtures.data import REPO

ARTIFACTS = REPO / "test-artifacts"
EVA = "eva@org.example"
FRANK = "frank@org.example"  # listed too, but the provider does not say his address is verified
SIGN_IN = i18n.text("en", "signin.title")
ORGANISATION_SIGN_IN = i18n.text("en", "signin.oidc")


@dataclass
class Served:
    url: str
    provider: str


@contextlib.contextmanager
def identity_provider() -> Iterator[str]:
    """oidc-provider-mock on 127.0.0.1 (a free port), taking only clients registered with it; yields its issuer URL."""
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, oidc_provider_mock.app(require_client_registration=True, require_nonce=True), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def write_auth_secrets(folder: Path, *, provider: str, redirect_uri: str) -> None:
    """Register the dashboards as a client of the provider and write the [auth] section st.login reads."""
    registered = httpx.post(f"{provider}/oauth2/clients", json={"redirect_uris": [redirect_uri]}, timeout=10)
    registered.raise_for_status()
    client = registered.json()
    (folder / ".streamlit").mkdir()
    (folder / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "{redirect_uri}"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f'client_id = "{client["client_id"]}"\n'
        f'client_secret = "{client["client_secret"]}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )


def provider_knows(provider: str, subject: str, claims: dict) -> None:
    """The claims the provider reports for `subject` (its own accounts page, in a real provider)."""
    httpx.put(f"{provider}/users/{subject}", json=claims, timeout=10).raise_for_status()


@pytest.fixture(scope="module")
def served(org_lake: OrgLake, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    users.add(org_lake.settings, EVA, "executive", None)  # as `leerstroom users add ... --oidc` does
    users.add(org_lake.settings, FRANK, "executive", None)
    folder = tmp_path_factory.mktemp("oidc")
    port = free_port()
    with pytest.MonkeyPatch.context() as patch, identity_provider() as provider:
        # Authlib's provider side refuses plain http unless told this is a test; a real provider speaks https.
        patch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
        # The redirect URI names the dashboard's port, and Streamlit reads secrets.toml once at start.
        write_auth_secrets(folder, provider=provider, redirect_uri=f"http://127.0.0.1:{port}/oauth2callback")
        provider_knows(provider, EVA, {"email": EVA, "email_verified": True})
        provider_knows(provider, FRANK, {"email": FRANK})
        with served_dashboard(org_lake.settings, folder, port) as (url, exit_code):
            yield Served(url, provider)
    assert exit_code[0] in (0, -signal.SIGTERM, 128 + signal.SIGTERM)


def sign_in_with_provider(page: Page, served: Served, subject: str) -> None:
    """From the dashboards' sign-in page through the provider's authorize page and back, as `subject`."""
    page.goto(served.url, wait_until="domcontentloaded")
    wait_rendered(page, SIGN_IN)
    page.get_by_role("button", name=ORGANISATION_SIGN_IN).click()
    page.wait_for_url(f"{served.provider}/oauth2/authorize?*", timeout=30_000)
    page.locator('input[name="sub"]').fill(subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{served.url}*", timeout=30_000)


def sign_out_at_provider(page: Page, served: Served) -> None:
    """Sign out, which ends the session at the provider too (RP-initiated logout), and land on the sign-in page."""
    page.get_by_role("button", name=i18n.text("en", "sidebar.sign_out")).click()
    page.wait_for_url(f"{served.provider}/oauth2/end_session?*", timeout=30_000)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{served.url}*", timeout=30_000)
    wait_rendered(page, SIGN_IN)
    # Signed out for good: a fresh load does not sign in again from a leftover cookie.
    page.reload(wait_until="domcontentloaded")
    wait_rendered(page, SIGN_IN)


def offered_pages(page: Page) -> set[str]:
    return set(page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts())


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-oidc-{name}.png"), full_page=True)


@pytest.mark.browser
def test_a_listed_person_signs_in_through_the_provider_with_the_role_listed_for_them(
    served: Served, browser: Browser
) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    sign_in_with_provider(page, served, EVA)
    wait_rendered(page, "Executive overview")
    screenshot(page, "executive-overview")
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    overview = page.locator('[data-testid="stMain"]').inner_text()
    offered = offered_pages(page)
    open_from_sidebar(page, "HR explorer")
    explorer = page.locator('[data-testid="stMain"]').inner_text()

    assert i18n.text("en", "sidebar.signed_in", name=EVA, role=i18n.text("en", "role.executive")) in sidebar
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Learning Culture Index" in overview
    assert offered == set(COMMON_PAGES) and not set(ADMIN_PAGES) & offered
    # An executive's HR explorer has units only: the person-level risk list is for HR analysts.
    assert "three strongest reasons" not in explorer

    sign_out_at_provider(page, served)

    assert offered_pages(page) == set()
    assert page.get_by_role("button", name=ORGANISATION_SIGN_IN).count() == 1


@pytest.mark.browser
def test_after_a_restart_an_executives_first_request_for_an_admin_page_does_not_get_it(
    org_lake: OrgLake, tmp_path: Path, browser: Browser
) -> None:
    """The finding: after a restart, /audit_log and /health rendered for an executive: Streamlit served the old
    pages/ folder by file name, around app.py's role check. The provider's cookie outlives the server, so each
    URL below is the first request a freshly started dashboard gets."""
    users.add(org_lake.settings, EVA, "executive", None)
    port = free_port()
    with pytest.MonkeyPatch.context() as patch, identity_provider() as provider:
        patch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
        write_auth_secrets(tmp_path, provider=provider, redirect_uri=f"http://127.0.0.1:{port}/oauth2callback")
        provider_knows(provider, EVA, {"email": EVA, "email_verified": True})
        served = Served(f"http://127.0.0.1:{port}/", provider)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        with served_dashboard(org_lake.settings, tmp_path, port):
            sign_in_with_provider(page, served, EVA)
            wait_rendered(page, "Executive overview")
        for path in ("audit_log", "health", "audit"):
            with served_dashboard(org_lake.settings, tmp_path, port):
                page.goto(served.url + path, wait_until="domcontentloaded")
                page.locator('[data-testid="stHeading"]').first.wait_for(timeout=60_000)
                page.wait_for_timeout(2000)
                screenshot(page, f"executive-restart-{path}")
                main = page.locator('[data-testid="stMain"]').inner_text()
                assert "Audit log" not in main and "Data and pipeline health" not in main, path
                assert not set(ADMIN_PAGES) & offered_pages(page), path


@pytest.mark.browser
def test_a_listed_address_the_provider_does_not_say_is_verified_gets_no_page(served: Served, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    sign_in_with_provider(page, served, FRANK)
    wait_rendered(page, SIGN_IN)
    main = page.locator('[data-testid="stMain"]').inner_text()

    assert "does not say the address is verified" in main
    assert offered_pages(page) == set()
    assert page.locator('[data-testid="stHeading"]', has_text="Executive overview").count() == 0
    sign_out_at_provider(page, served)


@pytest.mark.browser
def test_someone_the_provider_signs_in_but_who_is_not_listed_gets_no_page(served: Served, browser: Browser) -> None:
    stranger = "mallory@org.example"
    provider_knows(served.provider, stranger, {"email": stranger, "email_verified": True})
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    sign_in_with_provider(page, served, stranger)
    wait_rendered(page, SIGN_IN)
    screenshot(page, "not-listed")
    main = page.locator('[data-testid="stMain"]').inner_text()

    assert stranger in main and "has no dashboard role" in main
    assert offered_pages(page) == set()
    assert page.locator('[data-testid="stHeading"]', has_text="Executive overview").count() == 0

    # Signed in with the wrong account, they can sign out and choose another.
    sign_out_at_provider(page, served)
    assert stranger not in page.locator('[data-testid="stMain"]').inner_text()
    assert page.get_by_role("button", name=ORGANISATION_SIGN_IN).count() == 1
