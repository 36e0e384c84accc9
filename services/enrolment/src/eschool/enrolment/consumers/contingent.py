"""Contingent's org tree: which units are schools, and which are open (an application names one)."""

from __future__ import annotations

from eschool.common.bus import ConsumerDefinition
from eschool.common.db.contingent_projection import OrgTreeProjection
from eschool.enrolment.db import metadata

PROJECTION = OrgTreeProjection.of(metadata())
CONTINGENT_EVENTS = ConsumerDefinition.of("enrolment.contingent-events", PROJECTION.handlers())
