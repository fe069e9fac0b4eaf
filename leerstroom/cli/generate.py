"""`leerstroom generate`: a demo organisation's statements, sent through an LRS or written to NDJSON."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from pathlib import Path

import orjson
from tqdm import tqdm

from ingest import client
from ingest.generator import build_organisation, generate_statements
from ingest.generator.roster import write_roster
from ingest.roster import import_roster
from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings


def _credential(settings: Settings, args: argparse.Namespace) -> tuple[str, str, str]:
    if args.key and args.secret:
        return args.endpoint or settings.lrs_base_url, args.key, args.secret
    saved = settings.data_dir / "demo-credentials.json"
    if not saved.exists():
        raise ConfigurationError(
            "no credential: pass --key and --secret (create one with `leerstroom credentials add NAME`), "
            f"or run `leerstroom demo` once so that {saved} exists"
        )
    cred = json.loads(saved.read_text())
    return args.endpoint or cred["endpoint"], cred["key"], cred["secret"]


def run(settings: Settings, args: argparse.Namespace) -> int:
    end = datetime.now(timezone.utc).date()
    people = build_organisation(args.employees, args.months, args.seed, end)
    statements = generate_statements(people, args.months, args.seed, end)
    if args.out:
        out = Path(args.out)
        roster = write_roster(people, out.with_suffix(".roster.csv"))
        count = 0
        with out.open("wb") as fh:
            for stmt in tqdm(statements, desc="generated", unit="stmt"):
                fh.write(orjson.dumps(stmt) + b"\n")
                count += 1
        print(f"{count} statements in {out}; roster of {len(people)} employees in {roster}")
        return 0
    endpoint, key, secret = _credential(settings, args)
    roster = write_roster(people, settings.data_dir / "roster.csv")
    lrs = client.remote_lrs(endpoint, key, secret)
    with tqdm(desc=f"sent to {endpoint}", unit="stmt") as bar:
        ids = client.send(lrs, statements, batch_size=100, progress=bar.update)
    print(f"{len(ids)} statements acknowledged; roster of {len(people)} employees in {roster}")
    if not args.no_roster_import:
        summary = import_roster(settings, roster)
        print(f"roster imported into the lake as import {summary.import_id}")
    return 0
