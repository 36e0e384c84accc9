"""The subjects a school teaches (seed 001: «Назначение предметов» starts from them): chosen from the
regional catalogue or its own (an elective), retired when it stops teaching them, never deleted."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import conflict, unprocessable
from eschool.scheduling.db.setup_repositories import Subjects
from eschool.scheduling.db.subjects import SchoolSubject, Subject
from eschool.scheduling.domain.names import name_key
from eschool.scheduling.domain.subjects import SubjectDraft
from eschool.scheduling.services import announce_setup
from eschool.scheduling.services.catalogue import (
    checked_subject,
    rename,
    subject_exists,
    subject_not_found,
    subject_row,
)
from eschool.scheduling.services.common import check_version, touch
from eschool.scheduling.services.setup_scope import check_school_setup


@dataclass(frozen=True)
class SchoolSubjectView:
    """A subject of the school's list, and whether the school still teaches it."""

    choice: SchoolSubject
    subject: Subject


async def school_subjects(
    uow: UnitOfWork, school_id: uuid.UUID, *, include_retired: bool, actor: Principal
) -> list[SchoolSubjectView]:
    """The subjects the school teaches (and, if asked, those it stopped teaching), by name."""
    await check_school_setup(uow, actor, school_id, write=False)
    rows = await Subjects(uow.session).school_list(school_id, include_retired=include_retired)
    return [SchoolSubjectView(choice, subject) for choice, subject in rows]


async def choose_subjects(
    uow: UnitOfWork, school_id: uuid.UUID, subject_ids: Sequence[uuid.UUID], *, actor: Principal
) -> list[SchoolSubjectView]:
    """Teach these catalogue subjects (again, if retired); choosing one twice changes nothing."""
    await check_school_setup(uow, actor, school_id, write=True)
    repo, now = Subjects(uow.session), utcnow()
    found, chosen = await repo.subjects(subject_ids), await repo.chosen(school_id)
    for index, subject_id in enumerate(subject_ids):
        subject = found.get(subject_id)
        if subject is None or subject.school_id is not None or subject.retired:
            raise unprocessable(
                "subject_not_in_catalogue",
                "Предмет не найден в региональном каталоге (или выведен из него)",
                field_name=f"body.subject_ids.{index}",
            )
        choice = chosen.get(subject_id)
        if choice is None:
            choice = SchoolSubject(
                school_id=school_id, subject_id=subject_id, retired=False, created_at=now, updated_at=now
            )
            uow.session.add(choice)
            chosen[subject_id] = choice
        elif choice.retired:
            choice.retired, choice.updated_at = False, now
    try:
        await uow.session.flush()
    except IntegrityError:
        raise _busy() from None  # the same subjects chosen at once by another request
    return [SchoolSubjectView(chosen[i], found[i]) for i in dict.fromkeys(subject_ids)]


async def add_school_subject(
    uow: UnitOfWork, school_id: uuid.UUID, draft: SubjectDraft, *, actor: Principal
) -> SchoolSubjectView:
    """A subject of the school's own (an elective), taught from now on."""
    await check_school_setup(uow, actor, school_id, write=True)
    draft = SubjectDraft(draft.name, draft.short_name, draft.translations)
    draft = await checked_subject(uow, school_id, draft, except_id=None)
    await _not_in_catalogue(uow, draft)
    now = utcnow()
    subject = subject_row(school_id, draft, now)
    choice = SchoolSubject(
        school_id=school_id, subject_id=subject.subject_id, retired=False, created_at=now, updated_at=now
    )
    uow.session.add(subject)
    try:
        await uow.session.flush()
    except IntegrityError:
        raise subject_exists(draft.name) from None  # the same subject added twice at once
    uow.session.add(choice)
    announce_setup.subject_saved(uow, subject)
    return SchoolSubjectView(choice, subject)


async def change_school_subject(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    subject_id: uuid.UUID,
    draft: SubjectDraft,
    *,
    version: int,
    actor: Principal,
) -> SchoolSubjectView:
    """New names of the school's own subject (a catalogue subject's are the ministry's)."""
    choice, subject = await _school_subject(uow, school_id, subject_id, actor=actor)
    if subject.school_id is None:
        raise conflict(
            "catalogue_subject_read_only",
            "Название предмета из регионального каталога меняет министерство",
            field_name="path.subject_id",
        )
    check_version(subject, version)
    draft = SubjectDraft(draft.name, draft.short_name, draft.translations)
    draft = await checked_subject(uow, school_id, draft, except_id=subject_id)
    await _not_in_catalogue(uow, draft)
    rename(subject, draft)
    touch(subject)
    announce_setup.subject_saved(uow, subject)
    return SchoolSubjectView(choice, subject)


async def retire_school_subject(
    uow: UnitOfWork, school_id: uuid.UUID, subject_id: uuid.UUID, *, retired: bool, actor: Principal
) -> SchoolSubjectView:
    """Stop (``retired``) or resume teaching the subject; its lessons keep referring to it."""
    choice, subject = await _school_subject(uow, school_id, subject_id, actor=actor)
    if choice.retired == retired:
        return SchoolSubjectView(choice, subject)
    choice.retired, choice.updated_at = retired, utcnow()
    if subject.school_id is not None:  # the school's own: retired for everyone who shows it
        subject.retired = retired
        touch(subject, choice.updated_at)
        announce_setup.subject_saved(uow, subject)
    return SchoolSubjectView(choice, subject)


async def _school_subject(
    uow: UnitOfWork, school_id: uuid.UUID, subject_id: uuid.UUID, *, actor: Principal
) -> tuple[SchoolSubject, Subject]:
    await check_school_setup(uow, actor, school_id, write=True)
    repo = Subjects(uow.session)
    subject = await repo.subject(subject_id, lock=True)
    choice = await repo.choice(school_id, subject_id)
    if subject is None or choice is None:
        raise subject_not_found()
    return choice, subject


async def _not_in_catalogue(uow: UnitOfWork, draft: SubjectDraft) -> None:
    same = await Subjects(uow.session).named(None, name_key(draft.name))
    if same is not None:
        raise conflict(
            "subject_in_catalogue",
            f"Предмет «{same.name}» есть в региональном каталоге: выберите его оттуда",
            field_name="body.name",
        )


def _busy() -> Exception:
    return conflict("subjects_changed_meanwhile", "Список предметов школы изменён одновременно: повторите")
