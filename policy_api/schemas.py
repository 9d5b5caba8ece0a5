"""Request and response models (pydantic 2)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

# Money travels as a JSON number (pydantic would otherwise emit Decimal as a string).
Money = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]

InsuranceType = Literal["health", "auto", "life", "accident"]
PolicyStatus = Literal["active", "expired", "lapsed", "cancelled"]
ClaimStatus = Literal["reported", "reviewing", "paying", "paid", "rejected"]
Language = Literal["zh", "en"]


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]


# --- identity -------------------------------------------------------------------------------------


class IdentityVerifyRequest(BaseModel):
    policy_number: str | None = Field(default=None, max_length=64, examples=["HL20240001"])
    phone: str | None = Field(default=None, max_length=64, examples=["138 0013 8000"])
    id_last4: str = Field(max_length=16, examples=["1234"])
    # Named in the customer token, so a token shows which conversation proved the identity.
    conversation_id: str = Field(default="", max_length=128, examples=["c-3f9a"])


class AppTokenExchange(BaseModel):
    app_token: str = Field(min_length=1, max_length=4096, description="The insurer's app JWT (HS256, sub, exp).")
    conversation_id: str = Field(default="", max_length=128, examples=["app-C0001"])


class IdentityVerified(BaseModel):
    customer_id: str
    name: str
    preferred_language: Language
    phone_masked: str
    customer_token: str = Field(description="Send as X-Customer-Token on the customer's data routes; "
                                "each use returns a refreshed one in the same response header.")
    token_expires_at: int = Field(description="Unix seconds; idle tokens expire (30 minutes by default).")


# --- customers & policies -------------------------------------------------------------------------


class CustomerOut(BaseModel):
    customer_id: str
    name: str
    phone_masked: str
    id_number_masked: str
    preferred_language: Language


class ContactPhoneOut(BaseModel):
    """The one unmasked field the API gives out: the number a callback goes to (the customer's token only)."""

    customer_id: str
    phone: str


class PolicySummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    policy_number: str
    insurance_type: InsuranceType
    product_name_zh: str
    product_name_en: str
    status: PolicyStatus
    start_date: date
    end_date: date


class PolicyList(BaseModel):
    policies: list[PolicySummary]


class NextPremium(BaseModel):
    premium_id: int
    due_date: date
    amount: Money
    days_until_due: int


class PolicyDetail(PolicySummary):
    insured_name: str
    sum_insured: Money
    annual_premium: Money
    payment_frequency: str
    next_premium: NextPremium | None


class RenewalItem(BaseModel):
    policy_number: str
    product_name_zh: str
    product_name_en: str
    insurance_type: InsuranceType
    end_date: date
    days_left: int
    renewal_premium: Money


class RenewalList(BaseModel):
    policies: list[RenewalItem]


# --- premiums & payments --------------------------------------------------------------------------


class PremiumDue(BaseModel):
    premium_id: int
    policy_number: str
    product_name_zh: str
    product_name_en: str
    due_date: date
    amount: Money
    days_until_due: int  # negative when overdue
    status: Literal["due", "paid"]


class PremiumDueList(BaseModel):
    premiums: list[PremiumDue]


class PaymentCreate(BaseModel):
    # The customer is the token's; an id given here must be that customer.
    customer_id: str | None = Field(default=None, max_length=16, examples=["C0001"])


class PaymentCreated(BaseModel):
    payment_id: str
    payment_url: str
    amount: Money
    status: Literal["pending", "paid"]


class PaymentOut(BaseModel):
    payment_id: str
    premium_id: int
    policy_number: str
    amount: Money
    status: Literal["pending", "paid"]
    created_at: datetime
    paid_at: datetime | None


class PaymentConfirmed(BaseModel):
    payment_id: str
    status: Literal["paid"]


# --- claims ---------------------------------------------------------------------------------------


class FastTrack(BaseModel):
    limit: Money | None
    eligible: bool | None
    reason_zh: str
    reason_en: str


class ClaimGuidance(BaseModel):
    insurance_type: InsuranceType
    documents_zh: list[str]
    documents_en: list[str]
    steps_zh: list[str]
    steps_en: list[str]
    fast_track: FastTrack


class ClaimCreate(BaseModel):
    # The customer is the token's; an id given here must be that customer.
    customer_id: str | None = Field(default=None, max_length=16, examples=["C0001"])
    policy_number: str = Field(max_length=64, examples=["HL20240001"])
    incident_date: date
    amount: Decimal = Field(examples=[3200])
    description: str = Field(examples=["门诊治疗急性肠胃炎 / Outpatient treatment"])
    single_party: bool | None = None


class TimelineEntry(BaseModel):
    status: ClaimStatus
    label_zh: str
    label_en: str
    at: datetime


class NextStep(BaseModel):
    status: ClaimStatus
    label_zh: str
    label_en: str


class ClaimSummary(BaseModel):
    claim_number: str
    policy_number: str
    insurance_type: InsuranceType
    amount: Money
    incident_date: date
    status: ClaimStatus
    status_label_zh: str
    status_label_en: str
    fast_track: bool
    created_at: datetime


class ClaimOut(ClaimSummary):
    description: str
    reject_reason_zh: str | None
    reject_reason_en: str | None
    timeline: list[TimelineEntry]
    next_steps: list[NextStep]
    approved_amount: Money | None = None
    # Fast-track claims: minutes from an approved review to the money arriving (CLAIM_PAID_TARGET_S).
    paid_target_minutes: int | None = None


class ClaimList(BaseModel):
    claims: list[ClaimSummary]


# --- documents ------------------------------------------------------------------------------------


MaterialKind = Literal["invoice", "diagnosis", "id_card", "accident_report", "damage_photo", "other"]
MaterialStatus = Literal["received", "reviewing", "accepted", "retake", "rejected"]


class MaterialOut(BaseModel):
    """One file of a claim, as stored (re-encoded; the original is not kept)."""

    material_id: str
    claim_number: str
    kind: MaterialKind
    media_type: Literal["image/jpeg", "image/png", "application/pdf"]
    size_bytes: int
    width: int | None = None
    height: int | None = None
    pages: int | None = None
    sha256: str
    uploaded_at: datetime
    status: MaterialStatus
    status_label_zh: str
    status_label_en: str
    problem: str | None = Field(default=None, description="Why a retake or rejection (zh / en), when one.")
    findings: dict | None = Field(default=None, description="What a review read (claims.findings.InvoiceFindings).")


class MissingMaterial(BaseModel):
    kind: MaterialKind
    document_zh: str
    document_en: str


class MaterialList(BaseModel):
    claim_number: str
    customer_id: str
    insurance_type: InsuranceType
    materials: list[MaterialOut]
    missing: list[MissingMaterial] = Field(description="Files this claim type still needs (none received, or "
                                                       "only ones to take again).")
    max_files: int


class DocumentVerifyRequest(BaseModel):
    policy_number: str = Field(max_length=64, examples=["HL20240001"])
    verification_code: str = Field(max_length=64, examples=["HX7K2M9Q"])
    file_sha256: str | None = Field(None, pattern="^[0-9a-f]{64}$", description=(
        "SHA-256 (hex) of a downloaded e-policy PDF, computed where the file is (the 验真 page hashes it in "
        "the browser): genuine only if the code and the file are the copy we printed, byte for byte."))


class DocumentVerification(BaseModel):
    genuine: bool
    policy_number: str | None = None
    product_name_zh: str | None = None
    product_name_en: str | None = None
    insured_name_masked: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    # What the e-policy must state: a printout whose figures differ from these was altered.
    sum_insured: Money | None = None
    annual_premium: Money | None = None
    issued_at: datetime | None = None
    file_checked: bool | None = Field(None, description="The file itself was checked too (file_sha256).")


class EpolicyLink(BaseModel):
    """Where the customer downloads her e-policy: the hub's address, signed, once, until `expires_at`."""

    url: str
    expires_at: datetime
    ttl_s: int
    policy_number: str
    product_name_zh: str
    product_name_en: str


class EpolicyPrintRequest(BaseModel):
    link: str = Field(max_length=1024, description="The signed link's token the customer opened at the hub.")


class KnowledgeSearchRequest(BaseModel):
    """A customer's question, in the body: a question often holds personal details, and URLs end up in
    access logs and proxies."""

    q: str = Field(max_length=10_000, examples=["安心医疗险的等待期是多少天"],
                   description="The question; longer pastes are refused, the search reads the first 500 characters.")
    language: Language = "zh"
    k: int = Field(default=3, ge=1, le=10)
    kind: Literal["faq", "clause"] | None = Field(default=None, description="Only FAQ entries or only clause sections.")


class KnowledgeSource(BaseModel):
    """Where an answer comes from: an FAQ entry, or a section of a product's clauses."""

    type: Literal["faq", "clause"]
    title: str
    product: str | None = None
    section: str | None = None


class KnowledgeHit(BaseModel):
    id: str
    topic: str
    title: str
    text: str
    score: float
    source: KnowledgeSource


class KnowledgeSearchResult(BaseModel):
    language: Language
    confident: bool = Field(description="true: hits[0] answers the question. false: hits are suggestions to "
                                        "choose from (possibly none: the knowledge base has no answer).")
    hits: list[KnowledgeHit]


class KnowledgeStatus(BaseModel):
    ready: bool


# --- portfolio: the customer's whole cover at a glance, and what needs attention now -------------
GapCode = Literal["policy_expiring", "premium_overdue", "policy_lapsed", "no_health_cover", "no_accident_cover"]


class PortfolioPolicy(BaseModel):
    policy_number: str
    insurance_type: InsuranceType
    product_name_zh: str
    product_name_en: str
    status: PolicyStatus
    end_date: date
    sum_insured: Money
    annual_premium: Money
    payment_frequency: str
    next_due_date: date | None
    next_due_amount: Money | None


class InsuredCover(BaseModel):
    """Everything that covers one insured person."""

    insured_name: str
    policies: list[PortfolioPolicy]
    sum_insured_by_type: dict[str, Money]  # active policies only


class CoverageGap(BaseModel):
    code: GapCode
    insurance_type: InsuranceType | None = None
    policy_number: str | None = None
    days: int | None = None  # days left (expiring) or overdue


class PortfolioSummary(BaseModel):
    customer_id: str
    as_of: date
    policy_count: int
    active_count: int
    annual_premium_total: Money  # active policies
    next_due_date: date | None
    next_due_amount: Money | None
    next_due_policy_number: str | None
    insured: list[InsuredCover]
    gaps: list[CoverageGap]


HighlightKind = Literal["premium_due", "claim_update", "policy_expiring"]


class Highlight(BaseModel):
    kind: HighlightKind
    policy_number: str
    product_name_zh: str
    product_name_en: str
    claim_number: str | None = None
    claim_status: ClaimStatus | None = None
    changed_at: datetime | None = None
    due_date: date | None = None
    amount: Money | None = None
    days: int | None = None  # until due / until the cover ends


class Highlights(BaseModel):
    customer_id: str
    name: str
    items: list[Highlight]
