"""Knowledge answers: semantic FAQ and clause search."""

from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError

from policy_api import errors
from policy_api.knowledge_service import KnowledgeService
from policy_api.routers import error_docs, v1_router
from policy_api.schemas import (
    KnowledgeHit,
    KnowledgeSearchRequest,
    KnowledgeSearchResult,
    KnowledgeSource,
    KnowledgeStatus,
    Language,
)

router = v1_router("knowledge")


def _service(request: Request) -> KnowledgeService:
    return request.app.state.knowledge


def _hit(entry, score: float) -> KnowledgeHit:  # noqa: ANN001
    source = KnowledgeSource(type=entry.kind, title=entry.title, product=entry.product or None,
                             section=entry.section or None)
    return KnowledgeHit(id=entry.id, topic=entry.topic, title=entry.title, text=entry.text,
                        score=round(score, 4), source=source)


@router.post("/knowledge/search", response_model=KnowledgeSearchResult, responses=error_docs(503))
def search(request: Request, body: KnowledgeSearchRequest) -> KnowledgeSearchResult:
    """The best entries for a customer's question (only FAQ entries or only clause sections when `kind`
    is given). An empty question gets no hits. POST, so the question never sits in a URL."""
    try:
        result = _service(request).lookup(body.language, body.q, body.k, body.kind)
    except SQLAlchemyError as exc:
        raise errors.KnowledgeIndexUnavailable() from exc
    return KnowledgeSearchResult(language=body.language, confident=result.confident,
                                 hits=[_hit(hit.entry, hit.score) for hit in result.hits])


@router.get("/knowledge/entries/{language}/{entry_id}", response_model=KnowledgeHit, responses=error_docs(404, 503))
def entry(request: Request, language: Language, entry_id: str) -> KnowledgeHit:
    try:
        found = _service(request).entry(language, entry_id)
    except SQLAlchemyError as exc:
        raise errors.KnowledgeIndexUnavailable() from exc
    if found is None:
        raise errors.KnowledgeEntryNotFound()
    return _hit(found, 1.0)


@router.get("/knowledge/status", response_model=KnowledgeStatus)
def status(request: Request) -> KnowledgeStatus:
    """Whether the search indexes are built (the first build runs in the background at start-up)."""
    return KnowledgeStatus(ready=_service(request).ready)
