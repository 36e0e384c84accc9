"""Events scheduling publishes about the school year's calendar.

Contingent keeps the term dates of each scheme (a subgroup's membership changes only at a term
boundary); the journal keeps them to lock marks when a term closes, and the holidays to skip lessons.
Every event carries ``occurred_at``, the time of the change in scheduling; consumers keep the newest.
Subjects (the regional catalogue's and schools' own) and bell schedules travel whole: the journal and
reporting show subject names and lesson times from them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from eschool.common.events.base import Event


class SubTermDates(BaseModel):
    """A sub-period of a term (seed 000, point 8: «Подпериоды»; e.g. the halves of a quarter for interim
    marks), both days included."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    sub_term_id: uuid.UUID
    number: int = Field(ge=1)
    name: str = Field(examples=["1 половина 1 четверти"])
    starts_on: date
    ends_on: date


class TermDates(BaseModel):
    """One term of a scheme (a quarter, a trimester, a half-year) and its dates, both days included."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    term_id: uuid.UUID
    number: int = Field(ge=1, description="1 for the first term of the year")
    name: str = Field(examples=["1 четверть"])
    starts_on: date
    ends_on: date
    sub_terms: list[SubTermDates] = Field(
        default_factory=list, description="The term's sub-periods, in order"
    )


class TermSchemeSavedV1(Event):
    """Emitted when a term scheme of a school is defined or its terms change; carries the whole scheme
    with every term of its year, newest wins."""

    event_type = "scheduling.term_scheme.saved.v1"

    term_scheme_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID | None = Field(default=None, description="The contingent year it is for")
    name: str = Field(examples=["Четверти, 1-4 классы"])
    terms: list[TermDates]
    occurred_at: datetime


HolidayKind = Literal["vacation", "holiday", "extra_vacation"]


class TermStep(Event):
    """What scheduling says of a term whose lifecycle moved (a base: not an event of its own)."""

    term_id: uuid.UUID
    term_scheme_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    number: int = Field(ge=1)
    name: str = Field(examples=["1 четверть"])
    occurred_at: datetime


class TermClosedV1(TermStep):
    """Emitted when a term is closed: its marks are final, the journal locks them."""

    event_type = "scheduling.term.closed.v1"

    starts_on: date
    ends_on: date


class TermReopenedV1(TermStep):
    """Emitted when a closed term is opened again, with the reason the administration gave; the journal
    unlocks its marks."""

    event_type = "scheduling.term.reopened.v1"

    reason: str = Field(examples=["Исправление итоговой отметки по решению педсовета"])


class HolidayDates(BaseModel):
    """Days without lessons: a vacation, a public holiday, extra vacation days; both days included."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    holiday_id: uuid.UUID
    kind: HolidayKind
    name: str = Field(examples=["Осенние каникулы"])
    starts_on: date
    ends_on: date
    term_scheme_id: uuid.UUID | None = Field(
        default=None, description="Only the classes of this term scheme; None: every class of the school"
    )


class HolidaysChangedV1(Event):
    """Emitted when a holiday of a school's academic year is added, changed or removed; carries the
    year's whole list, newest wins."""

    event_type = "scheduling.holidays.changed.v1"

    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    holidays: list[HolidayDates]
    occurred_at: datetime


class SubjectSavedV1(Event):
    """Emitted when a subject is added to the regional catalogue or to a school's own list, or its names
    or retirement change; carries the whole subject, newest wins. The journal and reporting show
    subject names from it."""

    event_type = "scheduling.subject.saved.v1"

    subject_id: uuid.UUID
    school_id: uuid.UUID | None = Field(
        default=None, description="The school of a school-only subject; None: the regional catalogue's"
    )
    code: str | None = Field(default=None, examples=["math"], description="The catalogue's code")
    name: str = Field(examples=["Математика"])
    short_name: str | None = Field(default=None, examples=["Матем."])
    translations: dict[str, str] = Field(
        default_factory=dict, description="The name in other languages", examples=[{"ky": "Математика"}]
    )
    retired: bool = Field(default=False, description="No longer taught; lessons keep referring to it")
    occurred_at: datetime


class BellSlot(BaseModel):
    """A numbered lesson of a bell schedule and its start and end (the school's local time)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    number: int = Field(ge=0, description="0 for a «нулевой урок», else 1, 2, ...")
    starts_at: time
    ends_at: time


class BellScheduleSavedV1(Event):
    """Emitted when a school's bell schedule is created, changed or carried into another academic year;
    carries the whole schedule with every slot, newest wins."""

    event_type = "scheduling.bell_schedule.saved.v1"

    bell_schedule_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    name: str = Field(examples=["1 смена"])
    shift: int = Field(ge=1, le=2, description="The shift the schedule's lessons belong to")
    slots: list[BellSlot]
    occurred_at: datetime


class CurriculumHours(BaseModel):
    """A subject of a curriculum and its weekly hours (one decimal: 0.5 for a lesson every other week)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    subject_id: uuid.UUID
    weekly_hours: float = Field(gt=0, le=10, examples=[2.5])


class CurriculumSavedV1(Event):
    """Emitted when a school's curriculum (учебный план) of a year is created or changed, or a class
    starts or stops following it; carries the whole curriculum with the classes following it, newest
    wins."""

    event_type = "scheduling.curriculum.saved.v1"

    curriculum_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    name: str = Field(examples=["5 классы, ФГОС ООО"])
    grade: int = Field(ge=1, le=12)
    profile: str | None = Field(default=None, examples=["технологический"])
    subjects: list[CurriculumHours]
    class_ids: list[uuid.UUID] = Field(default_factory=list, description="The classes following it")
    occurred_at: datetime


class TeachingAssignmentChangedV1(Event):
    """Emitted when a teacher is assigned a subject in a class (or one of its subgroups), their weekly
    hours change, or the assignment is removed (``removed``); the journal grants who writes where from
    it, newest wins."""

    event_type = "scheduling.teaching_assignment.changed.v1"

    teaching_assignment_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    class_id: uuid.UUID
    subgroup_id: uuid.UUID | None = Field(default=None, description="None: the whole class")
    subject_id: uuid.UUID
    teacher_person_id: uuid.UUID
    weekly_hours: float = Field(ge=0, le=10, examples=[3])
    removed: bool = False
    occurred_at: datetime


class TimetableLesson(BaseModel):
    """A lesson of a class's weekly timetable: weekday, bell slot with its times, subject, teacher, room
    (None: not said) and subgroup (None: the whole class)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    timetable_entry_id: uuid.UUID
    weekday: int = Field(ge=1, le=7, description="1 for Monday")
    slot_number: int = Field(ge=0)
    starts_at: time
    ends_at: time
    subject_id: uuid.UUID
    teacher_person_id: uuid.UUID
    room_id: uuid.UUID | None = None
    subgroup_id: uuid.UUID | None = None


class TimetablePublishedV1(Event):
    """Emitted when a class's weekly timetable is set from a date: ``lessons`` is the whole week from
    ``valid_from`` on (empty: none); the week before holds until the day before, a week set earlier for
    a later date is gone. Lessons generation and the journal rebuild the class's lessons from it."""

    event_type = "scheduling.timetable.published.v1"

    class_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    valid_from: date
    bell_schedule_id: uuid.UUID
    lessons: list[TimetableLesson]
    occurred_at: datetime


class LessonData(BaseModel):
    """A dated lesson as the journal keeps it: where it stands now and what it is."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    lesson_id: uuid.UUID
    school_id: uuid.UUID
    class_id: uuid.UUID
    subgroup_id: uuid.UUID | None = Field(default=None, description="None: the whole class")
    term_id: uuid.UUID
    subject_id: uuid.UUID
    teacher_person_id: uuid.UUID
    room_id: uuid.UUID | None = None
    lesson_on: date
    slot_number: int = Field(ge=0)
    starts_at: time
    ends_at: time
    timetable_entry_id: uuid.UUID | None = None


class LessonsScheduledV1(Event):
    """Emitted when dated lessons of one class are generated from its timetable (a term's generation, or
    the regeneration after a timetable change from a date): the class's new lessons together, at most
    ``MAX_LESSONS_PER_MESSAGE`` a message. One message per class, not per lesson: a school's term is about
    ten thousand lessons, and the journal takes a class's lessons at once."""

    event_type = "scheduling.lessons.scheduled.v1"

    school_id: uuid.UUID
    class_id: uuid.UUID
    term_id: uuid.UUID
    lessons: list[LessonData]
    occurred_at: datetime


MAX_LESSONS_PER_MESSAGE = 500


class LessonMovedV1(Event):
    """Emitted when a lesson is moved by hand to another day or slot: ``lesson`` is where it is now."""

    event_type = "scheduling.lesson.moved.v1"

    lesson: LessonData
    from_on: date
    from_slot_number: int = Field(ge=0)
    occurred_at: datetime


class LessonCancelledV1(Event):
    """Emitted when a lesson is cancelled by hand (``reason`` said), or dropped because the timetable
    changed from a date (``replaced``: a lesson generated from the new timetable takes its place)."""

    event_type = "scheduling.lesson.cancelled.v1"

    lesson: LessonData
    reason: str = Field(examples=["Карантин"])
    replaced: bool = False
    occurred_at: datetime


class PlannedTopic(BaseModel):
    """A topic of a thematic plan, in the plan's order: the journal shows it as the default topic of the
    class's lessons of the subject, one lesson per hour."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    number: int = Field(ge=1, examples=[1])
    title: str = Field(examples=["Натуральные числа и шкалы"])
    hours: int = Field(ge=1, examples=[2])
    section: str | None = Field(default=None, examples=["Глава 1. Натуральные числа"])
    lesson_type: str | None = Field(default=None, examples=["контрольная работа"])


class ThematicPlanChangedV1(Event):
    """Emitted when a class's thematic plan (КТП) of a subject is saved, imported or copied from the
    previous year with other topics than it had; carries the whole plan, newest wins (``version``)."""

    event_type = "scheduling.thematic_plan.changed.v1"

    thematic_plan_id: uuid.UUID
    school_id: uuid.UUID
    academic_year_id: uuid.UUID
    class_id: uuid.UUID
    subject_id: uuid.UUID
    topics: list[PlannedTopic]
    total_hours: int = Field(ge=0, examples=[170])
    version: int = Field(ge=1)
    occurred_at: datetime


class LessonTopic(BaseModel):
    """A lesson's planned topic (``number`` and ``title`` None: no topic of the plan falls on it)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    lesson_id: uuid.UUID
    number: int | None = Field(default=None, ge=1, examples=[1])
    title: str | None = Field(default=None, examples=["Натуральные числа и шкалы"])


class LessonTopicsChangedV1(Event):
    """Emitted when the planned topics of a class's (or subgroup's) lessons of a subject change: after
    its thematic plan changed, lessons were generated or regenerated, or one was cancelled or moved.
    Carries every lesson of the class, subject and subgroup in the year, the scheduled ones taking the
    plan's topics in order (one lesson per hour); the journal keeps each as the lesson's default topic,
    newest wins (``occurred_at``)."""

    event_type = "scheduling.lesson_topics.changed.v1"

    school_id: uuid.UUID
    class_id: uuid.UUID
    subject_id: uuid.UUID
    subgroup_id: uuid.UUID | None = Field(default=None, description="None: the whole class")
    lessons: list[LessonTopic]
    occurred_at: datetime


class IndividualCurriculumSavedV1(Event):
    """Emitted when a pupil's individual curriculum (ИУП) in a class is created, changed or removed
    (``removed``); carries the pupil's subjects with their weekly hours from ``from_on`` (the class's
    curriculum with the individual changes applied, as on the day of saving), newest wins. The reason
    is not carried: it may speak of the pupil's health."""

    event_type = "scheduling.individual_curriculum.saved.v1"

    individual_curriculum_id: uuid.UUID
    school_id: uuid.UUID
    class_id: uuid.UUID
    person_id: uuid.UUID = Field(description="The pupil")
    from_on: date
    subjects: list[CurriculumHours]
    removed: bool = False
    occurred_at: datetime


class SubstitutionAssignedV1(Event):
    """Emitted when another teacher of the same subject is to teach a lesson in place of its own (ill,
    away, dismissed): the journal lets the substitute write in that lesson and marks it taught by a
    substitute."""

    event_type = "scheduling.substitution.assigned.v1"

    substitution_id: uuid.UUID
    lesson: LessonData
    substitute_person_id: uuid.UUID
    reason: str | None = None
    occurred_at: datetime


class SubstitutionRemovedV1(Event):
    """Emitted when a substitution is withdrawn: the lesson's own teacher teaches it again."""

    event_type = "scheduling.substitution.removed.v1"

    substitution_id: uuid.UUID
    lesson_id: uuid.UUID
    school_id: uuid.UUID
    substitute_person_id: uuid.UUID
    occurred_at: datetime
