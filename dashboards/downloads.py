"""Downloads (CSV tables, the briefing's PDF): made when a signed-in reader clicks, for a role the page is open to,
audited, and served once.

Streamlit serves a download's bytes from /media/<id> to whoever asks while the file is in
its memory, without looking at who asks. So nothing is stored when a page is drawn: the
button holds a function, and only a click (over the reader's own session) runs it. The
function checks the reader against the users file and the route's roles, writes the
download to the audit log, and tells `OnceOnlyDownloads` to let the file through one GET.
That middleware (installed by dashboards/web.py, which `leerstroom dashboard` serves)
answers 404 to every other request for a downloadable file: a second fetch, a fetch from
a copied link, a fetch after the browser closed.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable
from functools import partial

import pandas as pd
import streamlit as st

from dashboards import audit, privacy, routes, session
from leerstroom.errors import LeerstroomError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

PENDING_SECONDS = 120  # a click's file must be fetched within this long
MEDIA_PATH = re.compile(r"/media/([^/]+)$")


class DownloadRefused(LeerstroomError):
    """The reader may not (any longer) have this file: signed out, removed, or of a role the page is not open to."""


class _Pending:
    """One permitted fetch per click, keyed by the file's content (the media id is Streamlit's to choose)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._fetches: dict[str, list[float]] = {}

    def allow_once(self, content: bytes) -> None:
        digest = hashlib.sha256(content).hexdigest()
        with self._lock:
            self._fetches.setdefault(digest, []).append(self._clock() + PENDING_SECONDS)

    def take(self, content: bytes) -> bool:
        digest, now = hashlib.sha256(content).hexdigest(), self._clock()
        with self._lock:
            live = [until for until in self._fetches.pop(digest, []) if until > now]
            if not live:
                return False
            if live[1:]:
                self._fetches[digest] = live[1:]
            return True


PENDING = _Pending()


def prepare(
    settings: Settings,
    signed_in: dict,
    page: str,
    dataset: str,
    rows: pd.DataFrame,
    *,
    individual: bool,
    snapshot_id: int | None,
    filters: str,
) -> bytes:
    """The CSV for one click: refused unless the reader still holds a role the page (and the data) is open to."""
    return prepare_file(
        settings,
        signed_in,
        page,
        dataset,
        lambda: rows.to_csv(index=False).encode(),
        individual=individual,
        row_count=len(rows),
        snapshot_id=snapshot_id,
        filters=filters,
    )


def prepare_file(
    settings: Settings,
    signed_in: dict,
    page: str,
    dataset: str,
    make: Callable[[], bytes],
    *,
    individual: bool,
    row_count: int,
    snapshot_id: int | None,
    filters: str,
) -> bytes:
    """Any file for one click (`make` builds it only once the reader is allowed it), audited and served once."""
    user = session.still_signed_in(settings, signed_in)
    if user is None or not routes.allowed(page, user.role) or (individual and not privacy.sees_individuals(user.role)):
        log.warning("download of %s on %s refused to %r", dataset, page, signed_in.get("name"))
        raise DownloadRefused(f"{dataset} on {page} is not open to {signed_in.get('name')!r}")
    content = make()
    audit.record(
        settings,
        user=user.name,
        role=user.role,
        action="download",
        page=page,
        dataset=dataset,
        row_count=row_count,
        snapshot_id=snapshot_id,
        filters=filters,
    )
    PENDING.allow_once(content)
    return content


def button(
    label: str,
    settings: Settings,
    page: str,
    dataset: str,
    rows: pd.DataFrame,
    *,
    individual: bool,
    snapshot_id: int | None,
    filters: str,
    key: str,
) -> None:
    """A download button whose file exists only after a permitted click (see the module docstring)."""
    signed_in = dict(st.session_state.get(session.USER_KEY) or {})
    st.download_button(
        label,
        partial(
            prepare,
            settings,
            signed_in,
            page,
            dataset,
            rows,
            individual=individual,
            snapshot_id=snapshot_id,
            filters=filters,
        ),
        file_name=f"{dataset}.csv",
        mime="text/csv",
        key=key,
        on_click="ignore",
    )


def file_button(
    label: str,
    settings: Settings,
    page: str,
    dataset: str,
    make: Callable[[], bytes],
    *,
    file_name: str,
    mime: str,
    snapshot_id: int | None,
    filters: str,
    key: str,
) -> None:
    """A download button for a file made on a permitted click (the briefing's PDF), like `button`'s CSV."""
    signed_in = dict(st.session_state.get(session.USER_KEY) or {})
    st.download_button(
        label,
        partial(
            prepare_file,
            settings,
            signed_in,
            page,
            dataset,
            make,
            individual=False,
            row_count=1,
            snapshot_id=snapshot_id,
            filters=filters,
        ),
        file_name=file_name,
        mime=mime,
        key=key,
        on_click="ignore",
    )


class OnceOnlyDownloads:
    """ASGI middleware: a downloadable media file is served to one GET per permitted click, and to nothing else.

    Streamlit's page script also fetches the file's URL from JavaScript, only to see that it answers, next to
    the browser's download itself; that fetch (Sec-Fetch-Mode: cors) gets an empty 204 and uses nothing up.
    """

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http" and (match := MEDIA_PATH.search(scope.get("path", ""))):
            stored = _downloadable(match.group(1))
            if stored is not None:
                headers = dict(scope.get("headers") or [])
                if scope["method"] == "GET" and headers.get(b"sec-fetch-mode") == b"cors":
                    await _empty(send, 204, b"")
                    return
                if not (scope["method"] == "GET" and PENDING.take(stored)):
                    await _empty(send, 404, b"Not found: a download is served once, to the reader who asked for it.\n")
                    return
        await self.app(scope, receive, send)


def _downloadable(name: str) -> bytes | None:
    """The content of the media file `name` when it is a download, else None (images and the like pass)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.media_file_storage import MediaFileKind

    if not Runtime.exists():
        return None
    stored = Runtime.instance().media_file_mgr.read_file(name)
    if stored is None or stored.kind != MediaFileKind.DOWNLOADABLE:
        return None
    return stored.content


async def _empty(send: Callable, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
