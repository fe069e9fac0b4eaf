"""`leerstroom`: run the demo, each part of the pipeline, and the operator's tools."""

from __future__ import annotations

import argparse
import sys

from dashboards.roles import ROLES
from leerstroom import files, logs
from leerstroom.errors import LeerstroomError
from leerstroom.settings import get_settings


def _broker(args: argparse.Namespace) -> int:
    from ingest.broker import run

    return run(get_settings())


def _lrs(args: argparse.Namespace) -> int:
    from ingest.lrs.server import serve

    return serve(get_settings(), relay=not args.no_relay)


def _relay(args: argparse.Namespace) -> int:
    from ingest.lrs.relay import run

    return run(get_settings())


def _sink(args: argparse.Namespace) -> int:
    from ingest.sink import run

    return run(get_settings())


def _transform(args: argparse.Namespace) -> int:
    from transform.runner import run

    return run(get_settings(), full_refresh=args.full_refresh, every=args.every)


def _dashboard(args: argparse.Namespace) -> int:
    from dashboards.server import run

    return run(get_settings())


def _credentials(args: argparse.Namespace) -> int:
    from leerstroom.cli.credentials import run

    return run(get_settings(), args)


def _import(args: argparse.Namespace) -> int:
    from leerstroom.cli.importer import run

    return run(get_settings(), args)


def _users(args: argparse.Namespace) -> int:
    from leerstroom.cli.users import run

    return run(get_settings(), args)


def _status(args: argparse.Namespace) -> int:
    from leerstroom.cli.status import run

    return run(get_settings())


def _sql(args: argparse.Namespace) -> int:
    from leerstroom.cli.sql import run

    return run(get_settings(), args.query, snapshot=args.snapshot)


def _demo(args: argparse.Namespace) -> int:
    from leerstroom.cli.demo import run

    return run(get_settings(), employees=args.employees, months=args.months, seed=args.seed)


def _generate(args: argparse.Namespace) -> int:
    from leerstroom.cli.generate import run

    return run(get_settings(), args)


def _roster(args: argparse.Namespace) -> int:
    from leerstroom.cli.roster import run

    return run(get_settings(), args)


def _forget(args: argparse.Namespace) -> int:
    from leerstroom.cli.forget import run

    return run(get_settings(), args)


def _backup(args: argparse.Namespace) -> int:
    from leerstroom.cli.backup import backup

    return backup(get_settings(), args.destination)


def _restore(args: argparse.Namespace) -> int:
    from leerstroom.cli.backup import restore

    return restore(get_settings(), args.source)


def _rejected(args: argparse.Namespace) -> int:
    from leerstroom.cli.rejected import run

    return run(get_settings(), args)


def _quarantine(args: argparse.Namespace) -> int:
    from leerstroom.cli.quarantine import run

    return run(get_settings(), args)


def _health(args: argparse.Namespace) -> int:
    from leerstroom.cli.health import run

    return run(get_settings(), args.parts)


def _maintain(args: argparse.Namespace) -> int:
    from leerstroom.cli.maintain import maintain

    return maintain(get_settings())


def _briefing(args: argparse.Namespace) -> int:
    from leerstroom.cli.briefing import run

    return run(get_settings(), args)


def _deliver(args: argparse.Namespace) -> int:
    from leerstroom.cli.deliver import run

    return run(get_settings(), every=args.every)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leerstroom", description=__doc__)
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO (default), WARNING, ERROR")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="run the whole pipeline on embedded defaults with a generated organisation")
    # The default demo organisation (as `generate`): enough people and history for exits, a trained
    # retention model and a year of Learning Culture Index trend. Smaller runs start faster.
    demo.add_argument("--employees", type=int, default=1000, help="size of the generated organisation (default 1000)")
    demo.add_argument(
        "--months",
        type=int,
        default=24,
        help="months of learning history (default 24: the retention model needs about 16 to validate)",
    )
    demo.add_argument("--seed", type=int, default=7)
    demo.set_defaults(func=_demo)

    sub.add_parser("broker", help="run the embedded Kafka-protocol broker (Tansu)").set_defaults(func=_broker)
    lrs = sub.add_parser("lrs", help="run the xAPI LRS endpoint (with its outbox relay)")
    lrs.add_argument("--no-relay", action="store_true", help="do not publish the outbox from this process")
    lrs.set_defaults(func=_lrs)
    sub.add_parser("relay", help="publish the LRS outbox to Kafka (when not run inside `leerstroom lrs`)").set_defaults(
        func=_relay
    )
    sub.add_parser("sink", help="stream statements from Kafka into the lake, exactly once").set_defaults(func=_sink)

    transform = sub.add_parser("transform", help="build the dbt models, check them and certify the snapshot")
    transform.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from scratch")
    transform.add_argument(
        "--every", type=int, default=None, metavar="SECONDS", help="run again every SECONDS (a schedule), until stopped"
    )
    transform.set_defaults(func=_transform)

    sub.add_parser("dashboard", help="serve the Streamlit dashboards").set_defaults(func=_dashboard)

    creds = sub.add_parser("credentials", help="manage the credentials learning tools use")
    creds_sub = creds.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = creds_sub.add_parser("add", help="create a credential and print its key and secret once")
    add.add_argument("name", help="a name for the tool, e.g. moodle-prod")
    add.add_argument("--scope", action="append", default=None, help="xAPI scope (repeatable); default: all")
    creds_sub.add_parser("list", help="list credentials (never their secrets)")
    creds_sub.add_parser("rotate", help="issue a new secret for a credential; the old one stops working").add_argument(
        "name"
    )
    creds_sub.add_parser("revoke", help="refuse a credential from now on").add_argument("name")
    rejected = creds_sub.add_parser("rejected", help="a tool's recently rejected requests, with the reasons")
    rejected.add_argument("name")
    rejected.add_argument("--limit", type=int, default=20)
    creds.set_defaults(func=_credentials)

    _add_rejected(sub)
    _add_quarantine(sub)

    imports = sub.add_parser("import", help="load statement history from NDJSON/JSON files or another LRS")
    imports.add_argument("files", nargs="*", help="NDJSON or JSON files of statements")
    imports.add_argument("--from-lrs", default=None, metavar="URL", help="pull from this LRS's Statement API")
    imports.add_argument("--key", default=None)
    imports.add_argument("--secret", default=None)
    imports.set_defaults(func=_import)

    dash_users = sub.add_parser("users", help="manage who may sign in to the dashboards, and with which role")
    users_sub = dash_users.add_subparsers(dest="action", required=True, metavar="ACTION")
    user_add = users_sub.add_parser("add", help="add or replace a user; prompts for the password")
    user_add.add_argument("name", help="user name (for --oidc: the e-mail the identity provider reports)")
    user_add.add_argument(
        "--role",
        required=True,
        choices=ROLES,
        help="executive, hr_analyst (individual-level data) or admin (dashboards/roles.py)",
    )
    user_how = user_add.add_mutually_exclusive_group()
    user_how.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of stdin"
    )
    user_how.add_argument("--oidc", action="store_true", help="no password: signs in through the identity provider")
    users_sub.add_parser("list", help="list users and roles (never their hashes)")
    users_sub.add_parser("remove", help="remove a user").add_argument("name")
    dash_users.set_defaults(func=_users)

    sub.add_parser(
        "status", help="where statements are: LRS store, outbox, Kafka lag, lake, last transform (JSON)"
    ).set_defaults(func=_status)

    sql = sub.add_parser("sql", help="run a read-only query on the lake and print CSV")
    sql.add_argument("query", help='e.g. "SELECT count(*) FROM lake.raw.statements"')
    sql.add_argument("--snapshot", type=int, default=None, help="query the lake as of this snapshot")
    sql.set_defaults(func=_sql)

    gen = sub.add_parser("generate", help="generate a demo organisation's statements and push them through the LRS")
    gen.add_argument("--employees", type=int, default=1000)
    gen.add_argument("--months", type=int, default=12)
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--endpoint", default=None, help="LRS endpoint (default: this machine's LRS)")
    gen.add_argument("--key", default=None)
    gen.add_argument("--secret", default=None)
    gen.add_argument("--out", default=None, help="write NDJSON to this file instead of sending")
    gen.add_argument(
        "--no-roster-import", action="store_true", help="only write the roster CSV; do not import it into the lake"
    )
    gen.set_defaults(func=_generate)

    roster = sub.add_parser("roster", help="the HR roster: import an HRIS export as a new version")
    roster_sub = roster.add_subparsers(dest="action", required=True, metavar="ACTION")
    roster_import = roster_sub.add_parser("import", help="validate a CSV export and store it as a new roster version")
    roster_import.add_argument("file", help="the HRIS export (CSV)")
    roster_import.add_argument(
        "--mapping",
        default=None,
        metavar="MAP.yml",
        help="column mapping for exports with other headers or formats (docs/roster.md)",
    )
    roster.set_defaults(func=_roster)
    forget = sub.add_parser(
        "forget",
        help="erase one person from the LRS, the outbox, the lake and the warehouse; drop their late statements",
    )
    forget.add_argument("actor", help="ada@example.org, mailto:…, account:HOMEPAGE::NAME, openid:URL or Agent JSON")
    forget.add_argument("--no-transform", action="store_true", help="do not re-certify the cleaned lake afterwards")
    forget.set_defaults(func=_forget)
    backup = sub.add_parser("backup", help="copy the data folder consistently while the services run")
    backup.add_argument("destination", help="a new or empty folder")
    backup.set_defaults(func=_backup)
    restore = sub.add_parser("restore", help="put a backup in place as the data folder (services stopped)")
    restore.add_argument("source", help="a folder written by `leerstroom backup`")
    restore.set_defaults(func=_restore)
    health = sub.add_parser("health", help="exit 0 when a part is healthy (for docker-compose health checks)")
    health.add_argument(
        "parts",
        nargs="+",
        metavar="part",
        choices=["lrs", "relay", "sink", "transform", "dashboard", "broker", "deliver"],
        help="one or more parts; healthy only when every one is",
    )
    health.set_defaults(func=_health)
    sub.add_parser("maintain", help="apply raw-data retention and compact the lake's files").set_defaults(
        func=_maintain
    )
    briefing = sub.add_parser(
        "briefing", help="one month's briefing for executives as a one-page PDF, from the last certified snapshot"
    )
    briefing.add_argument("--month", required=True, metavar="YYYY-MM", help="a complete month, e.g. 2026-10")
    briefing.add_argument("--unit", default=None, help="`organisation` (default), a department, or `Department / Team`")
    briefing.add_argument("--lang", default="nl", choices=["nl", "en"])
    briefing.add_argument("--out", required=True, metavar="FILE.pdf")
    briefing.add_argument("--snapshot", type=int, default=None, help="an earlier certified snapshot")
    briefing.set_defaults(func=_briefing)
    deliver = sub.add_parser(
        "deliver",
        help="send the month's briefing once after the first certified run of a new "
        "month, and the alerts, to the recipients file's addresses and webhooks",
    )
    deliver.add_argument(
        "--every",
        type=int,
        default=None,
        metavar="SECONDS",
        help="look again every SECONDS (a schedule), until stopped; default: once",
    )
    deliver.set_defaults(func=_deliver)
    return parser


def _refusal_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tool", default=None, help="only this credential's")
    parser.add_argument("--statements", action="store_true", help="only statements refused with 400 (dead letters)")
    parser.add_argument("--pending", action="store_true", help="only those not yet replayed")


def _add_rejected(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "rejected", help="requests the LRS refused; statements refused with 400: show, export, repair and replay them"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="refused requests, newest first")
    _refusal_filters(listing)
    listing.add_argument("--limit", type=int, default=50)
    actions.add_parser("show", help="one refusal with its body (JSON)").add_argument("id", type=int)
    export = actions.add_parser("export", help="refusals with their bodies, one JSON object a line")
    _refusal_filters(export)
    export.add_argument("--out", default=None, metavar="FILE", help="write here instead of to stdout")
    again = actions.add_parser(
        "replay", help="send refused statements again, through the tool's repair rules and the same validation"
    )
    again.add_argument(
        "ids",
        nargs="*",
        type=int,
        metavar="ID",
        help="refusals to replay (default: every statement refused with 400 and not yet replayed)",
    )
    again.add_argument("--tool", default=None, help="only this credential's")
    again.add_argument("--again", action="store_true", help="also those replayed before (stores nothing twice)")
    again.add_argument(
        "--dry-run",
        action="store_true",
        help="print the repaired statements and whether they pass validation; store nothing",
    )
    parser.set_defaults(func=_rejected)


def _add_quarantine(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("quarantine", help="statements the quality gate set aside: list, release or void them")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="set-aside statements with their reasons (default: undecided ones)")
    listing.add_argument("--reason", default=None, help="only this reason, e.g. timestamp_in_future")
    listing.add_argument("--all", action="store_true", help="released and voided ones too")
    listing.add_argument("--limit", type=int, default=50)
    actions.add_parser("show", help="one set-aside statement as the lake holds it (JSON)").add_argument("statement_id")
    for action, words in (
        ("release", "count them in the metrics from the next transform"),
        ("void", "keep them out of the metrics for good"),
    ):
        decide = actions.add_parser(action, help=f"undecided set-aside statements: {words}")
        decide.add_argument("statement_ids", nargs="*", metavar="STATEMENT_ID")
        decide.add_argument("--reason", default=None, help="every undecided one set aside for this reason")
        decide.add_argument("--note", default="", help="why (kept with the decision)")
    parser.set_defaults(func=_quarantine)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logs.configure(args.log_level)
    files.keep_private(get_settings())
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except LeerstroomError as err:
        print(f"leerstroom: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
