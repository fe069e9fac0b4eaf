"""`leerstroom users`: add, list and remove the dashboards' users; passwords come from stdin or a prompt, never argv."""

from __future__ import annotations

import argparse
import getpass
import sys

from dashboards import users
from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings


def _password(args: argparse.Namespace) -> str | None:
    if args.oidc:
        return None
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("Again: ") != first:
        raise ConfigurationError("the two passwords differ; nothing was saved")
    return first


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "add":
        user = users.add(settings, args.name, args.role, _password(args))
        how = "through the identity provider (OIDC)" if user.password_hash is None else "with a password"
        print(f"{user.name} ({user.role}) saved in {users.users_file(settings)}; signs in {how}")
    elif args.action == "list":
        for user in users.load(settings).values():
            print(f"{user.name}\t{user.role}\t{'password' if user.password_hash else 'oidc'}")
    elif args.action == "remove":
        if not users.remove(settings, args.name):
            print(f"no user {args.name}", file=sys.stderr)
            return 1
        print(f"{args.name} removed")
    return 0
