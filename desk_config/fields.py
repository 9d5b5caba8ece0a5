"""The variables a settings class reads, as one plain record per field, whichever pydantic it is built on
(desk_config.base on pydantic 2; the action server's class on pydantic 1, the Rasa environment's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desk_config.base import env_name, is_required_secret, is_secret


@dataclass(frozen=True)
class Variable:
    env: str
    field: str
    default: Any
    description: str
    secret: bool
    required: bool


def variables(settings_class: type) -> list[Variable]:
    """Every field of the class that reads an environment variable, in declaration order."""
    if hasattr(settings_class, "model_fields"):  # pydantic 2
        return [Variable(name, field_name, field.default, field.description or "", is_secret(field),
                         is_required_secret(field))
                for field_name, field in settings_class.model_fields.items() if (name := env_name(field))]
    found = []
    for field_name, field in settings_class.__fields__.items():  # pydantic 1
        extra = field.field_info.extra
        if "env" in extra:
            found.append(Variable(extra["env"], field_name, field.default, field.field_info.description or "",
                                  bool(extra.get("secret")), bool(extra.get("secret") and extra.get("required"))))
    return found
