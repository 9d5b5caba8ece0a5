"""Console users for the demo: one supervisor and two agents. `python -m handoff.seed` prints them.

Passwords come from HANDOFF_DEMO_PASSWORD_<USER> if set, else the demo defaults below; change
them (or create real users with `create_user`) for anything but a demo.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from sqlalchemy.orm import Session

from handoff.auth import hash_password
from handoff.models import HubBase, HubUser
from handoff.records import make_engine
from handoff.settings import DEFAULT_DATABASE_URL


@dataclass
class DemoUser:
    username: str
    display_name: str
    role: str
    languages: str
    topics: str
    capacity: int
    password: str


DEMO_USERS = [
    DemoUser("supervisor", "周主管", "supervisor", "zh,en", "general,claims,complaints,clauses", 5, "super-demo-2026"),
    DemoUser("agent1", "李娜", "agent", "zh,en", "general,claims,identity", 3, "agent1-demo-2026"),
    DemoUser("agent2", "王强", "agent", "zh", "general,complaints,clauses", 3, "agent2-demo-2026"),
]


def create_user(session: Session, user: DemoUser) -> None:
    session.merge(HubUser(username=user.username, display_name=user.display_name, role=user.role,
                          languages=user.languages, topics=user.topics, capacity=user.capacity,
                          password_hash=hash_password(user.password)))


def seed(database_url: str, users: list[DemoUser] | None = None) -> list[DemoUser]:
    users = users if users is not None else [
        DemoUser(**{**u.__dict__, "password": os.environ.get(f"HANDOFF_DEMO_PASSWORD_{u.username.upper()}",
                                                             u.password)}) for u in DEMO_USERS]
    engine = make_engine(database_url)
    HubBase.metadata.create_all(engine)
    with Session(engine) as session:
        for user in users:
            create_user(session, user)
        session.commit()
    engine.dispose()
    return users


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    args = parser.parse_args()
    for user in seed(args.database_url):
        print(f"console {user.role:10} {user.username:10} password {user.password:18} ({user.display_name}, "
              f"{user.languages}, capacity {user.capacity})")


if __name__ == "__main__":
    main()
