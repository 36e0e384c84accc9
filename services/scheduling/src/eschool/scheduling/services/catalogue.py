"""The regional catalogue of subjects: seeded at start with the usual subjects, listed to anyone signed
in, added to and edited by the ministry; and what catalogue and school subjects share (names' rules)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork, utcnow
from eschool.common.errors import Problem, conflict, not_found
from eschool.common.logging import get_logger
from eschool.common.service import ServiceRuntime
from eschool.scheduling.db.setup_repositories import Subjects
from eschool.scheduling.db.subjects import Subject
from eschool.scheduling.domain.names import name_key
from eschool.scheduling.domain.subjects import (
    SubjectDraft,
    catalogue_drafts,
    catalogue_id,
    check_subject,
    cleaned,
)
from eschool.scheduling.services import announce_setup
from eschool.scheduling.services.common import check_version, refused, touch
from eschool.scheduling.services.setup_scope import check_catalogue_writer

log = get_logger(__name__)


def subject_not_found() -> Problem:
    """The 404 for a subject that does not exist or is out of the caller's sight."""
    return not_found("subject_not_found", "Предмет не найден")


def subject_row(school_id: uuid.UUID | None, draft: SubjectDraft, now: datetime) -> Subject:
    """A new subject's row (a seeded catalogue subject gets the id its code gives)."""
    return Subject(
        subject_id=catalogue_id(draft.code) if school_id is None and draft.code else uuid.uuid4(),
        school_id=school_id,
        code=draft.code,
        name=draft.name,
        name_key=name_key(draft.name),
        short_name=draft.short_name,
        translations=draft.translations,
        retired=False,
        created_at=now,
        updated_at=now,
        version=1,
    )


async def checked_subject(
    uow: UnitOfWork, school_id: uuid.UUID | None, draft: SubjectDraft, *, except_id: uuid.UUID | None
) -> SubjectDraft:
    """The draft tidied, if it keeps the rules and its name (and code) is not taken by its owner's other
    subjects (409 naming the field)."""
    draft = cleaned(draft)
    if broken := check_subject(draft):
        raise refused(broken)
    subjects = Subjects(uow.session)
    same = await subjects.named(school_id, name_key(draft.name))
    if same is not None and same.subject_id != except_id:
        raise subject_exists(draft.name)
    if draft.code is not None:
        coded = await subjects.coded(draft.code)
        if coded is not None and coded.subject_id != except_id:
            raise conflict(
                "subject_code_exists",
                f"Код «{draft.code}» уже у предмета «{coded.name}»",
                field_name="body.code",
            )
    return draft


def subject_exists(name: str) -> Problem:
    """The 409 for a name already taken."""
    return conflict("subject_exists", f"Предмет «{name}» уже есть", field_name="body.name")


def rename(subject: Subject, draft: SubjectDraft) -> None:
    """Give the subject the draft's names."""
    subject.name, subject.name_key, subject.short_name = draft.name, name_key(draft.name), draft.short_name
    subject.translations, subject.code = dict(draft.translations), draft.code


async def catalogue_subjects(uow: UnitOfWork, *, include_retired: bool) -> Sequence[Subject]:
    """The catalogue's subjects by name (anyone signed in reads them)."""
    return await Subjects(uow.session).catalogue(include_retired=include_retired)


async def add_catalogue_subject(uow: UnitOfWork, draft: SubjectDraft, *, actor: Principal) -> Subject:
    """A new subject of the regional catalogue (the ministry's)."""
    check_catalogue_writer(actor)
    draft = await checked_subject(uow, None, draft, except_id=None)
    subject = subject_row(None, draft, utcnow())
    subject.subject_id = uuid.uuid4()
    uow.session.add(subject)
    try:
        await uow.session.flush()
    except IntegrityError:
        raise subject_exists(draft.name) from None  # the same subject added twice at once
    announce_setup.subject_saved(uow, subject)
    return subject


async def change_catalogue_subject(
    uow: UnitOfWork,
    subject_id: uuid.UUID,
    draft: SubjectDraft,
    *,
    retired: bool,
    version: int,
    actor: Principal,
) -> Subject:
    """New names of a catalogue subject, or its retirement (schools stop choosing it; lessons keep it)."""
    check_catalogue_writer(actor)
    subject = await Subjects(uow.session).subject(subject_id, lock=True)
    if subject is None or subject.school_id is not None:
        raise subject_not_found()
    check_version(subject, version)
    draft = await checked_subject(uow, None, draft, except_id=subject_id)
    rename(subject, draft)
    subject.retired = retired
    touch(subject)
    announce_setup.subject_saved(uow, subject)
    return subject


async def seed_catalogue(runtime: ServiceRuntime) -> None:
    """At start: add the usual subjects the catalogue lacks (by code; a retired or renamed one stays)."""
    async with runtime.database.uow() as uow:
        subjects, now = Subjects(uow.session), utcnow()
        known = await subjects.catalogue_codes()
        added = 0
        for subject in (subject_row(None, d, now) for d in catalogue_drafts() if d.code not in known):
            if await subjects.named(None, subject.name_key) is None:  # the ministry may have added it
                uow.session.add(subject)
                announce_setup.subject_saved(uow, subject)
                added += 1
        try:
            await uow.commit()
        except IntegrityError:
            log.info("scheduling.catalogue.seeded_elsewhere")  # another replica seeded it at once
            return
    log.info("scheduling.catalogue.seeded", added=added)
