"""`python -m handoff.seed`'s settings: the demo console users' passwords (a seeding tool's, not the hub's)."""

from __future__ import annotations

from desk_config.base import DeskSettings, setting


class DemoSeedSettings(DeskSettings):
    """Unset, each demo user gets the demo password below (`make run` prints them); change them, or create real
    users, for anything but a demo."""

    supervisor_password: str = setting("HANDOFF_DEMO_PASSWORD_SUPERVISOR", "super-demo-2026",
                                       "Password of the demo supervisor `supervisor`.")
    agent1_password: str = setting("HANDOFF_DEMO_PASSWORD_AGENT1", "agent1-demo-2026",
                                   "Password of the demo agent `agent1`.")
    agent2_password: str = setting("HANDOFF_DEMO_PASSWORD_AGENT2", "agent2-demo-2026",
                                   "Password of the demo agent `agent2`.")
    adjuster1_password: str = setting("HANDOFF_DEMO_PASSWORD_ADJUSTER1", "adjuster1-demo-2026",
                                      "Password of the demo claims adjuster `adjuster1`.")
