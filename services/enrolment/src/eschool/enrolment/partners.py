"""The partner exchange as enrolment feeds it: the events of its partner feed, by exact type."""

from __future__ import annotations

from eschool.common.bus import PartnerExchangeSpec
from eschool.common.events.enrolment import PARTNER_EVENT_TYPES
from eschool.common.service import ServiceRuntime

PARTNER_EXCHANGE_SPEC = PartnerExchangeSpec(bindings=PARTNER_EVENT_TYPES)


async def declare_partner_exchange(runtime: ServiceRuntime) -> None:
    """Start hook: declare the partner exchange bound from the events exchange (idempotent)."""
    await runtime.transport.declare_partner_exchange(PARTNER_EXCHANGE_SPEC)
