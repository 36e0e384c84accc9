"""Finding rows by what a person types: a name fragment, in any case, Cyrillic included."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_


def text_matches(q: str, *columns: Any) -> Any:
    """A condition true where any of ``columns`` contains ``q``, case aside.

    SQLite's lower() folds ASCII only, so besides the folded comparison the spellings people type are
    tried as they are: as typed, lower case, capitalised, upper case.
    """
    variants = {q, q.lower(), q.capitalize(), q.upper()}
    folded = [func.lower(column).contains(q.lower(), autoescape=True) for column in columns]
    return or_(*folded, *(column.contains(v, autoescape=True) for column in columns for v in variants))
