"""Enrolment's periodic tasks (``eschool.common.periodic``): the automatic steps of the schools'
settings, the saga's timeout, and the partner feed's retention. Every process of the service ticks; each
due task runs in one of them."""

from __future__ import annotations

from datetime import timedelta

from eschool.common.periodic import PeriodicRunner, PeriodicTask
from eschool.common.service import ServiceRuntime
from eschool.enrolment.db.models import PeriodicTaskRow
from eschool.enrolment.services.automatic import answer_timeout, automatic_steps
from eschool.enrolment.services.feed import feed_retention
from eschool.enrolment.settings import EnrolmentSettings


def periodic_tasks(settings: EnrolmentSettings) -> list[PeriodicTask]:
    """The tasks and their intervals, from the settings."""
    return [
        PeriodicTask(
            "enrolment.automatic_steps", timedelta(seconds=settings.automatic_steps_every_s), automatic_steps
        ),
        PeriodicTask(
            "enrolment.answer_timeout",
            timedelta(seconds=settings.answer_check_every_s),
            answer_timeout(timedelta(seconds=settings.answer_timeout_s)),
        ),
        PeriodicTask(
            "enrolment.feed_retention",
            timedelta(hours=1),
            feed_retention(timedelta(days=settings.feed_retention_days)),
        ),
    ]


def periodic_runner(runtime: ServiceRuntime) -> PeriodicRunner | None:
    """The service's worker ticking the tasks (none if the settings say this process runs none)."""
    settings = runtime.settings
    assert isinstance(settings, EnrolmentSettings)
    if settings.periodic_tick_s <= 0:
        return None
    return PeriodicRunner(
        runtime.database, PeriodicTaskRow.__table__, periodic_tasks(settings), tick=settings.periodic_tick_s
    )
