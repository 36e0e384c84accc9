"""What a person's name may be, wherever one is entered (contingent's cards, enrolment's applications):
letters, with single spaces, hyphens and apostrophes between them. An application whose child contingent
could not enrol for the name alone must be refused when it arrives, not when the school enrols."""

from __future__ import annotations

import re

PERSON_NAME = re.compile(r"^[^\W\d_]+(?:[ \-'’][^\W\d_]+)*$")
INVALID_NAME = "Допускаются буквы, пробел, дефис и апостроф"


def checked_name(value: str) -> str:
    """The name with its spaces collapsed, or ``ValueError`` (for pydantic) saying what is allowed."""
    collapsed = " ".join(value.split())
    if not PERSON_NAME.match(collapsed):
        raise ValueError(INVALID_NAME)
    return collapsed
