"""What a console account may be (hub_records/accounts.py), without a service running."""

from __future__ import annotations

import pytest

from handoff.routing import TOPIC_BY_REASON
from hub_records import accounts


def test_every_topic_the_router_matches_is_a_skill_an_agent_can_have():
    assert {"general", "claims", *TOPIC_BY_REASON.values()} == set(accounts.SKILLS)


def test_a_profile_is_normalised_and_checked():
    who = accounts.profile("li.na", " 李娜 ", "agent", "ZH, en,zh", ["claims", "general"], 3)
    assert (who.display_name, who.languages, who.skills) == ("李娜", ("zh", "en"), ("claims", "general"))
    for args in (("LiNa", "李娜", "agent", "zh", "general", 3), ("li", "李娜", "agent", "zh", "general", 3),
                 ("li.na", " ", "agent", "zh", "general", 3), ("li.na", "李娜", "admin", "zh", "general", 3),
                 ("li.na", "李娜", "agent", "fr", "general", 3), ("li.na", "李娜", "agent", "", "general", 3),
                 ("li.na", "李娜", "agent", "zh", "sales", 3), ("li.na", "李娜", "agent", "zh", "general", 0),
                 ("li.na", "李娜", "agent", "zh", "general", 21)):
        with pytest.raises(accounts.AccountError):
            accounts.profile(*args)


def test_passwords_the_hub_makes_are_long_and_fresh_and_short_ones_are_refused():
    made = {accounts.new_password() for _ in range(50)}
    assert len(made) == 50 and all(len(p) >= 16 for p in made)
    accounts.check_password(made.pop())
    for bad in ("short", "x" * 11, "长" * 25):  # the last: 75 bytes, past what bcrypt reads
        with pytest.raises(accounts.AccountError):
            accounts.check_password(bad)
