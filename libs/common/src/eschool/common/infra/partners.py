"""A partner's own broker account: its ``partner.<name>.*`` queues bound to the partner exchange, no more.

RabbitMQ checks configure on a queue to declare or delete it, write on the queue and read on the exchange
to bind one to the other, read on a queue to consume from it, and write on an exchange to publish to it.
So the account configures and writes only its own names, and reads them and the partner exchange: it can
bind its queue there and consume, and is refused anything on ``eschool.events``, another partner's queues,
and publishing to any exchange of ours.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import httpx

from eschool.common.bus.topology import PARTNER_EXCHANGE
from eschool.common.infra.rabbitmq import GUEST

# No dots: partner "a" would otherwise own the queues of partner "a.b" through its "partner\.a\..*".
PARTNER_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
# A partner's queue that rejects a publish (x-overflow reject-publish) nacks the publish into
# eschool.events, and enrolment's relay would retry that batch for ever. On quorum queues this policy
# wins over the partner's argument (on classic queues the argument wins: see contracts/partners.md); the
# size cap keeps a queue nobody reads from filling the broker's disk.
PARTNER_QUEUE_POLICY = "eschool-partner-queues"
PARTNER_QUEUE_LIMITS = {"overflow": "drop-head", "max-length-bytes": 256 * 1024 * 1024}


def partner_user(partner: str) -> str:
    """The broker user of a partner (prefixed, so no partner can take over a service's user)."""
    if not PARTNER_NAME.fullmatch(partner):
        raise ValueError(f"partner name {partner!r}: lowercase letters, digits, '-' and '_' only")
    return f"partner.{partner}"


def partner_permissions(partner: str) -> dict[str, str]:
    """The configure, write and read patterns of a partner's account on the vhost."""
    partner_user(partner)  # refuses a name that would widen the patterns
    own = rf"partner\.{partner}\..*"
    exchange = re.escape(PARTNER_EXCHANGE)
    return {"configure": f"^{own}$", "write": f"^{own}$", "read": f"^({exchange}|{own})$"}


def create_partner_account(
    management_url: str, vhost: str, partner: str, password: str, *, auth: tuple[str, str] = GUEST
) -> str:
    """Creates (or updates) a partner's user, its rights on the vhost and partner queues' limits: the user."""
    user = partner_user(partner)
    name, vhost_name = quote(user, safe=""), quote(vhost, safe="")
    with httpx.Client(base_url=management_url, auth=auth, timeout=30) as client:
        # No tags: the account cannot log in to the management UI or its HTTP API.
        client.put(f"/api/users/{name}", json={"password": password, "tags": ""}).raise_for_status()
        rights = partner_permissions(partner)
        client.put(f"/api/permissions/{vhost_name}/{name}", json=rights).raise_for_status()
        policy = {
            "pattern": r"^partner\.",
            "apply-to": "queues",
            "priority": 10,
            "definition": PARTNER_QUEUE_LIMITS,
        }
        client.put(f"/api/policies/{vhost_name}/{PARTNER_QUEUE_POLICY}", json=policy).raise_for_status()
    return user


def delete_partner_account(management_url: str, partner: str, *, auth: tuple[str, str] = GUEST) -> None:
    """Deletes a partner's user (its queues stay until deleted); a missing user is not an error."""
    url = f"{management_url.rstrip('/')}/api/users/{quote(partner_user(partner), safe='')}"
    response = httpx.delete(url, auth=auth, timeout=30)
    if response.status_code != 404:
        response.raise_for_status()
