"""Console accounts from the command line, for the first supervisor of an install (supervisors then add
agents in the console):

    python -m handoff.users create --username zhou --name 周主管 --role supervisor \\
        --languages zh,en --skills general,claims --capacity 5

The password is asked for twice at a terminal, without echo, or read as one line from standard input
(`... < file`, a secret store's pipe); it is never printed, and only its bcrypt hash is stored.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy.orm import Session

from desk_db.engine import ensure_schema, make_engine  # the hub's (handoff.records) adds only pragmas for its writer
from handoff.settings import Settings
from hub_records import accounts
from hub_records.passwords import hash_password


def read_password(stdin: object = sys.stdin) -> str:
    if getattr(stdin, "isatty", lambda: False)():
        first = getpass.getpass("Password / 密码: ")
        if getpass.getpass("Again / 再次输入: ") != first:
            raise accounts.AccountError("两次输入的密码不一致。The passwords do not match.")
        return first
    return stdin.readline().rstrip("\r\n")  # type: ignore[attr-defined]


def create(database_url: str, who: accounts.Profile, password: str) -> None:
    accounts.check_password(password)
    engine = make_engine(database_url)
    try:
        ensure_schema(engine)
        with Session(engine) as session:
            if accounts.add(session, who, hash_password(password)) is None:
                raise accounts.AccountError(f"用户 {who.username} 已存在。The user {who.username} exists already.")
            session.commit()
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m handoff.users", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=Settings().database_url)
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("create", help="create a console user (the password comes from a prompt or stdin)")
    new.add_argument("--username", required=True, help="sign-in name: 3-32 of a-z 0-9 . _ -")
    new.add_argument("--name", required=True, help="the name customers and colleagues see")
    new.add_argument("--role", choices=accounts.ROLES, default="agent")
    new.add_argument("--languages", default="zh,en", help=f"comma-separated, from {','.join(accounts.LANGUAGES)}")
    new.add_argument("--skills", default="general", help=f"comma-separated, from {','.join(accounts.SKILLS)}")
    new.add_argument("--capacity", type=int, default=3, help="conversations at once")
    args = parser.parse_args(argv)
    try:
        who = accounts.profile(args.username, args.name, args.role, args.languages, args.skills, args.capacity)
        create(args.database_url, who, read_password())
    except accounts.AccountError as exc:
        print(f"handoff.users: {exc}", file=sys.stderr)
        return 1
    print(f"created {who.role} {who.username} ({who.display_name}, {','.join(who.languages)}, "
          f"{','.join(who.skills)}, capacity {who.capacity})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
