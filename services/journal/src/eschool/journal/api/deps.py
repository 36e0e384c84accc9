"""What the journal's write routes take from a request besides the body: the retry key of a write a
client may send again (a teacher on a bad connection), and the shapes of timestamps and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Query
from pydantic import BaseModel, Field

from eschool.common.db.idempotency import MAX_KEY_LENGTH, request_hash
from eschool.journal.services.lesson_access import Retry

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        description="Any unique string per request: a retry with the same key and body changes nothing more",
    ),
]
Reason = Annotated[str, Field(max_length=500, examples=["Ошибка при вводе"])]
AuditLimit = Annotated[int, Query(ge=1, le=200, description="How many rows a page holds")]


def retry_of(key: str | None, body: BaseModel) -> Retry | None:
    """The request's retry key with the digest of its body (None without a key)."""
    if key is None:
        return None
    return Retry(key, request_hash(body.model_dump(mode="json", exclude_unset=True)))
