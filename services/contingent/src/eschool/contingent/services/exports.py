"""Lists downloaded as workbooks: a class list (whoever reads the class list) and a school's staff
(whoever reads its staff). Access is the lists' own: ``class_pupils`` and ``school_staff`` check it."""

from __future__ import annotations

import uuid

from eschool.common.auth import Principal
from eschool.common.db import UnitOfWork
from eschool.common.http.uploads import off_loop
from eschool.common.xlsx import XlsxFile
from eschool.contingent.db.models import AcademicYear, OrgUnit, SchoolClass
from eschool.contingent.domain.exports import (
    ClassListEntry,
    StaffListEntry,
    class_list_title,
    class_list_workbook,
    staff_list_workbook,
)
from eschool.contingent.services.people import name_of, today_in
from eschool.contingent.services.pupils import class_pupils
from eschool.contingent.services.staff import school_staff


async def class_list_file(uow: UnitOfWork, class_id: uuid.UUID, *, actor: Principal) -> XlsxFile:
    """The class's pupils now as a workbook titled with the school, the class and the academic year."""
    pupils = await class_pupils(uow, class_id, actor=actor)
    school_class = await uow.session.get(SchoolClass, class_id)
    assert school_class is not None  # class_pupils found it
    year = await uow.session.get(AcademicYear, school_class.academic_year_id)
    school = await uow.session.get(OrgUnit, school_class.school_id)
    # The class's keys refer to them.
    assert year is not None
    assert school is not None
    entries = [
        ClassListEntry(
            name_of(p.person),
            p.person.birth_date,
            p.person.sex,
            p.enrolment.personal_file_number,
            p.enrolment.education_form,
            p.enrolment.enrolled_on,
        )
        for p in pupils
    ]
    class_name = f"{school_class.grade} {school_class.letter}"
    title = class_list_title(school.short_name, class_name, year.name)
    content = await off_loop(class_list_workbook, title, entries)
    name = f"Список класса {class_name} ({year.name.replace('/', '-')}).xlsx"
    return XlsxFile(name, "class-list.xlsx", content)


async def staff_list_file(uow: UnitOfWork, school_id: uuid.UUID, *, actor: Principal) -> XlsxFile:
    """The school's working staff by full name as a workbook titled with the school and today's date."""
    staff = await school_staff(uow, school_id, include_dismissed=False, actor=actor)
    school = await uow.session.get(OrgUnit, school_id)
    assert school is not None  # school_staff found it
    entries = [
        StaffListEntry(
            name_of(e.person), e.person.birth_date, e.person.sex, e.employment.position, e.employment.hired_on
        )
        for e in staff
    ]
    title = f"{school.short_name}. Сотрудники на {today_in(school):%d.%m.%Y}"
    content = await off_loop(staff_list_workbook, title, entries)
    return XlsxFile(f"Сотрудники {school.short_name}.xlsx", "staff.xlsx", content)
