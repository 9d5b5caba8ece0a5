"""`python -m desk_db upgrade | current | check | revision -m "what changes"` on DATABASE_URL (or --database-url).

upgrade   bring the database to the newest revision (adopting one made before migrations)
current   print the database's revision and the newest this code has
check     exit 1 if the database is behind or the models differ from it (a change without a migration)
revision  write a new migration in desk_db/migrations/versions/ from the models' changes (read it through!)
"""

from __future__ import annotations

import argparse
import logging
import sys

from desk_db.migrate import NewerDatabaseError, check, current, head, revision, upgrade
from desk_db.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desk_db", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["upgrade", "current", "check", "revision"])
    parser.add_argument("--database-url", help="defaults to $DATABASE_URL or var/policy.db")
    parser.add_argument("-m", "--message", help="revision: what the migration changes")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    url = args.database_url or Settings().database_url
    if args.command == "upgrade":
        try:
            print(f"database at revision {upgrade(url)}")
        except NewerDatabaseError as exc:
            print(f"desk_db: {exc}", file=sys.stderr)
            return 1
    elif args.command == "current":
        print(f"database revision {current(url) or 'none'}; newest {head()}")
    elif args.command == "check":
        problems = check(url)
        for problem in problems:
            print(f"desk_db check: {problem}", file=sys.stderr)
        if problems:
            print("desk_db check: the database is behind (run upgrade) or the models changed without a migration "
                  "(run revision)", file=sys.stderr)
            return 1
        print(f"database at {head()} and matches the models")
    else:
        if not args.message:
            parser.error("revision needs -m MESSAGE")
        revision(url, args.message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
