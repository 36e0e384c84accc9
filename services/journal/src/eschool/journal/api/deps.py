"""What the journal's write routes take from a request besides the body: a retry's key with its body's
digest (the key's header type is common: ``eschool.common.http.request.IdempotencyKey``), the reason of
a change, and the size of an audit page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, Field

from eschool.common.db.idempotency import request_hash
from eschool.journal.services.lesson_access import Retry

Reason = Annotated[str, Field(max_length=500, examples=["Ошибка при вводе"])]
AuditLimit = Annotated[int, Query(ge=1, le=200, description="How many rows a page holds")]


def retry_of(key: str | None, body: BaseModel) -> Retry | None:
    """The request's retry key with the digest of its body (None without a key)."""
    if key is None:
        return None
    return Retry(key, request_hash(body.model_dump(mode="json", exclude_unset=True)))
