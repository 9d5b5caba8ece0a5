"""`python -m service_auth.demo var/secrets.env`: the demo install's secrets, made once per install.

Random values (no two installs share one), written with mode 600 as `export NAME=value` lines that
scripts/run.sh sources. An existing file is kept, so restarts keep working sessions and tokens;
a secret added later is appended.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

DEMO_SECRETS = ("POLICY_API_KEY", "CUSTOMER_TOKEN_SECRET", "APP_JWT_SECRET", "RASA_JWT_SECRET", "RASA_CHANNEL_SECRET", "ACTION_SERVER_SECRET",
                "HANDOFF_API_KEY", "VOICE_API_KEY", "EPOLICY_LINK_SECRET")


def existing(path: Path) -> dict[str, str]:
    values = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _, value = line.removeprefix("export ").partition("=")
            if value:
                values[name.strip()] = value.strip()
    return values


def ensure(path: Path) -> list[str]:
    """Write the secrets missing from the file; return their names."""
    have = existing(path)
    missing = [name for name in DEMO_SECRETS if name not in have]
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created 600 from the start: no moment in which another local user could read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        for name in missing:
            out.write(f"export {name}={secrets.token_urlsafe(32)}\n")
    os.chmod(path, 0o600)
    return missing


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "var/secrets.env")
    made = ensure(path)
    if made:
        print(f"demo secrets generated in {path} (mode 600): {', '.join(made)}")


if __name__ == "__main__":
    main()
