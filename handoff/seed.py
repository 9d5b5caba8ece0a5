"""Console users for the demo: one supervisor, two agents and a claims adjuster, and a starter set of canned replies
(supervisors edit them in the console). `python -m handoff.seed` prints the users.

Passwords come from HANDOFF_DEMO_PASSWORD_<USER> if set, else the demo defaults (handoff/seed_settings.py);
change them (or create real users with `create_user`) for anything but a demo.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_db.engine import ensure_schema
from desk_db.tables.hub import CannedReply, HubUser
from handoff.records import make_engine
from handoff.seed_settings import DemoSeedSettings
from handoff.settings import Settings
from hub_records.passwords import hash_password


@dataclass
class DemoUser:
    username: str
    display_name: str
    role: str
    languages: str
    topics: str
    capacity: int
    password: str


def demo_users(passwords: DemoSeedSettings) -> list[DemoUser]:
    return [
        DemoUser("supervisor", "周主管", "supervisor", "zh,en", "general,claims,complaints,clauses", 5,
                 passwords.supervisor_password),
        DemoUser("agent1", "李娜", "agent", "zh,en", "general,claims,identity", 3, passwords.agent1_password),
        DemoUser("agent2", "王强", "agent", "zh", "general,complaints,clauses", 3, passwords.agent2_password),
        # Reviews claims in /console/adjuster; never offered conversations.
        DemoUser("adjuster1", "赵敏", "adjuster", "zh,en", "claims", 1, passwords.adjuster1_password),
    ]


# (language, shortcode, text): what the agent page offered before replies lived in the database.
DEMO_CANNED = [
    ("zh", "hello", "您好，我是人工客服，很高兴为您服务。"), ("zh", "wait", "请稍等，我帮您查询一下。"),
    ("zh", "more", "请问还有其他可以帮您的吗？"), ("zh", "claimtime", "理赔材料齐全后一般 3 个工作日内审核完毕。"),
    ("zh", "thanks", "感谢您的耐心等待。"),
    ("en", "hello", "Hello, I'm a human agent and happy to help."), ("en", "wait", "One moment please, let me check that for you."),
    ("en", "more", "Is there anything else I can help with?"),
    ("en", "claimtime", "Once all documents are in, a claim is usually reviewed within 3 working days."),
    ("en", "thanks", "Thank you for your patience."),
]


def add_demo_canned(session: Session) -> None:
    """The starter replies a supervisor has not already given a shortcode of their own."""
    have = {(row.language, row.shortcode) for row in session.execute(select(CannedReply.language, CannedReply.shortcode))}
    session.add_all(CannedReply(language=language, shortcode=shortcode, text=text, updated_by="seed")
                    for language, shortcode, text in DEMO_CANNED if (language, shortcode) not in have)


def create_user(session: Session, user: DemoUser) -> None:
    session.merge(HubUser(username=user.username, display_name=user.display_name, role=user.role,
                          languages=user.languages, topics=user.topics, capacity=user.capacity,
                          password_hash=hash_password(user.password)))


def seed(database_url: str, users: list[DemoUser] | None = None) -> list[DemoUser]:
    """The users (default: the demo ones, with the passwords their settings give) and the starter replies."""
    users = users if users is not None else demo_users(DemoSeedSettings())
    engine = make_engine(database_url)
    ensure_schema(engine)
    with Session(engine) as session:
        for user in users:
            create_user(session, user)
        add_demo_canned(session)
        session.commit()
    engine.dispose()
    return users


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=Settings().database_url)
    args = parser.parse_args()
    for user in seed(args.database_url, demo_users(DemoSeedSettings())):
        print(f"console {user.role:10} {user.username:10} password {user.password:18} ({user.display_name}, "
              f"{user.languages}, capacity {user.capacity})")


if __name__ == "__main__":
    main()
