"""The dashboards' roles, defined once: who reads what is decided from these (dashboards/routes.py, privacy.py).

- executive: the organisation's and units' figures, with small groups suppressed;
- hr_analyst: everything, individual-level learning and risk data included (METRICS.md, Privacy);
- admin: the executives' view, plus pipeline health and the audit log.
"""

from __future__ import annotations

EXECUTIVE = "executive"
HR_ANALYST = "hr_analyst"
ADMIN = "admin"
ROLES = (EXECUTIVE, HR_ANALYST, ADMIN)
