"""The demo region's fixed identifiers, shared by every service's demo data (``make run`` only).

Each service loads its own part of the demo (identity the accounts, contingent the org tree and the
pupils, ...) and they meet on these ids, so no service needs another's database to build the demo.
"""

from __future__ import annotations

import uuid

_NAMESPACE = uuid.UUID("6f1d3c52-54d8-4b8e-9a4e-2f8a9e0c1d01")


def demo_id(name: str) -> uuid.UUID:
    """A stable id for a named demo object (``school:1``, ``person:teacher``...)."""
    return uuid.uuid5(_NAMESPACE, name)


REGION_ID = demo_id("org:region")
MUNICIPALITY_ID = demo_id("org:municipality")
SCHOOL_ID = demo_id("org:school:1")
