"""`leerstroom import FILE... | --from-lrs URL --key K --secret S`: bring an organisation's statement history along."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ingest.lrs.importer import Importer
from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings


def run(settings: Settings, args: argparse.Namespace) -> int:
    importer = Importer(settings)
    try:
        if args.from_lrs:
            if not (args.key and args.secret):
                raise ConfigurationError("--from-lrs needs --key and --secret of a credential on that LRS")
            report = importer.import_remote(args.from_lrs, args.key, args.secret)
        elif args.files:
            report = importer.import_files(Path(name) for name in args.files)
        else:
            raise ConfigurationError("name NDJSON/JSON files to import, or --from-lrs URL with --key and --secret")
    finally:
        importer.store.close()
    print(json.dumps(report.as_dict(), indent=2))
    return 1 if report.rejected or report.conflicts else 0
