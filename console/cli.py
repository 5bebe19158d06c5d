"""Command line: ``python -m console [serve] [--host H] [--port P]``,
``python -m console create-user EMAIL [--password-stdin]`` and
``python -m console set-password EMAIL [--password-stdin]``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import List, Optional

COMMANDS = ("serve", "create-user", "set-password")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m console", description="Trainers' review console.")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="run the web console (default)")
    serve.add_argument("--host", default=os.environ.get("CONSOLE_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("CONSOLE_PORT", "8081")))
    serve.add_argument("--debug", action="store_true")
    for name, text in (("create-user", "create a trainer account"), ("set-password", "change a password")):
        command = sub.add_parser(name, help=text)
        command.add_argument("email")
        command.add_argument(
            "--password-stdin", action="store_true", help="read the password from the first line of stdin"
        )
    return parser


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password (at least 10 characters): ")
    second = getpass.getpass("Repeat the password: ")
    if first != second:
        raise SystemExit("The passwords differ; nothing changed.")
    return first


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS + ("-h", "--help"):
        argv.insert(0, "serve")
    args = _parser().parse_args(argv)

    from console.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"console: {error}", file=sys.stderr)
        return 2

    if args.command in ("create-user", "set-password"):
        from console import auth
        from console.db import Database

        password = _read_password(args.password_stdin)
        db = Database(settings)
        try:
            if args.command == "create-user":
                auth.create_user(db, args.email, password)
                print(f"Created account {auth.normalise_email(args.email)}.")
            else:
                auth.set_password(db, args.email, password)
                print(f"Password changed for {auth.normalise_email(args.email)}; its sessions were ended.")
        except auth.AccountError as error:
            print(f"console: {error}", file=sys.stderr)
            return 1
        finally:
            db.dispose()
        return 0

    from console.app import create_app

    app = create_app(settings, name="review_console")
    print(
        f"Review console on http://{args.host}:{args.port}  tracker store: "
        f"{settings.tracker_url.render_as_string(hide_password=True)}",
        flush=True,
    )
    app.run(host=args.host, port=args.port, debug=args.debug, access_log=args.debug, workers=1, motd=False)
    return 0
