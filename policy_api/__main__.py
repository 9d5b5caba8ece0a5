"""`python -m policy_api` — serve the API with uvicorn on POLICY_API_HOST:POLICY_API_PORT."""

import uvicorn

from observability import logs
from policy_api.settings import get_settings
from service_auth.env_secrets import require_secrets


def main() -> None:
    require_secrets("POLICY_API_KEY", "CUSTOMER_TOKEN_SECRET", "APP_JWT_SECRET")
    settings = get_settings()
    logs.configure("policy_api")
    uvicorn.run("policy_api.main:app", host=settings.host, port=settings.port, log_level="info", log_config=None)


if __name__ == "__main__":
    main()
