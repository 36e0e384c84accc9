"""Contingent's settings (env prefix ``CONTINGENT_``)."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from eschool.common.settings import ServiceSettings
from eschool.common.snils import DEV_SNILS_HMAC_KEY


class ContingentSettings(ServiceSettings):
    """The SNILS key shared with identity, and the region's defaults."""

    model_config = SettingsConfigDict(env_prefix="CONTINGENT_")

    # Shared with identity: events carry eschool.common.snils.snils_hash under it, never the SNILS.
    snils_hmac_key: SecretStr = DEV_SNILS_HMAC_KEY
    # A new school's time zone until its card says otherwise (IANA name).
    default_time_zone: str = "Europe/Moscow"
