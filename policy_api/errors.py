"""API errors. Each subclass is one failure the client can act on; all render as
`{"error": {"code": ..., "message": ...}}`."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("policy_api")


class ApiError(Exception):
    status_code = 400
    code = "bad_request"
    message = "Bad request."
    headers: dict[str, str] | None = None

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message


class InvalidRequest(ApiError):
    status_code, code, message = 422, "invalid_request", "The request is invalid."


class MalformedJson(ApiError):
    status_code, code, message = 400, "malformed_json", "The request body is not valid JSON."


class Unauthorized(ApiError):
    status_code, code, message = 401, "unauthorized", "Missing or invalid X-API-Key header."


class CustomerTokenRequired(ApiError):
    status_code, code = 401, "customer_token_required"
    message = ("This route serves one customer's data: send the X-Customer-Token that /v1/identity/verify "
               "(or /v1/identity/app-token) returned for them.")


class CustomerTokenExpired(ApiError):
    status_code, code = 401, "customer_token_expired"
    message = "The customer's verification has expired (30 idle minutes or the session ended): verify again."


class CustomerTokenInvalid(ApiError):
    status_code, code, message = 401, "customer_token_invalid", "The X-Customer-Token is not one this API signed."


class CustomerTokenMismatch(ApiError):
    status_code, code = 403, "customer_token_mismatch"
    message = "The X-Customer-Token was issued for another customer; it serves only its own customer's data."


class AppTokenInvalid(ApiError):
    status_code, code, message = 401, "app_token_invalid", "The app token is invalid or expired."


class IdentityMismatch(ApiError):
    status_code, code = 401, "identity_mismatch"
    message = "The identity details do not match our records."


class IdentityLocked(ApiError):
    status_code, code = 429, "identity_locked"
    message = ("Too many failed identity checks for these details: verification is locked for them, "
               "even with the right answer. Retry after the Retry-After seconds, or talk to an agent.")

    def __init__(self, retry_after_s: int) -> None:
        super().__init__()
        self.headers = {"Retry-After": str(retry_after_s)}


class IdentityCheckUnavailable(ApiError):
    status_code, code = 503, "identity_check_unavailable"
    message = "Identity checks are unavailable (their attempt counter cannot be reached); try again shortly."


class CustomerNotFound(ApiError):
    status_code, code, message = 404, "customer_not_found", "No such customer."


class InvalidPolicyNumber(ApiError):
    status_code, code = 422, "invalid_policy_number"
    message = "A policy number is 2 letters followed by 8 digits, e.g. HL20240001."


class PolicyNotFound(ApiError):
    status_code, code, message = 404, "policy_not_found", "No such policy."


class PolicyNotOwned(ApiError):
    status_code, code, message = 403, "policy_not_owned", "This policy does not belong to the customer."


class PolicyInactive(ApiError):
    status_code, code, message = 409, "policy_inactive", "The policy is not active."


class PremiumNotFound(ApiError):
    status_code, code, message = 404, "premium_not_found", "No such premium."


class PremiumNotOwned(ApiError):
    status_code, code, message = 403, "premium_not_owned", "This premium does not belong to the customer."


class PremiumAlreadyPaid(ApiError):
    status_code, code, message = 409, "premium_already_paid", "This premium has already been paid."


class PaymentNotFound(ApiError):
    status_code, code, message = 404, "payment_not_found", "No such payment."


class UnknownInsuranceType(ApiError):
    status_code, code = 404, "unknown_insurance_type"
    message = "Insurance type must be one of health, auto, life, accident."


class InvalidIncidentDate(ApiError):
    status_code, code = 422, "invalid_incident_date"
    message = "The incident date must not be in the future and must fall within the policy period."


class InvalidAmount(ApiError):
    status_code, code = 422, "invalid_amount"
    message = "The amount must be greater than 0 and not exceed the sum insured."


class InvalidDescription(ApiError):
    status_code, code, message = 422, "invalid_description", "The description must be 1-500 characters."


class InvalidClaimNumber(ApiError):
    status_code, code = 422, "invalid_claim_number"
    message = "A claim number is CL followed by 8 digits, e.g. CL20250001."


class ClaimNotFound(ApiError):
    status_code, code, message = 404, "claim_not_found", "No such claim."


class ClaimNotOwned(ApiError):
    status_code, code, message = 403, "claim_not_owned", "This claim does not belong to the customer."


class IdempotencyKeyReused(ApiError):
    status_code, code = 409, "idempotency_key_reused"
    message = "This Idempotency-Key was used for a different request; use a new key for a new claim."


class InvalidVerificationCode(ApiError):
    status_code, code = 422, "invalid_verification_code"
    message = "A verification code is 4-32 letters or digits."


class EpolicyUnavailable(ApiError):
    status_code, code, message = 503, "epolicy_unavailable", "E-policy downloads are off (no EPOLICY_LINK_SECRET)."


class EpolicyLinkInvalid(ApiError):
    status_code, code, message = 403, "epolicy_link_invalid", "This is not a download link we issued."


class EpolicyLinkExpired(ApiError):
    status_code, code, message = 410, "epolicy_link_expired", "The download link has expired; ask for a new one."


class EpolicyLinkUsed(ApiError):
    status_code, code, message = 410, "epolicy_link_used", "The download link was used already; ask for a new one."


class PayloadTooLarge(ApiError):
    status_code, code, message = 413, "payload_too_large", "The request body is too large."


class DatabaseUnavailable(ApiError):
    status_code, code, message = 503, "database_unavailable", "The database is unreachable."


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> tuple[int, str, str]:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return 400, MalformedJson.code, MalformedJson.message
    first = errors[0] if errors else {}
    # loc looks like ("body", "amount") or ("query", "within_days"); skip the location kind.
    field = ".".join(str(p) for p in first.get("loc", ())[1:]) or "body"
    return 422, InvalidRequest.code, f"{field}: {first.get('msg', 'invalid value')}"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status_code, exc.code, exc.message, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        status, code, message = _validation_message(exc)
        return error_response(status, code, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else "HTTP error."
        if exc.status_code == 400 and message == "There was an error parsing the body":  # FastAPI's own words
            code, message = MalformedJson.code, MalformedJson.message
        return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Starlette re-raises after this handler, so uvicorn logs the traceback server-side;
        # the client gets no internals.
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return error_response(500, "internal_error", "An unexpected error occurred.")


class KnowledgeEntryNotFound(ApiError):
    status_code, code, message = 404, "knowledge_entry_not_found", "No such knowledge entry."


class KnowledgeIndexUnavailable(ApiError):
    status_code, code = 503, "knowledge_unavailable"
    message = "The knowledge search is starting or its database is unreachable; try again shortly."


class MaterialError(ApiError):
    """A claim material refused; the message carries both languages (the customer sees it in the chat)."""

    def __init__(self, status: int, code: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} {en}")
        self.status_code, self.code = status, code


class MaterialNotFound(ApiError):
    status_code, code, message = 404, "material_not_found", "此理赔没有该文件。No such file on this claim."


class TooManyMaterials(ApiError):
    status_code, code = 409, "too_many_materials"

    def __init__(self, limit: int) -> None:
        super().__init__(f"每个理赔案件最多上传 {limit} 个文件。A claim holds at most {limit} files.")


class InvalidMaterialKind(ApiError):
    status_code, code = 422, "invalid_material_kind"
    message = ("材料类型应为 invoice、diagnosis、id_card、accident_report、damage_photo 或 other。"
               "The kind is one of invoice, diagnosis, id_card, accident_report, damage_photo, other.")
