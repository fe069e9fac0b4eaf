"""`leerstroom credentials add|list|rotate|revoke|rejected`: the keys tools use, and why a tool's requests fail."""

from __future__ import annotations

import argparse
import json

from ingest.lrs import credentials, rejected
from ingest.lrs.credentials import Credential
from ingest.lrs.exceptions import UnknownCredential
from ingest.lrs.store import LrsStore
from leerstroom.settings import Settings

SECRET_NOTE = "the secret is shown only now; store it in the tool's LRS settings"


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "add":
        _print_secret(settings, credentials.add(settings, args.name, args.scope))
    elif args.action == "rotate":
        _print_secret(settings, credentials.rotate(settings, args.name))
    elif args.action == "revoke":
        revoked = credentials.revoke(settings, args.name)
        _print({"name": revoked.name, "key": revoked.key, "revoked_at": revoked.revoked_at})
    elif args.action == "rejected":
        _print_rejected(settings, args.name, args.limit)
    else:
        _print(
            [
                {"name": c.name, "key": c.key, "scopes": list(c.scopes), "revoked_at": c.revoked_at}
                for c in credentials.list_credentials(settings)
            ]
        )
    return 0


def _print_secret(settings: Settings, credential: Credential) -> None:
    _print(
        {
            "name": credential.name,
            "key": credential.key,
            "secret": credential.secret,
            "scopes": list(credential.scopes),
            "endpoint": settings.lrs_base_url,
            "note": SECRET_NOTE,
        }
    )


def _print_rejected(settings: Settings, name: str, limit: int) -> None:
    if name not in {c.name for c in credentials.list_credentials(settings)}:
        raise UnknownCredential(f"no credential named {name!r}")
    store = LrsStore(settings)
    try:
        found = rejected.recent(store, settings, name, limit)
    finally:
        store.close()
    _print([{"at": r.at, "request": r.request, "status": r.status, "reason": r.reason} for r in found])


def _print(value: object) -> None:
    print(json.dumps(value, indent=2))
