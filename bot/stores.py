"""`python -m bot.stores ENDPOINTS_FILE`: make the tables of the endpoints file's tracker store and event
broker, and stop with the reason when either, or the lock store, cannot be reached.

Rasa creates them as each replica starts; two replicas starting at the same moment on an empty database
both try, and one fails. Run once before the replicas start (scripts/cluster.sh; a deployment's init job),
it also finds a wrong address in seconds rather than after each replica loaded its model.
"""

from __future__ import annotations

import asyncio
import sys

from rasa.core.brokers.broker import EventBroker
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.utils.endpoints import read_endpoint_config


async def prepare(endpoints: str) -> None:
    tracker_store = read_endpoint_config(endpoints, "tracker_store")
    if tracker_store:
        TrackerStore.create(tracker_store)
    broker = await EventBroker.create(read_endpoint_config(endpoints, "event_broker"))
    if broker:
        await broker.close()
    # A read reaches Redis: a wrong address fails here, not at the first customer's message.
    LockStore.create(read_endpoint_config(endpoints, "lock_store")).get_lock("bot-stores-check")


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__.splitlines()[0])
    try:
        asyncio.run(prepare(sys.argv[1]))
    except Exception as exc:  # noqa: BLE001 - any failure here means Rasa could not start either
        raise SystemExit(f"Rasa's stores in {sys.argv[1]} are not usable: {type(exc).__name__}: {exc}") from None


if __name__ == "__main__":
    main()
