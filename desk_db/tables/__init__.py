"""The shared database's tables, one module per owner: the policy API's (policy), the reminders' (reminders, on
the policy API's Base), the hub's (hub) and the voice gateway's call transcripts (voice). Services import their
own tables from here; each still writes only its own (docs/architecture.md)."""
