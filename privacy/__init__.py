"""Personal data kept out of what we store: one masking component for every service.

A library, not a service: the app venv and the Rasa venv both import it (it needs only spaCy, which
both carry), and it imports no service.

- privacy.numbers.mask_text: phones, ID numbers, bank cards and e-policy codes in free text masked
  (a spaCy pipeline, loaded by the services that mask text).
- privacy.fields: one known field masked (mask_phone, mask_id_number, mask_name), and the shape of an
  e-policy code; no spaCy, for the services that only mask fields.
- privacy.records.scrub: a record about to be stored (a Rasa event, a handoff summary) with every
  string masked and the app token dropped.
"""
