"""Enrolment's settings (env prefix ``ENROLMENT_``)."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from eschool.common.settings import ServiceSettings
from eschool.common.snils import DEV_SNILS_HMAC_KEY


class EnrolmentSettings(ServiceSettings):
    """The SNILS key shared with contingent and identity: a declared SNILS is kept only as its keyed hash."""

    model_config = SettingsConfigDict(env_prefix="ENROLMENT_")

    snils_hmac_key: SecretStr = DEV_SNILS_HMAC_KEY
