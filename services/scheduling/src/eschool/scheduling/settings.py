"""Scheduling's settings (env prefix ``SCHEDULING_``)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from eschool.common.settings import ServiceSettings


class SchedulingSettings(ServiceSettings):
    """What every service has; the calendar needs nothing of its own yet."""

    model_config = SettingsConfigDict(env_prefix="SCHEDULING_")

    # How long make run's demo waits for contingent's academic years to arrive before giving up (s).
    demo_wait_s: float = 120.0
    # A teacher's weekly hours above which the teaching-load check flags them.
    max_weekly_load: Decimal = Field(default=Decimal(36), gt=0, le=80)
