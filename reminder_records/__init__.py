"""Operations on the reminder tables (desk_db/tables/reminders.py) that more than one service performs: opt-outs
and contact preferences (the policy API's SMS webhook and the scheduler's channel choice), one customer's
records for export and erasure (the policy API, the retention job), and the demo seed's reset. A library:
it imports no service."""
