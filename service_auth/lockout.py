"""Failed attempts counted per identifier in Redis, and a lock once there are too many.

Used by the policy API (identity checks per phone, policy number and customer) and the hub (console
sign-in per user name and per address). The counting is the `limits` package's moving window on its
Redis storage; the lock is a second `limits` item with room for one hit, so both expire by themselves
and every process of every service sees the same counts, whatever conversation or channel an attempt
came through.

Identifiers are keyed by an HMAC under the service's own secret, not stored as they are: a phone
number or a user name in a Redis key would be personal data readable by whoever reads Redis, and a
plain hash of an 11-digit phone number is undone by trying them all.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

from limits import RateLimitItemPerSecond
from limits.storage import RedisStorage
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

Identifier = tuple[str, str]  # (kind, value), e.g. ("phone", "13800138000")


class LockoutUnavailable(Exception):
    """Redis could not be asked: callers refuse the attempt (fail closed) rather than go uncounted."""


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int  # this many failures within window_s lock the identifier
    window_s: int
    lock_s: int


class Lockout:
    def __init__(self, redis_url: str, prefix: str, policy: LockoutPolicy, secret: str,
                 timeout_s: float = 2.0) -> None:
        storage = RedisStorage(redis_url, key_prefix=prefix, socket_timeout=timeout_s,
                               socket_connect_timeout=timeout_s)
        self._failures = MovingWindowRateLimiter(storage)
        self._locks = FixedWindowRateLimiter(storage)
        self._failure_item = RateLimitItemPerSecond(policy.max_failures, policy.window_s)
        self._lock_item = RateLimitItemPerSecond(1, policy.lock_s)
        self._secret = secret.encode()

    def _key(self, identifier: Identifier) -> str:
        kind, value = identifier
        return f"{kind}:{hmac.new(self._secret, f'{kind}:{value}'.encode(), hashlib.sha256).hexdigest()[:32]}"

    def locked_for(self, identifiers: Iterable[Identifier]) -> int:
        """Seconds until every one of the identifiers may try again; 0 when none is locked."""
        wait = 0.0
        try:
            for identifier in identifiers:
                key = self._key(identifier)
                if not self._locks.test(self._lock_item, key):
                    reset_at = self._locks.get_window_stats(self._lock_item, key).reset_time
                    wait = max(wait, reset_at - time.time())
        except Exception as exc:  # limits raises the storage's own errors (redis, connection, timeout)
            raise LockoutUnavailable(str(exc)) from exc
        return max(1, math.ceil(wait)) if wait > 0 else 0

    def failed(self, identifiers: Iterable[Identifier]) -> bool:
        """Count one failure against each identifier; True if that locked any of them."""
        locked = False
        try:
            for identifier in identifiers:
                key = self._key(identifier)
                self._failures.hit(self._failure_item, key)
                if not self._failures.test(self._failure_item, key):
                    self._locks.hit(self._lock_item, key)
                    # The lock now stands for these failures: once it lapses, the count starts afresh.
                    self._failures.clear(self._failure_item, key)
                    locked = True
        except Exception as exc:
            raise LockoutUnavailable(str(exc)) from exc
        return locked

    def succeeded(self, identifiers: Iterable[Identifier]) -> None:
        """The owner got it right: forget their earlier slips (never called while locked)."""
        try:
            for identifier in identifiers:
                self._failures.clear(self._failure_item, self._key(identifier))
        except Exception as exc:
            raise LockoutUnavailable(str(exc)) from exc
