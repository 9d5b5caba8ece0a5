"""A speed fix for Rasa 3.6, installed when the model loads our NLU components.

Rasa validates every action-server response with `jsonschema.validate(result, schema)`, which
re-checks the schema against the JSON-Schema metaschema on every call: about 12.6 ms of the
13 ms it takes, on every custom-action turn. Here the same schema is compiled into a validator
once, and each response is validated against it: the same checks and the same errors, about
0.25 ms. (Measured with bench/turns.py: a policy-lookup turn costs one validation per action.)
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    return validators.validator_for(schema)(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _response_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
