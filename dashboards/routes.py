"""Every page of the dashboards, the script behind it and the roles that may open it: the role matrix in one place.

app.py registers, per reader, only the routes of their role with st.navigation, and every
page checks its own route again when it starts (dashboards.frame.start). The scripts live
in dashboards/views/, not in a folder named `pages`: Streamlit serves a `pages` folder next
to the entrypoint by file name, outside st.navigation, so a page there could be opened by
URL without app.py's role check.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dashboards.deep_dives import DEEP_DIVES
from dashboards.roles import ADMIN, HR_ANALYST, ROLES

ENTRYPOINT = Path(__file__).resolve().parent / "app.py"
VIEWS = ENTRYPOINT.parent / "views"
EVERYONE = frozenset(ROLES)
ADMINS = frozenset({ADMIN})


@dataclass(frozen=True)
class Route:
    path: str  # the URL path, e.g. "overview" for /overview
    script: str  # the page script under dashboards/views/
    title_key: str  # i18n key of the page title
    section_key: str  # i18n key of its section in the sidebar
    roles: frozenset[str]
    page: str  # the name the audit log records for it
    default: bool = False

    @property
    def file(self) -> Path:
        return VIEWS / self.script


ROUTES = (
    Route("overview", "overview.py", "overview.title", "nav.overview", EVERYONE, "overview", default=True),
    Route("explorer", "explorer.py", "explorer.title", "nav.overview", EVERYONE, "explorer"),
    Route("activity", "activity.py", "activity.title", "nav.overview", EVERYONE, "activity"),
    Route(
        "retention-model",
        "retention_model.py",
        "model.title",
        "nav.overview",
        frozenset({HR_ANALYST, ADMIN}),
        "retention-model",
    ),
    *(
        Route(dive.key, f"dive_{dive.key}.py", f"dive.{dive.key}.title", "nav.deep_dives", EVERYONE, f"dive-{dive.key}")
        for dive in DEEP_DIVES
    ),
    Route("health", "health.py", "health.title", "nav.operations", ADMINS, "health"),
    Route("audit", "audit_log.py", "audit.title", "nav.operations", ADMINS, "audit"),
    Route("alerts", "alerts.py", "alerts.title", "nav.operations", ADMINS, "alerts"),
)
BY_PAGE = {route.page: route for route in ROUTES}


def for_role(role: str) -> list[Route]:
    return [route for route in ROUTES if role in route.roles]


def allowed(page: str, role: str) -> bool:
    """Whether `role` may open the page the audit log calls `page`; a page with no route is open to nobody."""
    route = BY_PAGE.get(page)
    return route is not None and role in route.roles
