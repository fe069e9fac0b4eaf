"""`leerstroom credentials add|list`: issue the keys learning tools use to send statements."""

from __future__ import annotations

import argparse
import json

from ingest.lrs import credentials
from leerstroom.settings import Settings


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "add":
        credential = credentials.add(settings, args.name, args.scope)
        print(json.dumps({
            "name": credential.name,
            "key": credential.key,
            "secret": credential.secret,
            "scopes": list(credential.scopes),
            "endpoint": settings.lrs_base_url,
            "note": "the secret is shown only now; store it in the tool's LRS settings",
        }, indent=2))
        return 0
    listed = [{"name": c.name, "key": c.key, "scopes": list(c.scopes)} for c in credentials.list_credentials(settings)]
    print(json.dumps(listed, indent=2))
    return 0
