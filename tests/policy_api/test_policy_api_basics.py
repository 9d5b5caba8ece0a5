"""Health, API key, error shapes, body limit, docs."""

import asyncio

import httpx
from fastapi import FastAPI
from policy_api_testkit import ApiServer, error_code

from policy_api.main import create_app
from policy_api.settings import Settings


def test_health(anon: httpx.Client) -> None:
    r = anon.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


def test_missing_api_key_is_401_json(anon: httpx.Client) -> None:
    r = anon.get("/v1/customers/C0001")
    assert r.status_code == 401
    assert error_code(r) == "unauthorized"


def test_wrong_api_key_is_401_json(anon: httpx.Client) -> None:
    r = anon.get("/v1/customers/C0001", headers={"X-API-Key": "not-the-key"})
    assert r.status_code == 401
    assert error_code(r) == "unauthorized"


def test_unknown_route_is_404_json(client: httpx.Client) -> None:
    r = client.get("/v1/no-such-thing")
    assert r.status_code == 404
    assert error_code(r) == "not_found"


def test_wrong_method_is_405_json(client: httpx.Client) -> None:
    r = client.delete("/v1/customers/C0001")
    assert r.status_code == 405
    assert error_code(r) == "method_not_allowed"


def test_malformed_json_body(client: httpx.Client) -> None:
    r = client.post(
        "/v1/identity/verify", content=b'{"phone": "13800138000", ', headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert error_code(r) == "malformed_json"


def test_validation_error_shape(client: httpx.Client) -> None:
    r = client.post("/v1/identity/verify", json={"phone": "13800138000"})  # id_last4 missing
    assert r.status_code == 422
    assert error_code(r) == "invalid_request"
    assert "id_last4" in r.json()["error"]["message"]


def test_huge_body_is_413(client: httpx.Client) -> None:
    r = client.post("/v1/identity/verify", content=b"x" * (64 * 1024 + 1), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert error_code(r) == "payload_too_large"


def test_huge_chunked_body_is_413(client: httpx.Client) -> None:
    def chunks():  # no Content-Length: the server must count
        for _ in range(20):
            yield b"y" * 8192

    r = client.post("/v1/identity/verify", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert error_code(r) == "payload_too_large"


def test_body_just_under_limit_is_parsed(client: httpx.Client) -> None:
    body = b'{"phone": "13800138000", "id_last4": "1234", "pad": "' + b"z" * 60_000 + b'"}'
    r = client.post("/v1/identity/verify", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 200
    assert r.json()["customer_id"] == "C0001"


def test_docs_and_openapi_are_public(anon: httpx.Client) -> None:
    assert anon.get("/docs").status_code == 200
    spec = anon.get("/openapi.json").json()
    tags = {t["name"] for t in spec["tags"]}
    assert {"identity", "policies", "premiums", "claims", "documents"} <= tags
    assert spec["components"]["securitySchemes"]["APIKeyHeader"]["name"] == "X-API-Key"
    assert spec["components"]["securitySchemes"]["CustomerToken"]["name"] == "X-Customer-Token"
    detail = spec["paths"]["/v1/policies/{policy_number}"]["get"]["responses"]
    assert detail["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/PolicyDetail")


def test_servers_run_on_both_backends(api_server: ApiServer) -> None:
    assert api_server.database_url.startswith({"sqlite": "sqlite://", "postgresql": "postgresql://"}[api_server.backend])


# In-process checks for failures a healthy server cannot be made to show.


def _get_in_process(app: FastAPI, path: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            return await c.get(path)

    return asyncio.run(go())


def test_unexpected_exception_is_500_without_traceback(tmp_path) -> None:
    app = create_app(Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}"))

    def boom() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/boom", boom)
    r = _get_in_process(app, "/boom")
    assert r.status_code == 500
    assert r.json() == {"error": {"code": "internal_error", "message": "An unexpected error occurred."}}
    assert "secret internals" not in r.text and "Traceback" not in r.text


def test_health_503_when_database_unreachable() -> None:
    # Port 1 on localhost: connection refused at once.
    app = create_app(Settings(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none"))
    r = _get_in_process(app, "/health")
    assert r.status_code == 503
    assert error_code(r) == "database_unavailable"
