"""Contingent's own cell readers (the platform's are in ``eschool.common.xlsx``): a person's sex."""

from __future__ import annotations

from eschool.common.xlsx import CellError

_SEXES = {"м": "male", "ж": "female"}


def cell_sex(typed: str) -> str | None:
    """``male`` or ``female`` from «м» or «ж» (None: empty)."""
    if not typed:
        return None
    sex = _SEXES.get(typed.lower())
    if sex is None:
        raise CellError("sex", "invalid_sex", f"Пол указывается буквой «м» или «ж», а не «{typed}»")
    return sex
