"""Pupils: enrol one into a class by form, the class list, a pupil's card, their SNILS for the administration.

SNILS is shown masked (``***-***-*** 64``) everywhere but ``GET /v1/pupils/{person_id}/snils``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from eschool.common.auth import CurrentPrincipal
from eschool.common.http.uploads import XLSX_ANSWER, xlsx_download
from eschool.contingent.api.deps import Stamp, database_of, settings_of
from eschool.contingent.domain.people import (
    MAX_FILE_NUMBER_LENGTH,
    MAX_NAME_LENGTH,
    EducationForm,
    Enrolment,
    Order,
    PersonCard,
    PersonName,
    Sex,
    format_snils,
    mask_snils,
)
from eschool.contingent.services.exports import class_list_file
from eschool.contingent.services.people import Pupil, SnilsKeys, disclose_snils, pupil_for
from eschool.contingent.services.pupils import EnrolmentForm, class_pupils, enrol_pupil

# Inputs are bounded loosely here; the domain trims them, then holds them to the real limits.
Name = Annotated[str, Field(max_length=2 * MAX_NAME_LENGTH, examples=["Иванова"])]
SexText = Annotated[
    str, Field(max_length=10, description="male / female; «м» / «ж» accepted", examples=["ж"])
]
Citizenship = Annotated[str, Field(max_length=10, description="ISO 3166-1 alpha-2", examples=["RU"])]
Snils = Annotated[
    SecretStr,
    Field(max_length=20, description="11 digits, spaces and hyphens allowed", examples=["112-233-445 95"]),
]
MaskedSnils = Annotated[str | None, Field(description="Only the check digits: ***-***-*** 95")]


class OrderFields(BaseModel):
    """The enrolment order: series optional, number and date required."""

    model_config = ConfigDict(extra="forbid")

    series: Annotated[str, Field(max_length=20, examples=["123-К"])] | None = None
    number: Annotated[str, Field(max_length=30, examples=["34234235"])]
    date: dt.date


class PupilCreate(BaseModel):
    """The enrolment form of seed 001: full name, personal file, birth date, form of education, order."""

    model_config = ConfigDict(extra="forbid")

    last_name: Name
    first_name: Name
    middle_name: Name | None = None
    birth_date: dt.date
    sex: SexText | None = None
    citizenship: Citizenship | None = None
    snils: Snils | None = None
    personal_file_number: Annotated[str, Field(max_length=2 * MAX_FILE_NUMBER_LENGTH, examples=["12р"])]
    education_form: EducationForm = "full_time"
    enrolled_on: dt.date | None = Field(
        default=None, description="Default: the order's date, not before the first day of the class's year"
    )
    order: OrderFields
    attends_day_care: bool = Field(default=False, description="«Посещает группу по присмотру и уходу»")


class PupilRead(BaseModel):
    """A pupil's card: the person and their enrolment (the current one, else the latest)."""

    person_id: uuid.UUID
    pupil_enrolment_id: uuid.UUID
    school_id: uuid.UUID
    class_id: uuid.UUID
    academic_year_id: uuid.UUID
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: dt.date | None
    sex: Sex | None
    citizenship: str | None
    snils: MaskedSnils
    personal_file_number: str
    education_form: EducationForm
    enrolled_on: dt.date
    order: OrderFields
    attends_day_care: bool
    status: str
    version: int
    created_at: Stamp


class ClassPupils(BaseModel):
    """The class's pupils now, by last name, first name, patronymic."""

    items: list[PupilRead]


class SnilsRead(BaseModel):
    """A person's SNILS in clear (null: not known)."""

    person_id: uuid.UUID
    snils: str | None = Field(examples=["112-233-445 95"])


def pupil_read(pupil: Pupil) -> PupilRead:
    """The card as the API shows it, SNILS masked."""
    person, enrolment = pupil.person, pupil.enrolment
    order = OrderFields(
        series=enrolment.order_series, number=enrolment.order_number, date=enrolment.order_date
    )
    return PupilRead.model_validate(
        {
            **{f: getattr(person, f) for f in ("person_id", "last_name", "first_name", "middle_name")},
            **{f: getattr(person, f) for f in ("birth_date", "sex", "citizenship")},
            "snils": mask_snils(person.snils_tail),
            **{
                f: getattr(enrolment, f)
                for f in ("pupil_enrolment_id", "school_id", "class_id", "academic_year_id")
            },
            **{f: getattr(enrolment, f) for f in ("personal_file_number", "education_form", "enrolled_on")},
            **{f: getattr(enrolment, f) for f in ("attends_day_care", "status", "version", "created_at")},
            "order": order,
        }
    )


def snils_read(person_id: uuid.UUID, digits: str | None, response: Response) -> SnilsRead:
    """The clear SNILS, kept out of every cache on the way."""
    response.headers["Cache-Control"] = "no-store"
    return SnilsRead(person_id=person_id, snils=None if digits is None else format_snils(digits))


def _form(body: PupilCreate) -> EnrolmentForm:
    name = PersonName(body.last_name, body.first_name, body.middle_name)
    order = Order(body.order.number, body.order.date, body.order.series)
    enrolment = Enrolment(
        body.personal_file_number, body.education_form, order, body.enrolled_on, body.attends_day_care
    )
    return EnrolmentForm(
        PersonCard(name, body.birth_date, body.sex, body.citizenship),
        enrolment,
        body.snils.get_secret_value() if body.snils else None,
    )


def pupils_router() -> APIRouter:
    """Routes under /v1/classes/{class_id}/pupils and /v1/pupils/{person_id}."""
    router = APIRouter(prefix="/v1", tags=["pupils"])

    @router.post("/classes/{class_id}/pupils", status_code=201, responses={200: {"description": "A retry"}})
    async def enrol(
        class_id: uuid.UUID, body: PupilCreate, request: Request, response: Response, actor: CurrentPrincipal
    ) -> PupilRead:
        """Enrol a pupil into the class by form; the same form again (the same personal file number and
        data) answers 200 with the same pupil, another pupil's data under that number 409."""
        keys = SnilsKeys.of(settings_of(request))
        async with database_of(request).uow() as uow:
            pupil, created = await enrol_pupil(uow, class_id, _form(body), actor=actor, keys=keys)
        if not created:
            response.status_code = 200
        return pupil_read(pupil)

    @router.get("/classes/{class_id}/pupils")
    async def list_pupils(class_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> ClassPupils:
        """The class list: its pupils now, by last name, first name, patronymic."""
        async with database_of(request).uow() as uow:
            pupils = await class_pupils(uow, class_id, actor=actor)
        return ClassPupils(items=[pupil_read(p) for p in pupils])

    @router.get("/classes/{class_id}/pupils/export", response_class=Response, responses=XLSX_ANSWER)
    async def export_pupils(class_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> Response:
        """The class list as a workbook titled with the school, the class and the year (no SNILS, no
        contacts), for those who read the class list."""
        async with database_of(request).uow() as uow:
            file = await class_list_file(uow, class_id, actor=actor)
        return xlsx_download(file)

    @router.get("/pupils/{person_id}")
    async def read_pupil(person_id: uuid.UUID, request: Request, actor: CurrentPrincipal) -> PupilRead:
        """A pupil's card (the school, its municipality, the ministry; the pupil and their guardians)."""
        async with database_of(request).uow() as uow:
            pupil = await pupil_for(uow, person_id, actor=actor)
        return pupil_read(pupil)

    @router.get("/pupils/{person_id}/snils")
    async def read_pupil_snils(
        person_id: uuid.UUID, request: Request, response: Response, actor: CurrentPrincipal
    ) -> SnilsRead:
        """The pupil's SNILS in clear, for the school's administration only (each reading is logged)."""
        keys = SnilsKeys.of(settings_of(request))
        async with database_of(request).uow() as uow:
            pupil = await pupil_for(uow, person_id, actor=actor, family_reads=False)
            digits = disclose_snils(pupil.person, pupil.enrolment.school_id, actor=actor, keys=keys)
        return snils_read(person_id, digits, response)

    return router
