"""The only code that touches Redis (tests/unit/test_architecture.py holds it to that): the key layout (keys,
written once), the atomic scripts (lua, building their keys from keys.py), the live state that runs them and
reads their answers into typed results (state), pub/sub (events), what the router reads (placement), the bot
relay's queue and claims (bot_queue), the bot's offered buttons (offered), one-use marks and short-lived values
(marks), the wait samples (wait_samples), and the connection with the stores built on it (connection)."""
