"""The base of the settings classes that run in Rasa's environment (the action server's, Rasa's own).

That environment's pydantic is version 1: these are pydantic 1's BaseSettings (read through `pydantic.v1` where
pydantic 2 is installed, as the reference generator does), with the same shape as desk_config.base: an explicit
env name and a description on every field, for secrets no default, and the secret check's demo switch. This
module imports nothing of pydantic 2 (desk_config.base), which Rasa's environment does not have.
"""

from __future__ import annotations

from desk_config.shared import DEMO_MODE_ABOUT, DEMO_MODE_VAR

try:
    from pydantic.v1 import BaseSettings, Field, validator
except ImportError:  # pydantic 1 itself (Rasa's environment)
    from pydantic import BaseSettings, Field, validator  # type: ignore[no-redef]

__all__ = ["Field", "RasaSideSettings", "validator"]


class RasaSideSettings(BaseSettings):
    """Built once at the process's start; frozen, so no code changes it on the way."""

    demo_mode: bool = Field(False, env=DEMO_MODE_VAR, description=DEMO_MODE_ABOUT)

    class Config:
        frozen = True

    @validator("demo_mode", pre=True)
    def _only_1_is_on(cls, value: str | bool) -> bool:  # noqa: N805 (pydantic 1 validators take the class)
        # As desk_config.base's Flag: only "1", as the shell scripts write it (pydantic 1 would take "yes" too).
        return value if isinstance(value, bool) else value == "1"

    @classmethod
    def required_secrets(cls) -> tuple[str, ...]:
        """Env names of the secrets the process refuses to start without (service_auth.env_secrets)."""
        return tuple(field.field_info.extra["env"] for field in cls.__fields__.values()
                     if field.field_info.extra.get("secret") and field.field_info.extra.get("required"))

    def secret_values(self) -> dict[str, str]:
        """Env name -> value of every secret field ("" when unset), as the secret check judges them."""
        return {field.field_info.extra["env"]: getattr(self, name) or "" for name, field in self.__fields__.items()
                if field.field_info.extra.get("secret")}
