"""`leerstroom rejected list|show|export|replay`: what the LRS refused, and statements refused with 400 sent again.

Bodies are shown only here, to whoever may read the data folder (an administrator), never on a
dashboard. Every command first deletes what is older than LEERSTROOM_LRS_REJECTED_DAYS.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from ingest.lrs import rejected, repairs, replay
from ingest.lrs import store as lrs_store
from ingest.lrs.rejected import Rejection
from ingest.lrs.store import LrsStore
from ingest.privacy.forgotten import ForgetList
from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings


@contextlib.contextmanager
def _store(settings: Settings) -> Iterator[LrsStore]:
    if not lrs_store.exists(settings):
        where = "the PostgreSQL database" if settings.lrs_on_postgres else str(settings.lrs_db)
        raise ConfigurationError(f"no LRS store in {where}: is LEERSTROOM_DATA_DIR (or LEERSTROOM_LRS_DATABASE) right?")
    store = LrsStore(settings, forgotten=ForgetList(settings))
    try:
        rejected.expire(store, settings)
        yield store
    finally:
        store.close()


def run(settings: Settings, args: argparse.Namespace) -> int:
    with _store(settings) as store:
        if args.action == "list":
            return _list(store, settings, args)
        if args.action == "show":
            letter = rejected.get(store, settings, args.id)
            if letter is None:
                print(
                    f"no refusal {args.id} (unknown, or older than {settings.lrs_rejected_days} days)", file=sys.stderr
                )
                return 1
            print(json.dumps(letter.as_dict(), indent=2, ensure_ascii=False))
            return 0
        if args.action == "export":
            return _export(store, settings, args)
        return _replay(store, settings, args)


def _list(store: LrsStore, settings: Settings, args: argparse.Namespace) -> int:
    found = rejected.listing(
        store,
        settings,
        credential=args.tool,
        dead_letters_only=args.statements,
        pending_only=args.pending,
        limit=args.limit,
    )
    for letter in found:
        print(
            "\t".join(
                [
                    str(letter.seq),
                    letter.at,
                    letter.credential,
                    str(letter.status),
                    letter.request,
                    _reason(letter),
                    _body(letter),
                    _replayed(letter),
                ]
            )
        )
    print(
        f"{len(found)} shown (newest first, at most {args.limit}); `leerstroom rejected show ID` prints one "
        "with its body",
        file=sys.stderr,
    )
    return 0


def _reason(letter: Rejection) -> str:
    return f"{letter.field}: {letter.rule}" if letter.field and letter.rule else letter.reason


def _body(letter: Rejection) -> str:
    if letter.body_sha256 is None:
        return "-"
    kept = "body kept" if letter.has_whole_body else ("first bytes kept" if letter.body is not None else "no body")
    return f"{letter.body_bytes} bytes, {kept}"


def _replayed(letter: Rejection) -> str:
    if letter.replayed_at:
        return f"replayed {letter.replayed_at}"
    return letter.replay_note or ""


def _export(store: LrsStore, settings: Settings, args: argparse.Namespace) -> int:
    found = rejected.listing(
        store, settings, credential=args.tool, dead_letters_only=args.statements, pending_only=args.pending, limit=None
    )
    with Path(args.out).open("w") if args.out else contextlib.nullcontext(sys.stdout) as out:
        for letter in reversed(found):
            out.write(json.dumps(letter.as_dict(), ensure_ascii=False) + "\n")
    print(f"exported {len(found)} refusals", file=sys.stderr)
    return 0


def _replay(store: LrsStore, settings: Settings, args: argparse.Namespace) -> int:
    rules = repairs.load(settings.repair_rules_file)
    if args.ids:
        letters = []
        for seq in args.ids:
            letter = rejected.get(store, settings, seq)
            if letter is None:
                print(f"no refusal {seq} (unknown, or older than {settings.lrs_rejected_days} days)", file=sys.stderr)
                return 1
            letters.append(letter)
    else:
        letters = [
            letter
            for letter in rejected.listing(store, settings, credential=args.tool, dead_letters_only=True, limit=None)
            if letter.is_dead_letter
        ]
        letters.reverse()  # oldest first, the order the tool sent them
    refused = 0
    for letter in letters:
        if letter.replayed_at and not args.again:
            print(f"{letter.seq}: replayed already at {letter.replayed_at} (use --again to send it once more)")
            continue
        try:
            if args.dry_run:
                prepared = replay.prepare(letter, rules.get(letter.credential))
                verdict = replay.check(prepared, letter.version or "1.0.3")
                print(
                    json.dumps(
                        {
                            "id": letter.seq,
                            "passes_validation": verdict is None,
                            "problem": verdict,
                            "statements": replay.as_document(prepared),
                        },
                        indent=2,
                        ensure_ascii=False,
                    )
                )
                refused += verdict is not None
                continue
            outcome = replay.replay(store, settings, letter, rules.get(letter.credential))
        except replay.CannotReplay as err:
            print(f"{letter.seq}: cannot replay: {err}", file=sys.stderr)
            refused += 1
            continue
        print(f"{letter.seq}: {outcome.message}" + (f" ({', '.join(outcome.statement_ids)})" if outcome.stored else ""))
        refused += not outcome.stored
    if not letters:
        print("nothing to replay")
    elif refused:
        verdict = "would still be refused" if args.dry_run else "still refused"
        print(
            f"{refused} of {len(letters)} {verdict}: fix the tool, or add a repair rule for it to "
            f"{settings.repair_rules_file} (docs/operations.md)",
            file=sys.stderr,
        )
    return 1 if refused else 0
