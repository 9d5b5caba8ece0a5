"""One customer's conversation data across the stores: finding it, exporting it, erasing it, and
deleting what is older than the retention period (`python -m privacy.retention`).

Each store's own module knows its tables (handoff/customer_records.py, voice/customer_data.py,
outreach/customer_data.py, privacy/rasa_events.py); the hub's routes (handoff/customer_routes.py)
reach the policy API and the voice gateway over their keyed HTTP routes."""
