"""What a service's routes take from the request: the running service's database and settings, the
query types paged lists share, a retry's idempotency key, and the moment type every answer uses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import Header, Query, Request
from pydantic import AfterValidator

from eschool.common.db import Database, as_utc
from eschool.common.db.idempotency import MAX_KEY_LENGTH
from eschool.common.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)

Cursor = Annotated[str | None, Query(max_length=500, description="The page after this cursor")]
Limit = Annotated[int, Query(ge=1, le=500, description="How many rows a page holds")]
# The key of a write a client may send again (a teacher or a secretary on a bad connection).
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        description="Any unique string per request: a retry with the same key and body changes nothing more",
    ),
]
# A moment in an answer: SQLite hands timestamps back without a zone, and everything stored is UTC, so an
# answer says so on either database.
Stamp = Annotated[datetime, AfterValidator(as_utc)]


def database_of(request: Request) -> Database:
    """The running service's database."""
    database: Database = request.app.state.runtime.database
    return database


def settings_of(request: Request, kind: type[S]) -> S:
    """The running service's settings, as its own settings class."""
    settings = request.app.state.runtime.settings
    if not isinstance(settings, kind):
        raise TypeError(f"the running service's settings are {type(settings).__name__}, not {kind.__name__}")
    return settings
