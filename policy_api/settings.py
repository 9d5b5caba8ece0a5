"""Runtime configuration, read from environment variables (and an optional .env file)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = REPO_ROOT / "var" / "policy.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(default=f"sqlite:///{DEFAULT_DB_PATH}", validation_alias="DATABASE_URL")
    # No default: `python -m policy_api` refuses to start without a real key (service_auth.env_secrets).
    api_key: str = Field(default="", validation_alias="POLICY_API_KEY")
    host: str = Field(default="127.0.0.1", validation_alias="POLICY_API_HOST")
    port: int = Field(default=8001, validation_alias="POLICY_API_PORT")
    public_url: str = Field(default="http://localhost:8001", validation_alias="POLICY_API_PUBLIC_URL")
    max_body_bytes: int = Field(default=64 * 1024, validation_alias="POLICY_API_MAX_BODY_BYTES")


@lru_cache
def get_settings() -> Settings:
    return Settings()
