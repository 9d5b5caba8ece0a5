"""SMS gateways for the restart tests, selected with OUTREACH_SMS_GATEWAY in a real scheduler process.
Both write to the real outbox; one dies right after a send (before the delivery is committed), the
other is slow so the test can kill the process mid-pass."""

from __future__ import annotations

import os
import time

from outreach.sms import OutboxSmsGateway


class CrashAfterSend(OutboxSmsGateway):
    """Exits the process straight after the Nth send (OUTREACH_TEST_CRASH_AFTER), as a power cut would."""

    sent = 0

    def send(self, phone: str, text: str, idempotency_key: str) -> None:
        super().send(phone, text, idempotency_key)
        CrashAfterSend.sent += 1
        if CrashAfterSend.sent >= int(os.environ.get("OUTREACH_TEST_CRASH_AFTER", "1")):
            os._exit(9)


class SlowGateway(OutboxSmsGateway):
    def send(self, phone: str, text: str, idempotency_key: str) -> None:
        time.sleep(0.4)
        super().send(phone, text, idempotency_key)
        time.sleep(0.4)


class CountingGateway(OutboxSmsGateway):
    """Records every send attempt, one line per call in OUTREACH_TEST_SEND_LOG (the outbox keeps one row per
    key whatever happens, so it cannot show a second send); a little slow, so overlapping passes would overlap."""

    def send(self, phone: str, text: str, idempotency_key: str) -> None:
        with open(os.environ["OUTREACH_TEST_SEND_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {idempotency_key}\n")
        time.sleep(0.2)
        super().send(phone, text, idempotency_key)
