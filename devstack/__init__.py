"""The development stack the tests, the bench and `make run`'s tests share: starting the real processes on free
ports and stopping them (`services`, `launch`: scripts/run.sh as a user starts it), and the clients and helpers
that drive them (tokens, the hub's customer and agent, the browser, the voice gateway, the claim materials, the
held-out NLU accuracy). Dev-only: no image copies it (.dockerignore). A library: it imports no service; it names
one only in a `python -m <module>` command line (tests/unit/test_architecture.py)."""
