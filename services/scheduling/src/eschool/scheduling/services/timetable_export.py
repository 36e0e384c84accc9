"""The week of a class or a teacher as an xlsx or a PDF file, for those who may read it
(``timetable_views``): titled and named in Russian by the class or the teacher and the week's Monday."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from anyio import to_thread

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.common.events.contingent import FullName
from eschool.common.xlsx import XlsxFile
from eschool.scheduling.db.timetable import TimetableEntry
from eschool.scheduling.db.timetable_queries import Timetables
from eschool.scheduling.domain.rules import ru
from eschool.scheduling.domain.timetable_pdf import week_pdf
from eschool.scheduling.domain.timetable_xlsx import Cell, week_workbook
from eschool.scheduling.services.timetable_views import WeekView, class_week, teacher_week


@dataclass(frozen=True)
class WeekSheet:
    """A week ready to lay out: the file's name for people and an ASCII one (no extension), the title,
    the lessons."""

    name: str
    ascii_name: str
    title: str
    cells: list[Cell]


@dataclass(frozen=True)
class PdfFile:
    """A PDF to download: its name for people, an ASCII name for old clients, the bytes."""

    name: str
    ascii_name: str
    content: bytes


async def class_week_file(
    uow: UnitOfWork, class_id: uuid.UUID, on: date | None, *, actor: Principal
) -> XlsxFile:
    """The class's week in effect on the day, as a workbook."""
    return _xlsx(await class_week_sheet(uow, class_id, on, actor=actor))


async def teacher_week_file(
    uow: UnitOfWork, school_id: uuid.UUID, person_id: uuid.UUID, on: date | None, *, actor: Principal
) -> XlsxFile:
    """The teacher's week in the school in effect on the day, as a workbook."""
    return _xlsx(await teacher_week_sheet(uow, school_id, person_id, on, actor=actor))


async def class_week_sheet(
    uow: UnitOfWork, class_id: uuid.UUID, on: date | None, *, actor: Principal
) -> WeekSheet:
    """The class's week in effect on the day, titled and named."""
    view = await class_week(uow, class_id, on, actor=actor)
    cls = (await Timetables(uow.session).classes([class_id]))[class_id]
    name = f"{cls.grade} {cls.letter}"
    cells = [_cell(view, e, _subject(view, e), _teacher(view, e), _room(view, e)) for e in view.entries]
    title = f"Расписание занятий {name} класса, неделя с {ru(_monday(view.on))}"
    return WeekSheet(f"Расписание {name}", "timetable-class", title, cells)


async def teacher_week_sheet(
    uow: UnitOfWork, school_id: uuid.UUID, person_id: uuid.UUID, on: date | None, *, actor: Principal
) -> WeekSheet:
    """The teacher's week in the school in effect on the day, titled and named."""
    view = await teacher_week(uow, school_id, person_id, on, actor=actor)
    member = (await Timetables(uow.session).staff(school_id, [person_id])).get(person_id)
    name = _short(member.name) if member is not None and member.name else "учитель"
    cells = [_cell(view, e, _class(view, e), _subject(view, e), _room(view, e)) for e in view.entries]
    title = f"Расписание занятий: {name}, неделя с {ru(_monday(view.on))}"
    return WeekSheet(f"Расписание {name}", "timetable-teacher", title, cells)


async def week_pdf_file(sheet: WeekSheet) -> PdfFile:
    """The week as a printable PDF, laid out in a worker thread: fpdf2 works on the CPU for a while
    (the font is parsed and subset), and the event loop keeps answering meanwhile."""
    content = await to_thread.run_sync(week_pdf, sheet.title, sheet.cells)
    return PdfFile(f"{sheet.name}.pdf", f"{sheet.ascii_name}.pdf", content)


def _xlsx(sheet: WeekSheet) -> XlsxFile:
    content = week_workbook(sheet.title, sheet.cells)
    return XlsxFile(f"{sheet.name}.xlsx", f"{sheet.ascii_name}.xlsx", content)


def _cell(view: WeekView, entry: TimetableEntry, *parts: str | None) -> Cell:
    slot = view.names.slot(entry)
    times = f"{slot[0]:%H:%M}–{slot[1]:%H:%M}" if slot else ""
    subgroup = view.names.subgroups.get(entry.subgroup_id) if entry.subgroup_id else None
    text = ", ".join(p for p in parts if p) + (f" ({subgroup.name})" if subgroup else "")
    return Cell(entry.weekday, entry.slot_number, times, text)


def _subject(view: WeekView, entry: TimetableEntry) -> str | None:
    subject = view.names.subjects.get(entry.subject_id)
    return subject.name if subject else None


def _teacher(view: WeekView, entry: TimetableEntry) -> str | None:
    member = view.names.staff.get(entry.teacher_person_id)
    return _short(member.name) if member is not None and member.name else None


def _room(view: WeekView, entry: TimetableEntry) -> str | None:
    room = view.names.rooms.get(entry.room_id) if entry.room_id else None
    return f"каб. {room.name}" if room else None


def _class(view: WeekView, entry: TimetableEntry) -> str | None:
    cls = view.names.classes.get(entry.class_id)
    return f"{cls.grade} {cls.letter}" if cls else None


def _short(name: FullName) -> str:
    """«Иванова А. С.»"""
    initials = " ".join(f"{part[0]}." for part in (name.first_name, name.middle_name) if part)
    return f"{name.last_name} {initials}"


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
