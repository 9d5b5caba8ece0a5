"""Operations on the hub's tables (desk_db/tables/hub.py) that more than the hub performs: console accounts and
their password hashes (the hub's sign-in, console routes and CLI, the init job's first supervisor), and one
customer's records for export and erasure and what the retention period leaves of them (the hub, the retention
job). A library: it imports no service."""
