"""The demo region's fixed identifiers, shared by every service's demo data (``make run`` only).

Each service loads its own part of the demo (identity the accounts, contingent the org tree and the
pupils, ...) and they meet on these ids, so no service needs another's database to build the demo.
"""

from __future__ import annotations

import uuid
from datetime import date

from eschool.common.demo_names import demo_snils

SEPTEMBER = 9
_NAMESPACE = uuid.UUID("6f1d3c52-54d8-4b8e-9a4e-2f8a9e0c1d01")


def demo_id(name: str) -> uuid.UUID:
    """A stable id for a named demo object (``school:1``, ``person:teacher``...)."""
    return uuid.uuid5(_NAMESPACE, name)


REGION_ID = demo_id("org:region")
MUNICIPALITY_ID = demo_id("org:municipality")
SCHOOL_ID = demo_id("org:school:1")
# Every demo school, «СШ № 1» (where the demo accounts work) first.
SCHOOL_IDS = (SCHOOL_ID, demo_id("org:school:2"), demo_id("org:school:3"))
# The demo guardian's SNILS (made up): contingent's demo person has it, and enrolment's demo gives it to
# the application she sent for her younger child, so that her own applications show it.
DEMO_GUARDIAN_SNILS = demo_snils(1, 0, 2)


def academic_year_name(day: date) -> str:
    """The academic year ``day`` falls in, as contingent names it (``2025/2026``; it turns on 1 September):
    the demo's year is the one of today, in every service."""
    start = day.year - (day.month < SEPTEMBER)
    return f"{start}/{start + 1}"


def demo_term_scheme_id(school_id: uuid.UUID, year_name: str) -> uuid.UUID:
    """The id of a demo school's term scheme for the year: scheduling creates the scheme under it and
    contingent's demo classes name it on their cards, so the demo's lessons can be generated."""
    return demo_id(f"term-scheme:{school_id}:{year_name}")
