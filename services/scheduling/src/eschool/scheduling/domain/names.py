"""How names people type are kept and compared: spaces collapsed; compared case-insensitively with «ё»
read as «е», so «Ёлочка» and «елочка» are one name (a subject, a room, a bell schedule)."""

from __future__ import annotations


def clean(name: str) -> str:
    """The name as kept: no leading, trailing or doubled spaces."""
    return " ".join(name.split())


def name_key(name: str) -> str:
    """The form two names are compared in (stored beside the name, unique where names must be)."""
    return clean(name).casefold().replace("ё", "е")
