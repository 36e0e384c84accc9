"""The identity service's definition for the platform."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from eschool.common.service import ServiceDefinition, ServiceRuntime
from eschool.identity.api.external import attach_external_provider, detach_external_provider
from eschool.identity.api.routes import routers
from eschool.identity.api.verifier import own_verifier
from eschool.identity.consumers.contingent import CONTINGENT_EVENTS
from eschool.identity.demo import DEMO_LINES, load_demo_accounts
from eschool.identity.services.keys import active_key
from eschool.identity.settings import IdentitySettings


async def ensure_signing_key(runtime: ServiceRuntime) -> None:
    """Make sure a signing key exists at start, so the JWKS is never empty for other services."""
    settings = runtime.settings
    assert isinstance(settings, IdentitySettings)
    async with runtime.database.uow() as uow:
        await active_key(
            uow,
            secret=settings.secret_key.get_secret_value().encode(),
            rotate_after=timedelta(days=settings.signing_key_rotation_days),
        )


service = ServiceDefinition(
    name="identity",
    title="eschool identity",
    settings=IdentitySettings,
    migrations=Path(__file__).resolve().parents[3] / "migrations",
    routers=routers,
    consumers=[CONTINGENT_EVENTS],
    on_start=[ensure_signing_key, load_demo_accounts, attach_external_provider],
    on_stop=[detach_external_provider],
    verifier=own_verifier,
    demo_lines=DEMO_LINES,
)
