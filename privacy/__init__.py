"""Personal data kept out of what we store: one masking component for every service.

A library, not a service: the app venv and the Rasa venv both import it (it needs only spaCy, which
both carry), and it imports no service.

- `mask_text`: phones, ID numbers, bank cards and e-policy codes in free text masked (privacy/numbers.py).
- `mask_phone`, `mask_id_number`, `mask_name`: one known field masked (privacy/fields.py).
- `scrub`: a record about to be stored (a Rasa event, a transcript entry) with every string masked and
  the app token dropped (privacy/records.py).
"""

from privacy.fields import mask_id_number, mask_name, mask_phone
from privacy.numbers import mask_text
from privacy.records import scrub, without_token

__all__ = ["mask_id_number", "mask_name", "mask_phone", "mask_text", "scrub", "without_token"]
