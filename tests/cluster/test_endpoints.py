"""bot/endpoints.docker.yml, the one endpoints file of docker-compose, k8s and `make cluster`, read as Rasa reads
it: every address comes from the environment, and a missing variable stops Rasa instead of a silent default."""

from __future__ import annotations

import json
import subprocess

from devstack import services

ENDPOINTS = services.ROOT / "bot" / "endpoints.docker.yml"
ADDRESSES = {"ACTION_SERVER_URL": "http://actions.internal:5055", "ACTION_SERVER_SECRET": "s3cret-for-the-test",
             "REDIS_HOST": "redis.internal", "POSTGRES_HOST": "pg.internal", "POSTGRES_DB": "desk_prod",
             "POSTGRES_USER": "desk_user", "POSTGRES_PASSWORD": "pg-pass-for-the-test",
             "RABBITMQ_HOST": "mq.internal", "RABBITMQ_USER": "desk_mq", "RABBITMQ_PASSWORD": "mq-pass-for-the-test"}
READ = """
import json, sys
from rasa.utils.endpoints import read_endpoint_config
out = {}
for section in ("action_endpoint", "tracker_store", "lock_store", "event_broker"):
    config = read_endpoint_config(sys.argv[1], section)
    out[section] = {"url": config.url, "type": config.type, **config.kwargs, "headers": config.headers}
print(json.dumps(out))
"""


def read_as_rasa(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([services.RASA_PYTHON, "-c", READ, str(ENDPOINTS)], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", **env}, timeout=120)


def test_every_address_comes_from_the_environment() -> None:
    result = read_as_rasa(ADDRESSES)
    assert result.returncode == 0, result.stderr[-2000:]
    config = json.loads(result.stdout.strip().splitlines()[-1])
    assert config["action_endpoint"]["url"] == "http://actions.internal:5055/webhook"
    assert config["action_endpoint"]["headers"]["X-Desk-Action-Secret"] == "s3cret-for-the-test"
    trackers, locks, broker = config["tracker_store"], config["lock_store"], config["event_broker"]
    assert (trackers["type"], trackers["url"], trackers["db"]) == ("SQL", "pg.internal", "desk_prod_trackers")
    assert (trackers["username"], trackers["password"], trackers["login_db"]) == ("desk_user", "pg-pass-for-the-test",
                                                                                   "desk_prod")
    assert (locks["type"], locks["url"]) == ("bot.lock_store.AtomicRedisLockStore", "redis.internal")
    assert (broker["url"], broker["username"], broker["password"]) == ("mq.internal", "desk_mq", "mq-pass-for-the-test")
    assert broker["type"] == "bot.event_broker.MaskingPikaEventBroker"


def test_a_missing_address_stops_rasa_naming_it() -> None:
    result = read_as_rasa({k: v for k, v in ADDRESSES.items() if k != "REDIS_HOST"})
    assert result.returncode != 0
    assert "REDIS_HOST" in result.stderr
