"""prometheus_client's own environment: the one variable it reads itself, in every process it runs in.

Several uvicorn workers on one port (the hub, the policy API) each count their own requests; /metrics must
show the sum. prometheus_client does that when PROMETHEUS_MULTIPROC_DIR names a folder: it reads the variable
when it is imported, in each worker, so it has to be in the environment the workers inherit, and the scrape
has to read it as the library does. That is process environment for a library, not one of our settings,
so it is written and read here and nowhere else.
"""

from __future__ import annotations

import os
import tempfile


def share_worker_metrics(prefix: str) -> None:
    """Before uvicorn starts several workers: a fresh folder for their counters, unless the operator named one."""
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix=prefix)


def workers_share_metrics() -> bool:
    """Whether this process's counters are kept in that folder (and a scrape must sum the workers')."""
    return "PROMETHEUS_MULTIPROC_DIR" in os.environ
