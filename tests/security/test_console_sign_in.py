"""Attacks on the console sign-in (item 10), against a real hub process and real Redis:
guessing a password is throttled per user name and per address, and an unknown user name answers
like a wrong password, in words and in time. The right password still signs in."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
import redis

from devstack import services
from handoff.seed import seed

REDIS_URL = "redis://127.0.0.1:6379/0"
WRONG = {"error": {"code": "bad_credentials", "message": "Wrong username or password."}}


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A hub with its demo console users; only sign-in is exercised, so no Rasa is needed."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('sign-in') / 'hub.db'}"
    passwords = {u.username: u.password for u in seed(database_url)}
    prefix = f"test-sign-in-{uuid.uuid4().hex[:10]}"
    env = {"HANDOFF_REDIS_PREFIX": prefix, "REDIS_URL": REDIS_URL, "DATABASE_URL": database_url,
           "RASA_URL": "http://127.0.0.1:9", "POLICY_API_URL": "http://127.0.0.1:9",
           # The lock in seconds, so the test can see it lapse; the counts are the production ones.
           "HANDOFF_LOGIN_LOCK_S": "5"}
    with services.hub(services.free_port(), env, name="hub_sign_in") as url:
        yield url, passwords
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*", count=500):
        client.delete(key)
    client.close()


def sign_in(url: str, username: str, password: str, address: str = "127.0.0.1") -> httpx.Response:
    # The hub reads the client address from the socket; a different loopback address is a different client.
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(transport=transport, timeout=20) as client:
        return client.post(f"{url}/api/console/login", json={"username": username, "password": password})


def test_guessing_a_console_password_is_locked_after_five_failures(hub):
    url, passwords = hub
    for attempt in range(5):
        response = sign_in(url, "agent2", f"guess-{attempt}")
        assert response.status_code == 401 and response.json() == WRONG, response.text

    sixth = sign_in(url, "agent2", "guess-6")
    assert sixth.status_code == 429, sixth.text
    assert sixth.json()["error"]["code"] == "sign_in_locked"
    assert "Too many failed sign-ins" in sixth.json()["error"]["message"]
    assert "登录失败次数过多" in sixth.json()["error"]["message"]
    assert 1 <= int(sixth.headers["Retry-After"]) <= 5

    # While locked even the right password is refused, from any address: the name is locked.
    right = sign_in(url, "agent2", passwords["agent2"], address="127.0.0.2")
    assert right.status_code == 429 and "hub_session" not in right.cookies

    # Another agent is unaffected.
    other = sign_in(url, "agent1", passwords["agent1"])
    assert other.status_code == 200 and "hub_session" in other.cookies

    # Once the lock lapses the right password signs in.
    time.sleep(int(sixth.headers["Retry-After"]) + 0.5)
    again = sign_in(url, "agent2", passwords["agent2"])
    assert again.status_code == 200, again.text
    assert again.json()["username"] == "agent2" and "hub_session" in again.cookies


def test_spraying_passwords_over_many_names_from_one_address_is_locked(hub):
    """Per-name counts alone let one client try a few passwords on every name: the address is counted too."""
    url, passwords = hub
    address = "127.0.0.3"
    for attempt in range(20):  # HANDOFF_LOGIN_MAX_FAILURES_PER_ADDRESS, 4 tries on each of 5 names
        response = sign_in(url, f"spray-{attempt % 5}", "Password1!", address=address)
        assert response.status_code == 401, response.text
    locked = sign_in(url, "supervisor", passwords["supervisor"], address=address)
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "sign_in_locked"
    assert int(locked.headers["Retry-After"]) >= 1
    # The same user from her own address signs in.
    assert sign_in(url, "supervisor", passwords["supervisor"], address="127.0.0.4").status_code == 200


def test_unknown_user_name_answers_like_a_wrong_password_in_words_and_time(hub):
    """An unknown name answered sooner than a wrong password (no bcrypt): which names exist leaked.
    A statistical check: medians of interleaved tries, with a generous tolerance for a busy host."""
    url, _ = hub
    unknown_times: list[float] = []
    wrong_times: list[float] = []
    # An address of its own, so the other tests' failures do not count against it.
    with httpx.Client(timeout=20, transport=httpx.HTTPTransport(local_address="127.0.0.5")) as client:
        def timed(username: str) -> tuple[float, httpx.Response]:
            start = time.perf_counter()
            response = client.post(f"{url}/api/console/login", json={"username": username, "password": "nope"})
            return time.perf_counter() - start, response

        timed("warm-up")
        for _try in range(4):  # below the per-name lock: 4 failures for each name
            for username, times in ((f"nobody-{uuid.uuid4().hex[:6]}", unknown_times), ("agent1", wrong_times)):
                elapsed, response = timed(username)
                assert response.status_code == 401 and response.json() == WRONG, response.text
                times.append(elapsed)
    unknown, wrong = statistics.median(unknown_times), statistics.median(wrong_times)
    # bcrypt at 10 rounds is tens of milliseconds: without the dummy hash the unknown name is several
    # times faster. With it both medians are the same work; allow a factor of 2 either way for noise.
    assert wrong / 2 < unknown < wrong * 2, (unknown_times, wrong_times)


def test_sign_in_attempt_counters_keep_no_readable_names_in_redis(hub):
    url, _ = hub
    sign_in(url, "agent-who-mistyped", "x")
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    keys = [k for k in client.scan_iter("test-sign-in-*", count=500)]
    client.close()
    assert keys and not [k for k in keys if "agent-who-mistyped" in k or "127.0.0.1" in k], keys

