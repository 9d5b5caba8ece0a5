"""小额秒赔 end to end on this host: `fast_claim_to_paid_p50_s`, from the upload of a medical invoice photo to the
claim's 到账 (paid), through a real policy API process (SQLite), the real OCR and the simulated payout gateway.

The gateway's settle time is the bench's own setting (SETTLE_S, stated in the results beside the figure): a real
bank's is what it is, so the figure is OCR + review + payout bookkeeping + SETTLE_S + up to one POLL_S of the
payout worker. It does not cover the push to the customer (outreach's interval) nor a gateway's real latency.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.results import merge_results
from devstack.materials import invoice_photo, materials_api, open_claim, upload, wait_for_status

CLAIMS = 5  # sequential, each with its own invoice number (the same invoice is never paid twice)
SETTLE_S = 5.0
POLL_S = 1.0


def main() -> None:
    env = {"CLAIM_PAYOUT_SETTLE_S": str(SETTLE_S), "CLAIM_PAYOUT_POLL_S": str(POLL_S)}
    seconds: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, materials_api("sqlite", Path(tmp), env) as api, \
            api.client("C0001") as client:
        for i in range(CLAIMS):
            amount = f"{800 + 37 * i}.50"
            claim = open_claim(client, amount)
            photo = invoice_photo(amount, f"00{7_100_000 + i:08d}", seed=100 + i)
            started = time.monotonic()
            material = upload(client, claim["claim_number"], photo).json()
            if material.get("status") != "accepted":
                raise SystemExit(f"claim {claim['claim_number']}: invoice not accepted: {material}")
            wait_for_status(client, claim["claim_number"], "paid", timeout_s=120, poll_s=0.1)
            seconds.append(time.monotonic() - started)
            print(f"claim {i + 1}/{CLAIMS}: upload → 到账 {seconds[-1]:.1f} s")
    p50 = statistics.median(seconds)
    load = os.getloadavg()[0]
    print(f"fast claim upload → 到账: p50 {p50:.1f} s over {len(seconds)} claims (payout settle {SETTLE_S:.0f} s, "
          f"poll {POLL_S:.0f} s); load average {load:.1f} on {os.cpu_count()} cores")
    merge_results({
        "fast_claim_to_paid_p50_s": round(p50, 1),
        "fast_claim_to_paid_max_s": round(max(seconds), 1),
        "fast_claim_claims": len(seconds),
        "fast_claim_payout_settle_s": SETTLE_S,
        "fast_claim_payout_poll_s": POLL_S,
        "fast_claim_host_load": round(load, 1),
    })


if __name__ == "__main__":
    main()
