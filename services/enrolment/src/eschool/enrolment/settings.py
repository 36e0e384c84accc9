"""Enrolment's settings (env prefix ``ENROLMENT_``)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from eschool.common.settings import ServiceSettings
from eschool.common.snils import DEV_SNILS_HMAC_KEY


class EnrolmentSettings(ServiceSettings):
    """The SNILS key shared with contingent and identity: a declared SNILS is kept only as its keyed hash.
    The periodic tasks' rhythm (``tasks``): every replica ticks, one runs each due task."""

    model_config = SettingsConfigDict(env_prefix="ENROLMENT_")

    snils_hmac_key: SecretStr = DEV_SNILS_HMAC_KEY
    periodic_tick_s: float = Field(default=30.0, ge=0, description="0: this process runs no periodic task")
    automatic_steps_every_s: float = Field(default=300.0, gt=0)
    answer_check_every_s: float = Field(default=60.0, gt=0)
    answer_timeout_s: float = Field(
        default=3600.0, gt=0, description="Contingent's answer to an assignment is overdue after this"
    )
    feed_retention_days: int = Field(
        default=90, ge=1, description="How far back partners may replay the feed"
    )
