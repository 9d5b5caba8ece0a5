"""The deployment's init job (`python -m desk_init`): the database migrations, the knowledge base import and
the first console supervisor. Idempotent: a second run changes nothing."""
