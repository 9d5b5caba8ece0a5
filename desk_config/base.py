"""The base every service's settings class derives from.

A field reads the environment only through the env name written next to it (`setting("REDIS_URL", ...)`), so
the name a reader greps for is the name in the code; fields without one are fixed values a test may override
by field name. Secrets have no defaults: the service's entry point builds its settings, then refuses to start
without them (service_auth.env_secrets), so constructing settings in a test never needs them.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from desk_config.shared import DEMO_MODE_ABOUT, DEMO_MODE_VAR

SECRET = "secret"
REQUIRED = "required"


def setting(env: str, default: Any, description: str, **constraints: Any) -> Any:
    """A field read from the environment variable `env`."""
    return Field(default=default, validation_alias=env, description=description, **constraints)


def secret(env: str, description: str, *, required: bool = True) -> Any:
    """A shared secret: no default. `required` ones are checked by the entry point before it starts;
    optional ones switch a feature on (or a check) only when set."""
    return Field(default="", validation_alias=env, description=description,
                 json_schema_extra={SECRET: True, REQUIRED: required})


def env_name(field: FieldInfo) -> str | None:
    alias = field.validation_alias
    return alias if isinstance(alias, str) else None


def is_secret(field: FieldInfo) -> bool:
    return isinstance(field.json_schema_extra, dict) and bool(field.json_schema_extra.get(SECRET))


def is_required_secret(field: FieldInfo) -> bool:
    return is_secret(field) and isinstance(field.json_schema_extra, dict) and bool(field.json_schema_extra[REQUIRED])


class _NamedEnvOnly(EnvSettingsSource):
    """Only fields with an explicit env name read the environment: a fixed value such as the hub's
    conversation TTL cannot be changed by an unrelated variable that happens to share its name."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if env_name(field) is None:
            return None, field_name, False
        return super().get_field_value(field, field_name)


class DeskSettings(BaseSettings):
    """Built once at a service's start and passed down; frozen, so no code changes it on the way."""

    # extra="forbid": a misspelt field name in code fails instead of being dropped (the environment's other
    # variables are never extras: only fields with an env name read it).
    model_config = SettingsConfigDict(frozen=True, populate_by_name=True, extra="forbid")

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, _NamedEnvOnly(settings_cls), dotenv_settings, file_secret_settings

    @classmethod
    def required_secrets(cls) -> tuple[str, ...]:
        """Env names of the secrets this service refuses to start without (service_auth.env_secrets)."""
        return tuple(name for field in cls.model_fields.values()
                     if is_required_secret(field) and (name := env_name(field)))

    def secret_values(self) -> dict[str, str]:
        """Env name -> value of every secret field ("" when unset), as the secret check judges them."""
        return {name: getattr(self, field_name) or "" for field_name, field in type(self).model_fields.items()
                if is_secret(field) and (name := env_name(field))}


def _no_trailing_slash(value: str) -> str:
    return value.rstrip("/")


def _empty_is_none(value: str | None) -> str | None:
    return (value or "").rstrip("/") or None


# A base URL: paths are appended to it, so a trailing slash in the variable would double.
Url = Annotated[str, AfterValidator(_no_trailing_slash)]
# A base URL whose absence (unset or empty) switches a feature off.
OptionalUrl = Annotated[str | None, BeforeValidator(_empty_is_none)]
# Unset or empty: None (a key sent only when set).
OptionalText = Annotated[str | None, BeforeValidator(lambda value: value or None)]


def _comma_list(value: str | tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(item.strip() for item in value.split(",") if item.strip())
    return tuple(value)


def _flag(value: str | bool) -> bool:
    return value if isinstance(value, bool) else value == "1"


# "a, b,c" -> ("a", "b", "c"): lists are written comma-separated in the environment, not as JSON.
CommaList = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_comma_list)]
# Only "1" switches it on, as the shell scripts write it.
Flag = Annotated[bool, BeforeValidator(_flag)]


class SecretCheckedSettings(DeskSettings):
    """Settings of a process that checks its secrets (service_auth.env_secrets), with the demo switch that check
    reads: it judges this object, so the values it lets through are the ones the process runs with."""

    demo_mode: Flag = setting(DEMO_MODE_VAR, False, DEMO_MODE_ABOUT)
