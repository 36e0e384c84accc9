"""Keyset (cursor) pagination: stable pages over growing tables, no OFFSET scans."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar
from uuid import UUID

from eschool.common.errors import bad_request

T = TypeVar("T")

_DECODERS = {
    "u": UUID,
    "dt": datetime.fromisoformat,
    "d": date.fromisoformat,
    "dec": Decimal,
}


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of items and the cursor of the next page (None on the last page)."""

    items: Sequence[T]
    next_cursor: str | None


def _tag(value: Any) -> Any:
    if isinstance(value, UUID):
        return {"u": str(value)}
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"dec": str(value)}
    return value


def _untag(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((kind, raw),) = value.items()
        return _DECODERS[kind](raw)
    return value


def encode_cursor(keys: Sequence[Any]) -> str:
    """An opaque URL-safe cursor holding the sort keys of the last row of a page."""
    raw = json.dumps([_tag(k) for k in keys], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str, *, width: int) -> list[Any]:
    """The sort keys inside a cursor; a forged or stale cursor is a 400 naming the ``cursor`` field."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        keys = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(keys, list) or len(keys) != width:
            raise ValueError("width")
        return [_untag(k) for k in keys]
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise bad_request(
            "invalid_cursor", "Курсор страницы повреждён или устарел", field_name="query.cursor"
        ) from exc
