"""A school's access changes one at a time: the issuing of credentials and the handling of contingent's
events (a guardian linked or unlinked, a pupil withdrawn, a teacher dismissed) each derive bindings from
what the other writes, the account or the projection. Run side by side, each would read before the other's
commit and miss it: a guardian given access while contingent linked the child would not see the child.
Both take ``UnitOfWork.lock`` on the school's name before reading.

One name per school, not per person: a batch of credentials takes this one lock and no other, so it never
holds one while waiting for another, and cannot deadlock with a consumer's batch of events."""

from __future__ import annotations

import uuid


def school_access_lock(school_id: uuid.UUID) -> str:
    """The lock name of a school's access."""
    return f"identity.school-access:{school_id}"
