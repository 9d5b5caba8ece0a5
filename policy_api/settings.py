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
    # Signs the customer tokens (policy_api.customer_token); only this service holds it.
    customer_token_secret: str = Field(default="", validation_alias="CUSTOMER_TOKEN_SECRET")
    customer_token_idle_s: int = Field(default=30 * 60, ge=1, validation_alias="CUSTOMER_TOKEN_IDLE_S")
    customer_token_max_age_s: int = Field(default=8 * 60 * 60, ge=1, validation_alias="CUSTOMER_TOKEN_MAX_AGE_S")
    # The insurer's app signs its customers' tokens with it; /v1/identity/app-token checks them here.
    app_jwt_secret: str = Field(default="", validation_alias="APP_JWT_SECRET")
    # Failed identity checks are counted per phone, policy number and customer in Redis
    # (service_auth.lockout), so a new conversation, a /restart or another channel starts nothing over.
    redis_url: str = Field(default="redis://127.0.0.1:6379/0", validation_alias="REDIS_URL")
    identity_redis_prefix: str = Field(default="desk-identity", validation_alias="IDENTITY_REDIS_PREFIX")
    identity_max_failures: int = Field(default=5, ge=1, validation_alias="IDENTITY_MAX_FAILURES")
    identity_failure_window_s: int = Field(default=15 * 60, ge=1, validation_alias="IDENTITY_FAILURE_WINDOW_S")
    identity_lock_s: int = Field(default=30 * 60, ge=1, validation_alias="IDENTITY_LOCK_S")


@lru_cache
def get_settings() -> Settings:
    return Settings()
