"""What contingent's routes take from the request, and the types they share (the rest is the
platform's: ``eschool.common.http.request``)."""

from __future__ import annotations

from fastapi import Request

from eschool.common.http.request import Cursor, Limit, Stamp, database_of
from eschool.common.http.request import settings_of as _settings_of
from eschool.contingent.settings import ContingentSettings

__all__ = ["Cursor", "Limit", "Stamp", "database_of", "settings_of"]


def settings_of(request: Request) -> ContingentSettings:
    """Contingent's settings of the running service."""
    return _settings_of(request, ContingentSettings)
