"""Redis key names. Every key starts with the configured prefix so that several hubs (or test runs)
can share one Redis without seeing each other."""

from __future__ import annotations


class Keys:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def conv(self, cid: str) -> str:
        return f"{self.prefix}:c:{cid}"

    def log(self, cid: str) -> str:
        return f"{self.prefix}:c:{cid}:log"

    def msg_ids(self, cid: str) -> str:
        return f"{self.prefix}:c:{cid}:ids"

    def bot_queue(self, cid: str) -> str:
        return f"{self.prefix}:c:{cid}:botq"

    def offered(self, cid: str) -> str:
        """The intent payloads of the buttons the bot sent in this conversation (handoff/store/offered.py)."""
        return f"{self.prefix}:c:{cid}:offered"

    def relay(self, cid: str, seq: int) -> str:
        """The relay of log entry seq to the bot: claimed, then Rasa's answer (handoff/relay_once.py)."""
        return f"{self.prefix}:c:{cid}:relay:{seq}"

    def bot_lock(self, cid: str) -> str:
        """Held by the one hub worker relaying this conversation's messages to the bot, in order."""
        return f"{self.prefix}:c:{cid}:botlock"

    @property
    def bot_pending(self) -> str:
        """Conversations with customer messages the bot has yet to answer (survives a restart)."""
        return f"{self.prefix}:botpending"

    def customer_conversations(self, customer_id: str) -> str:
        """The conversations an app customer signed in to (her export and erasure find them here)."""
        return f"{self.prefix}:cust:{customer_id}:convs"

    def external_event(self, cid: str, idempotency_key: str) -> str:
        """An external event's delivery into the conversation: pending, then done (handoff/external_events.py)."""
        return f"{self.prefix}:c:{cid}:ext:{idempotency_key}"

    def epolicy_link(self, link_id: str) -> str:
        """Set once when an e-policy download link is opened (handoff/api/epolicy.py)."""
        return f"{self.prefix}:epolicy:{link_id}"

    def verify_failures(self, address_key: str) -> str:
        """Wrong answers on the public 验真 page from one address (keyed by an HMAC, not the address)."""
        return f"{self.prefix}:verifyfail:{address_key}"

    def callback_number(self, callback_id: str) -> str:
        """The full number of an open callback: kept only until it is closed (handoff/callbacks.py)."""
        return f"{self.prefix}:cb:{callback_id}:number"

    def request(self, rid: str) -> str:
        return f"{self.prefix}:r:{rid}"

    def offers(self, rid: str) -> str:
        return f"{self.prefix}:r:{rid}:offers"

    def tried(self, rid: str) -> str:
        return f"{self.prefix}:r:{rid}:tried"

    @property
    def queue(self) -> str:
        return f"{self.prefix}:queue"

    @property
    def pending(self) -> str:
        """Waiting requests nobody holds an offer for: what the router has to place."""
        return f"{self.prefix}:pending"

    @property
    def escalated(self) -> str:
        """Waiting requests past the escalation deadline: offered to every free agent."""
        return f"{self.prefix}:escalated"

    @property
    def timers(self) -> str:
        return f"{self.prefix}:timers"

    @property
    def live(self) -> str:
        return f"{self.prefix}:live"

    def agent(self, username: str) -> str:
        return f"{self.prefix}:a:{username}"

    def agent_convs(self, username: str) -> str:
        return f"{self.prefix}:a:{username}:convs"

    def agent_offers(self, username: str) -> str:
        return f"{self.prefix}:a:{username}:offers"

    def consoles(self, username: str) -> str:
        """How many console sockets the user has open, over every hub process (handoff/availability.py)."""
        return f"{self.prefix}:a:{username}:consoles"

    @property
    def agents(self) -> str:
        return f"{self.prefix}:agents"

    @property
    def chat_key(self) -> str:
        """The install's key for chat resume secrets (handoff/chat_sessions.py)."""
        return f"{self.prefix}:chatkey"

    def sign_in(self, kind: str) -> str:
        """The prefix of the console sign-in lockout's counters, by name or by address (handoff/auth.py)."""
        return f"{self.prefix}:signin-{kind}"

    def session(self, token: str) -> str:
        return f"{self.prefix}:s:{token}"

    def user_sessions(self, username: str) -> str:
        """The session tokens of one console user, so disabling or resetting them ends every one."""
        return f"{self.prefix}:us:{username}"

    @property
    def accepts(self) -> str:
        return f"{self.prefix}:accepts"

    @property
    def wait_reactions(self) -> str:
        """Recent offer -> accept times of agents (handoff/wait_estimate.py)."""
        return f"{self.prefix}:wait:reactions"

    @property
    def wait_handles(self) -> str:
        """Recent accept -> close times of conversations (handoff/wait_estimate.py)."""
        return f"{self.prefix}:wait:handles"

    def whispers(self, cid: str) -> str:
        """Supervisors' whispers to the agent of this conversation; never in its log (handoff/whisper.py)."""
        return f"{self.prefix}:c:{cid}:whispers"

    @property
    def alerts(self) -> str:
        return f"{self.prefix}:alerts"

    def channel(self, name: str) -> str:
        return f"{self.prefix}:ev:{name}"

    @property
    def channel_pattern(self) -> str:
        return f"{self.prefix}:ev:*"
