"""Personal data under PIPL: kept out of what we store, and one customer's data found, exported,
erased or aged out across the stores.

A library, not a service: the app venv and the Rasa venv both import it (masking needs only spaCy,
which both carry), and it imports no service.

Masking, one component for every service:
- privacy.numbers.mask_text: phones, ID numbers, bank cards and e-policy codes in free text masked
  (a spaCy pipeline, loaded by the services that mask text).
- privacy.fields: one known field masked (mask_phone, mask_id_number, mask_name), and the shape of an
  e-policy code; no spaCy, for the services that only mask fields.
- privacy.records.scrub: a record about to be stored (a Rasa event, a handoff summary) with every
  string masked and the app token dropped.

One customer's conversation data across the stores: finding it, exporting it, erasing it, and
deleting what is older than the retention period (`python -m retention`). Each store's own
module knows its tables (hub_records/customer_data.py, voice_records/customer_data.py,
reminder_records/customer_data.py, privacy/rasa_events.py); the hub's routes (handoff/api/customers.py)
reach the policy API and the voice gateway over their keyed HTTP routes.
"""
