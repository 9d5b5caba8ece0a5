"""The policy API's settings, from the environment (and an optional .env file in the working directory)."""

from functools import lru_cache

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from desk_config.base import SecretCheckedSettings, Url, secret, setting
from desk_config.shared import (
    DEFAULT_DATABASE_URL,
    DEFAULT_HUB_URL,
    DEFAULT_MATERIALS_DIR,
    DEFAULT_REDIS_URL,
)


class Settings(SecretCheckedSettings):
    """Also read from a .env file in the working directory, below the environment."""

    # A .env file may hold other services' variables too.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = setting("DATABASE_URL", DEFAULT_DATABASE_URL,
                                "SQLAlchemy URL of the shared database: policies, customers, claims, knowledge "
                                "(for SQLite, var/ is created when missing).")
    api_key: str = secret("POLICY_API_KEY", "Key our own services send as X-API-Key; every route requires it.")
    host: str = setting("POLICY_API_HOST", "127.0.0.1", "Address `python -m policy_api` listens on.")
    port: int = setting("POLICY_API_PORT", 8001, "Port `python -m policy_api` listens on.")
    workers: int = setting("POLICY_API_WORKERS", 1, "Processes serving the one port (uvicorn workers): the API keeps "
                           "no state of its own between requests.", ge=1)
    public_url: str = setting("POLICY_API_PUBLIC_URL", "http://localhost:8001",
                              "The API's address as customers' browsers see it: payment links point there.")
    hub_public_url: Url = setting("HUB_PUBLIC_URL", DEFAULT_HUB_URL,
                                  "The hub's address as customers' browsers see it: e-policy download links and the "
                                  "QR code printed on an e-policy (its 验真 page) point there.")
    epolicy_link_secret: str = secret(
        "EPOLICY_LINK_SECRET", "Signs e-policy download links (the hub checks them with the same key); unset: "
        "e-policy downloads are off.", required=False)
    epolicy_link_ttl_s: int = setting("EPOLICY_LINK_TTL_S", 10 * 60,
                                      "An e-policy download link expires this long (seconds) after the bot gave it.",
                                      ge=30, le=24 * 3600)
    epolicy_font: str = setting("EPOLICY_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                                "TrueType font with CJK glyphs the e-policy PDF is set in (Debian's "
                                "fonts-wqy-microhei).")
    max_body_bytes: int = setting("POLICY_API_MAX_BODY_BYTES", 64 * 1024,
                                  "Request bodies above this size are refused with 413.")
    customer_token_secret: str = secret(
        "CUSTOMER_TOKEN_SECRET", "Signs the customer tokens handed out after an identity check; only this service "
        "holds it.")
    customer_token_idle_s: int = setting("CUSTOMER_TOKEN_IDLE_S", 30 * 60,
                                         "A customer token unused this long (seconds) must be verified again.", ge=1)
    customer_token_max_age_s: int = setting("CUSTOMER_TOKEN_MAX_AGE_S", 8 * 60 * 60,
                                            "A customer token expires this long (seconds) after the check, "
                                            "however often it is used.", ge=1)
    app_jwt_secret: str = secret("APP_JWT_SECRET", "Verifies the insurer app's customer tokens "
                                                   "(/v1/identity/app-token exchanges them for ours).")
    redis_url: str = setting("REDIS_URL", DEFAULT_REDIS_URL,
                             "Redis holding the failed identity checks, counted per phone, policy number and "
                             "customer so a new conversation or channel starts nothing over.")
    identity_redis_prefix: str = setting("IDENTITY_REDIS_PREFIX", "desk-identity",
                                         "Prefix of the identity-lockout keys in Redis.")
    identity_max_failures: int = setting("IDENTITY_MAX_FAILURES", 5,
                                         "Failed identity checks within the window that lock the identity.", ge=1)
    identity_failure_window_s: int = setting("IDENTITY_FAILURE_WINDOW_S", 15 * 60,
                                             "Window (seconds) in which failed identity checks are counted.", ge=1)
    identity_lock_s: int = setting("IDENTITY_LOCK_S", 30 * 60,
                                   "How long (seconds) a locked identity stays locked.", ge=1)
    materials_dir: str = setting("MATERIALS_DIR", str(DEFAULT_MATERIALS_DIR),
                                 "Directory of the customers' claim materials (photos, PDFs), re-encoded and under "
                                 "random names; outside any web root, served only through the authorised routes.")
    material_max_bytes: int = setting("MATERIAL_MAX_BYTES", 10 * 1024 * 1024,
                                      "Largest claim material file (bytes) a customer may upload.", ge=1)
    material_max_per_claim: int = setting("MATERIAL_MAX_PER_CLAIM", 20, "Most files one claim may hold.", ge=1)
    material_max_pixels: int = setting("MATERIAL_MAX_PIXELS", 50_000_000,
                                       "Largest image (width x height) accepted; larger ones are refused before "
                                       "decoding (decompression bombs).", ge=1)
    material_max_pdf_pages: int = setting("MATERIAL_MAX_PDF_PAGES", 30, "Most pages of an uploaded PDF.", ge=1)

    claim_paid_target_s: int = setting("CLAIM_PAID_TARGET_S", 60 * 60,
                                       "小额秒赔: a fast-track claim whose checks pass is paid out (到账) within this "
                                       "many seconds of its review; the bot's promise quotes it.", ge=60)
    claim_payout_settle_s: float = setting("CLAIM_PAYOUT_SETTLE_S", 120.0,
                                           "The simulated payout gateway confirms a payout this many seconds after "
                                           "it was sent (a demo compresses it, e.g. 5).", ge=0)
    claim_payout_poll_s: float = setting("CLAIM_PAYOUT_POLL_S", 15.0,
                                         "Seconds between two checks for confirmed payouts (paying → paid).", gt=0)

    @model_validator(mode="after")
    def _payout_within_target(self) -> "Settings":
        # A payout that settles later than the target would make the bot's promise false.
        if self.claim_payout_settle_s + self.claim_payout_poll_s > self.claim_paid_target_s:
            raise ValueError("CLAIM_PAYOUT_SETTLE_S + CLAIM_PAYOUT_POLL_S must not exceed CLAIM_PAID_TARGET_S")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
