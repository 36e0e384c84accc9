"""The journal's settings (env prefix ``JOURNAL_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from eschool.common.settings import ServiceSettings


class JournalSettings(ServiceSettings):
    """What every service has, the limits of homework attachments, and how long the archive keeps what."""

    model_config = SettingsConfigDict(env_prefix="JOURNAL_")

    # A homework attachment larger than this is refused (413).
    attachment_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0, le=100 * 1024 * 1024)
    # How long make run's demo waits for scheduling's lessons to arrive before giving up (s).
    demo_wait_s: float = 180.0
    # Once lessons have come, this long with no new one and the demo is taken as recorded (s).
    demo_quiet_s: float = 20.0
    # Seed 004, 6.5: an archived year's journals are kept 5 years, its summary sheets of final marks 25.
    journals_retention_years: int = Field(default=5, ge=1)
    summary_sheets_retention_years: int = Field(default=25, ge=1)
