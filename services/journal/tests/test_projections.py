"""The journal's projections of contingent's and scheduling's facts: the world lands, each event counts
once however often it is delivered, and an older fact arriving late never undoes a newer one."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import TypeVar

from eschool.common.db import as_utc, utcnow
from eschool.common.events.contingent import (
    ClassSavedV1,
    FullName,
    GuardianLinkedV1,
    GuardianUnlinkedV1,
    PersonChangedV1,
    PupilEnrolledV1,
    PupilTransferredV1,
    PupilWithdrawnV1,
)
from eschool.common.events.scheduling import (
    LessonCancelledV1,
    LessonData,
    LessonMovedV1,
    LessonsScheduledV1,
    LessonTopic,
    LessonTopicsChangedV1,
    SubstitutionAssignedV1,
    SubstitutionRemovedV1,
    TermClosedV1,
    TermDates,
    TermReopenedV1,
    TermSchemeSavedV1,
)
from eschool.common.service import ServiceRuntime
from eschool.common.testing.events import Deliver
from eschool.journal.db.projection_queries import Projections
from eschool.journal.db.schedule import Lesson

from .journal_world import ENGLISH_DAYS, MATHS_DAYS, TERM_1, World, lesson_data, term_1_closed

MINUTE = timedelta(minutes=1)
T = TypeVar("T")


async def ask(journal: ServiceRuntime, query: Callable[[Projections], Awaitable[T]]) -> T:
    """The answer of one query of the journal's projections."""
    async with journal.database.uow() as uow:
        return await query(Projections(uow.session))


async def lesson(journal: ServiceRuntime, lesson_id: uuid.UUID) -> Lesson:
    found = await ask(journal, lambda p: p.lesson(lesson_id))
    assert found is not None
    return found


async def twice(deliver: Deliver, event: object) -> None:
    """Deliver the event, then its redelivery (the same id)."""
    event_id = uuid.uuid4()
    await deliver(event, event_id=event_id)
    await deliver(event, event_id=event_id)


def name(last: str) -> FullName:
    return FullName(last_name=last, first_name="Анна")


def enrolled(
    w: World, pupil: uuid.UUID, on: date, *, at: datetime | None = None, last: str = "Новая"
) -> PupilEnrolledV1:
    return PupilEnrolledV1(
        person_id=pupil,
        school_id=w.school,
        class_id=w.class_5a,
        academic_year_id=w.year,
        enrolled_on=on,
        name=name(last),
        occurred_at=at or utcnow(),
    )


def scheme(w: World, term_1: tuple[date, date], at: datetime) -> TermSchemeSavedV1:
    terms = [TermDates(term_id=w.term_1, number=1, name="1 четверть", starts_on=term_1[0], ends_on=term_1[1])]
    return TermSchemeSavedV1(
        term_scheme_id=w.scheme,
        school_id=w.school,
        academic_year_id=w.year,
        name="Ч",
        terms=terms,
        occurred_at=at,
    )


async def test_the_world_lands_in_the_projections(journal: ServiceRuntime, world: World) -> None:
    w = world
    maths = await lesson(journal, w.maths_lessons[0])
    assert sorted(await ask(journal, lambda p: p.lesson_roster(maths))) == sorted(w.pupils)
    english = await lesson(journal, w.english_lessons[0])
    assert sorted(await ask(journal, lambda p: p.lesson_roster(english))) == sorted(w.pupils[:2])
    first_grade = await ask(journal, lambda p: p.class_of(w.class_1a))
    assert first_grade is not None
    assert (first_grade.grade, first_grade.title) == (1, "1 А")
    names = await ask(journal, lambda p: p.names(w.pupils))
    assert names[w.pupils[0]].last_name == "Иванов"
    assert await ask(journal, lambda p: p.class_teacher_of(w.class_5a)) == w.maths_teacher
    assert await ask(journal, lambda p: p.guardian_of(w.guardian, w.pupils[0]))
    assert not await ask(journal, lambda p: p.guardian_of(w.guardian, w.pupils[1]))
    assert await ask(journal, lambda p: p.children_of(w.guardian)) == [(w.pupils[0], w.school)]
    assert await ask(journal, lambda p: p.school_time_zone(w.school)) == "Europe/Moscow"
    term = await ask(journal, lambda p: p.term(w.term_1))
    assert term is not None
    assert (term.starts_on, term.ends_on, term.closed) == (*TERM_1, False)
    stays = await ask(journal, lambda p: p.classes_of_pupil_on(w.pupils[0], MATHS_DAYS[0]))
    assert [s.class_id for s in stays] == [w.class_5a]
    assert await ask(journal, lambda p: p.active_substitute(maths.lesson_id)) is None


async def test_contingent_events_delivered_twice_count_once(
    journal: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    w, pupil, at = world, uuid.uuid4(), utcnow()
    await twice(deliver, enrolled(w, pupil, date(2025, 9, 10), at=at))
    await twice(
        deliver,
        PupilWithdrawnV1(
            person_id=pupil,
            school_id=w.school,
            withdrawn_on=date(2025, 9, 15),
            class_id=w.class_5a,
            occurred_at=at + MINUTE,
        ),
    )
    link_id = uuid.uuid4()
    link = GuardianLinkedV1(
        guardian_person_id=w.guardian,
        pupil_person_id=pupil,
        school_id=w.school,
        kind="father",
        occurred_at=at,
    )
    await deliver(link, event_id=link_id)
    await deliver(link, event_id=link_id)
    # The same id carrying another fact is a redelivery, not a new fact: the inbox drops it.
    unlink = GuardianUnlinkedV1(
        guardian_person_id=w.guardian, pupil_person_id=pupil, school_id=w.school, occurred_at=at + MINUTE
    )
    await deliver(unlink, event_id=link_id)
    assert await ask(journal, lambda p: p.guardian_of(w.guardian, pupil))
    assert pupil in await ask(journal, lambda p: p.roster_on(w.school, w.class_5a, date(2025, 9, 12)))
    assert pupil not in await ask(journal, lambda p: p.roster_on(w.school, w.class_5a, date(2025, 9, 16)))
    assert (await ask(journal, lambda p: p.names([pupil])))[pupil].last_name == "Новая"


async def test_scheduling_events_delivered_twice_count_once(
    journal: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    w, at = world, utcnow()
    new = lesson_data(w, uuid.uuid4(), date(2025, 9, 19), subject=w.maths, teacher=w.maths_teacher)
    event_id = uuid.uuid4()
    scheduled = LessonsScheduledV1(
        school_id=w.school, class_id=w.class_5a, term_id=w.term_1, lessons=[new], occurred_at=at
    )
    await deliver(scheduled, event_id=event_id)
    await deliver(scheduled, event_id=event_id)
    cancelled = LessonCancelledV1(lesson=new, reason="Карантин", occurred_at=at + MINUTE)
    await deliver(cancelled, event_id=event_id)
    assert not (await lesson(journal, new.lesson_id)).cancelled
    substitution = SubstitutionAssignedV1(
        substitution_id=uuid.uuid4(), lesson=new, substitute_person_id=w.other_teacher, occurred_at=at
    )
    await twice(deliver, substitution)
    assert await ask(journal, lambda p: p.active_substitute(new.lesson_id)) == w.other_teacher
    await twice(deliver, term_1_closed(w, at))
    term = await ask(journal, lambda p: p.term(w.term_1))
    assert term is not None
    assert term.closed
    assert as_utc(term.state_version) == at  # type: ignore[arg-type]


async def test_a_term_closed_before_its_scheme_keeps_its_state_and_takes_the_schemes_dates(
    journal: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    w, at, term_id = world, utcnow(), uuid.uuid4()
    closed = TermClosedV1(
        term_id=term_id,
        term_scheme_id=w.scheme,
        school_id=w.school,
        academic_year_id=w.year,
        number=3,
        name="3 четверть",
        starts_on=date(2026, 1, 12),
        ends_on=date(2026, 3, 20),
        occurred_at=at,
    )
    await deliver(closed)
    dates = TermDates(
        term_id=term_id, number=3, name="III четверть", starts_on=date(2026, 1, 11), ends_on=date(2026, 3, 21)
    )
    await deliver(
        TermSchemeSavedV1(
            term_scheme_id=w.scheme,
            school_id=w.school,
            academic_year_id=w.year,
            name="Ч",
            terms=[dates],
            occurred_at=at - MINUTE,
        )
    )
    term = await ask(journal, lambda p: p.term(term_id))
    assert term is not None
    assert term.closed
    assert (term.name, term.starts_on, term.ends_on) == ("III четверть", date(2026, 1, 11), date(2026, 3, 21))
    reopened = TermReopenedV1(
        **closed.model_dump(exclude={"starts_on", "ends_on", "occurred_at"}),
        reason="Педсовет",
        occurred_at=at - 2 * MINUTE,
    )
    await deliver(reopened)
    assert (await ask(journal, lambda p: p.term(term_id))).closed  # type: ignore[union-attr]
    await deliver(reopened.model_copy(update={"occurred_at": at + MINUTE}))
    assert not (await ask(journal, lambda p: p.term(term_id))).closed  # type: ignore[union-attr]


async def test_an_older_scheme_save_after_a_newer_changes_nothing(
    journal: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    w, at = world, utcnow()
    await deliver(scheme(w, (date(2025, 9, 2), date(2025, 10, 30)), at))
    await deliver(scheme(w, (date(2025, 9, 3), date(2025, 10, 31)), at - MINUTE))
    term = await ask(journal, lambda p: p.term(w.term_1))
    assert term is not None
    assert (term.starts_on, term.ends_on) == (date(2025, 9, 2), date(2025, 10, 30))


async def test_a_cancelled_lesson_stays_cancelled_when_an_older_schedule_arrives(
    journal: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    w, at = world, utcnow()
    maths = lesson_data(w, w.maths_lessons[1], MATHS_DAYS[1], subject=w.maths, teacher=w.maths_teacher)
    await deliver(LessonCancelledV1(lesson=maths, reason="Карантин", occurred_at=at))
    await deliver(
        LessonsScheduledV1(
            school_id=w.school,
            class_id=w.class_5a,
            term_id=w.term_1,
            lessons=[maths],
            occurred_at=at - MINUTE,
        )
    )
    assert (await lesson(journal, maths.lesson_id)).cancelled


async def test_a_removed_substitution_stays_removed_when_an_older_assignment_arrives(
    journal: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    w, at, substitution_id = world, utcnow(), uuid.uuid4()
    maths = lesson_data(w, w.maths_lessons[2], MATHS_DAYS[2], subject=w.maths, teacher=w.maths_teacher)
    await deliver(
        SubstitutionRemovedV1(
            substitution_id=substitution_id,
            lesson_id=maths.lesson_id,
            school_id=w.school,
            substitute_person_id=w.other_teacher,
            occurred_at=at,
        )
    )
    await deliver(
        SubstitutionAssignedV1(
            substitution_id=substitution_id,
            lesson=maths,
            substitute_person_id=w.other_teacher,
            occurred_at=at - MINUTE,
        )
    )
    assert await ask(journal, lambda p: p.active_substitute(maths.lesson_id)) is None


async def test_an_unlinked_guardian_stays_unlinked_when_an_older_link_arrives(
    journal: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    w, at = world, utcnow()
    ids = {"guardian_person_id": w.guardian, "pupil_person_id": w.pupils[0], "school_id": w.school}
    await deliver(GuardianUnlinkedV1(**ids, occurred_at=at))
    await deliver(GuardianLinkedV1(**ids, kind="mother", occurred_at=at - MINUTE))
    assert not await ask(journal, lambda p: p.guardian_of(w.guardian, w.pupils[0]))
    assert await ask(journal, lambda p: p.children_of(w.guardian)) == []


async def test_a_withdrawal_before_the_enrolment_keeps_the_first_day_and_the_end(
    journal: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    w, at, pupil = world, utcnow(), uuid.uuid4()
    await deliver(
        PupilWithdrawnV1(
            person_id=pupil,
            school_id=w.school,
            withdrawn_on=date(2025, 9, 15),
            class_id=w.class_5a,
            occurred_at=at,
        )
    )
    await deliver(enrolled(w, pupil, date(2025, 9, 10), at=at - MINUTE))
    roster = {
        day: await ask(journal, lambda p, d=day: p.roster_on(w.school, w.class_5a, d)) for day in MATHS_DAYS
    }
    assert [pupil in roster[day] for day in MATHS_DAYS] == [False, True, True, True, False]


async def test_a_name_corrected_before_the_enrolment_is_the_one_kept(
    journal: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    w, at, pupil = world, utcnow(), uuid.uuid4()
    await deliver(
        PersonChangedV1(person_id=pupil, name=name("Исправленная"), snils_hash=None, occurred_at=at)
    )
    await deliver(enrolled(w, pupil, date(2025, 9, 1), at=at - MINUTE, last="Прежняя"))
    assert (await ask(journal, lambda p: p.names([pupil])))[pupil].last_name == "Исправленная"


async def test_a_moved_lesson_is_taught_to_the_roster_of_its_new_day(
    journal: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    w, at, newcomer = world, utcnow(), uuid.uuid4()
    await deliver(enrolled(w, newcomer, MATHS_DAYS[2], at=at))
    first = lesson_data(w, w.maths_lessons[0], MATHS_DAYS[0], subject=w.maths, teacher=w.maths_teacher)
    moved = first.model_copy(update={"lesson_on": MATHS_DAYS[3], "slot_number": 4})
    await deliver(LessonMovedV1(lesson=moved, from_on=MATHS_DAYS[0], from_slot_number=1, occurred_at=at))
    kept = await lesson(journal, first.lesson_id)
    assert (kept.lesson_on, kept.slot_number, kept.cancelled) == (MATHS_DAYS[3], 4, False)
    assert sorted(await ask(journal, lambda p: p.lesson_roster(kept))) == sorted([*w.pupils, newcomer])
    assert newcomer not in await ask(journal, lambda p: p.roster_on(w.school, w.class_5a, MATHS_DAYS[0]))


async def test_a_transfer_moves_the_pupil_between_the_rosters_from_the_day(
    journal: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    w, pupil, day = world, world.pupils[2], MATHS_DAYS[2]
    await deliver(
        PupilTransferredV1(
            person_id=pupil,
            school_id=w.school,
            from_class_id=w.class_5a,
            to_class_id=w.class_1a,
            transferred_on=day,
            occurred_at=utcnow(),
        )
    )
    assert pupil in await ask(journal, lambda p: p.roster_on(w.school, w.class_5a, day - timedelta(days=1)))
    assert pupil not in await ask(journal, lambda p: p.roster_on(w.school, w.class_5a, day))
    assert pupil in await ask(journal, lambda p: p.roster_on(w.school, w.class_1a, day))
    assert pupil not in await ask(
        journal, lambda p: p.roster_on(w.school, w.class_1a, day - timedelta(days=1))
    )
    stays = await ask(journal, lambda p: p.classes_of_pupil_on(pupil, day))
    assert [s.class_id for s in stays] == [w.class_1a]


def topics_of(
    w: World, lessons: list[LessonData], titles: list[str | None], when: datetime
) -> LessonTopicsChangedV1:
    """Scheduling's planned topics of the lessons (all of one class, subject and subgroup)."""
    first = lessons[0]
    return LessonTopicsChangedV1(
        school_id=w.school,
        class_id=first.class_id,
        subject_id=first.subject_id,
        subgroup_id=first.subgroup_id,
        lessons=[
            LessonTopic(lesson_id=x.lesson_id, number=n if t else None, title=t)
            for n, (x, t) in enumerate(zip(lessons, titles, strict=True), start=1)
        ],
        occurred_at=when,
    )


async def test_planned_topics_keep_the_newest_and_survive_a_rescheduling(
    journal: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    w, at = world, utcnow()
    english = [
        lesson_data(
            w, lid, day, subject=w.english, teacher=w.english_teacher, subgroup=w.english_group, slot=2
        )
        for lid, day in zip(w.english_lessons, ENGLISH_DAYS, strict=True)
    ]

    await deliver(topics_of(w, english, ["Present Simple", None], at))
    await deliver(topics_of(w, english, ["Alphabet", "Numbers"], at - MINUTE))
    await deliver(
        LessonsScheduledV1(
            school_id=w.school,
            class_id=w.class_5a,
            term_id=w.term_1,
            lessons=english,
            occurred_at=at + MINUTE,
        )
    )
    kept = [await lesson(journal, x.lesson_id) for x in english]
    assert [x.planned_topic for x in kept] == ["Present Simple", None]


async def test_planned_topics_that_come_before_their_lessons_wait_for_them(
    journal: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    w, at = world, utcnow()
    new_lessons = [
        lesson_data(
            w, uuid.uuid4(), MATHS_DAYS[0] + timedelta(days=7 * i), subject=w.maths, teacher=w.maths_teacher
        )
        for i in (1, 2)
    ]

    # The topics come first (the lessons' event was retried), twice, and an older plan after them.
    await twice(deliver, topics_of(w, new_lessons, ["Дроби", "Проценты"], at))
    await deliver(topics_of(w, new_lessons, ["Старая тема", "Старая тема"], at - MINUTE))
    scheduled = LessonsScheduledV1(
        school_id=w.school,
        class_id=w.class_5a,
        term_id=w.term_1,
        lessons=new_lessons,
        occurred_at=at - MINUTE,
    )
    await twice(deliver, scheduled)
    kept = [await lesson(journal, x.lesson_id) for x in new_lessons]
    assert [x.planned_topic for x in kept] == ["Дроби", "Проценты"]
    # Once taken, a topic no longer waits: a newer plan changes the lessons as usual.
    await deliver(topics_of(w, new_lessons, ["Дроби", "Проценты и доли"], at + MINUTE))
    kept = [await lesson(journal, x.lesson_id) for x in new_lessons]
    assert [x.planned_topic for x in kept] == ["Дроби", "Проценты и доли"]


async def test_a_class_term_of_lessons_lands_at_once(
    journal: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    w, at = world, utcnow()
    days = [TERM_1[0] + timedelta(days=i // 6) for i in range(500)]
    lessons = [
        lesson_data(w, uuid.uuid4(), day, subject=w.maths, teacher=w.maths_teacher, slot=1 + i % 6)
        for i, day in enumerate(days)
    ]
    await deliver(
        LessonsScheduledV1(
            school_id=w.school, class_id=w.class_5a, term_id=w.term_1, lessons=lessons, occurred_at=at
        )
    )
    kept = await lesson(journal, lessons[-1].lesson_id)
    assert (kept.lesson_on, kept.slot_number, as_utc(kept.source_version)) == (days[-1], 1 + 499 % 6, at)


async def test_a_new_class_card_replaces_the_older(
    journal: ServiceRuntime, world: World, deliver: Deliver
) -> None:
    w, at = world, utcnow()
    card = ClassSavedV1(
        class_id=w.class_1a,
        school_id=w.school,
        academic_year_id=w.year,
        grade=2,
        letter="Б",
        kind="general",
        profile=None,
        shift=1,
        term_scheme_id=w.scheme,
        max_size=25,
        class_teacher_person_id=w.other_teacher,
        occurred_at=at,
    )
    await deliver(card)
    await deliver(card.model_copy(update={"grade": 3, "occurred_at": at - MINUTE}))
    kept = await ask(journal, lambda p: p.class_of(w.class_1a))
    assert kept is not None
    assert kept.title == "2 Б"
    assert await ask(journal, lambda p: p.class_teacher_of(w.class_1a)) == w.other_teacher
