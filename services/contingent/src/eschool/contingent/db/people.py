"""Persons, pupils' enrolments and guardians' links (``person``, ``pupil_enrolment``, ``guardian_link``),
and the queries on them (``People``).

A person is one physical person of the region: found again by the keyed hash of their SNILS, so a
guardian of pupils in two schools, or a pupil moving between schools, stays one row. The SNILS is never
kept in clear (``SnilsKeys`` writes these columns):

- ``snils_hash``: ``eschool.common.snils.snils_hash`` under ``CONTINGENT_SNILS_HMAC_KEY``, the key shared
  with identity; it finds the person, and events carry it instead of the number;
- ``snils_ciphertext``: Fernet (AES-CBC with HMAC-SHA256) under a key derived from
  ``CONTINGENT_SECRET_KEY`` by HKDF-SHA256 (info ``eschool.contingent.snils.v1``), decrypted only to show
  the number to a school's administration. Changing the secret key leaves the stored numbers unreadable
  (their hashes still find the persons): a rotation must re-encrypt them first (``MultiFernet``);
- ``snils_tail``: the two check digits, which follow from the other nine and so disclose nothing, for
  the mask (``***-***-*** 95``) shown everywhere else.

An enrolment is a stay of a person in a school: the personal file number is unique within the school,
and a person is enrolled (``status = 'enrolled'``) in one school of the region at a time. A guardian's
link is kept after it ends (``unlinked_at``), for the history of who saw the child's records and when.
"""

from __future__ import annotations

import base64
import functools
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
    func,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from eschool.common.db import Repository
from eschool.common.db.base import UtcDateTime
from eschool.common.snils import snils_hash
from eschool.contingent.db.models import Base, SchoolClass
from eschool.contingent.settings import ContingentSettings

ENROLLED = "enrolled"
# One school at a time: a second enrolment needs the first one ended (withdrawal, transfer).
ACTIVE_ENROLMENT_INDEX = "ix_pupil_enrolment_person_id_enrolled"
ACTIVE_LINK_INDEX = "ix_guardian_link_pupil_person_id_guardian_person_id"
_ENROLLED_ONLY = text("status = 'enrolled'")
_LINKED_ONLY = text("unlinked_at IS NULL")
_HKDF_INFO = b"eschool.contingent.snils.v1"


class Person(Base):
    """A physical person: a pupil, a guardian (later a staff member), found again by their SNILS."""

    __tablename__ = "person"

    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(6))  # male, female
    citizenship: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    snils_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    snils_ciphertext: Mapped[str | None] = mapped_column(String(255))
    snils_tail: Mapped[str | None] = mapped_column(String(2))
    # Contacts are personal data: kept for the school, never in an event or a log.
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class PupilEnrolment(Base):
    """A person's stay in a school as its pupil: the class, the personal file, the enrolment order."""

    __tablename__ = "pupil_enrolment"
    __table_args__ = (
        UniqueConstraint("school_id", "personal_file_number"),
        Index(
            ACTIVE_ENROLMENT_INDEX,
            "person_id",
            unique=True,
            postgresql_where=_ENROLLED_ONLY,
            sqlite_where=_ENROLLED_ONLY,
        ),
    )

    pupil_enrolment_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.org_unit_id"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.person_id"), index=True)
    class_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_class.class_id"), index=True)
    academic_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("academic_year.academic_year_id"))
    personal_file_number: Mapped[str] = mapped_column(String(30))
    education_form: Mapped[str] = mapped_column(String(30))
    enrolled_on: Mapped[date] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)  # the stay's last day, once withdrawn
    order_series: Mapped[str | None] = mapped_column(String(20))
    order_number: Mapped[str] = mapped_column(String(30))
    order_date: Mapped[date] = mapped_column(Date)
    attends_day_care: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20))  # enrolled, withdrawn (history: ``db.movement``)
    # The digest of the form it was created from: a retry of the same form answers this enrolment.
    form_digest: Mapped[str] = mapped_column(String(64))
    enrolled_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class GuardianLink(Base):
    """A guardian of a pupil (mother, father, legal representative...), from its linking to its end."""

    __tablename__ = "guardian_link"
    __table_args__ = (
        Index(
            ACTIVE_LINK_INDEX,
            "pupil_person_id",
            "guardian_person_id",
            unique=True,
            postgresql_where=_LINKED_ONLY,
            sqlite_where=_LINKED_ONLY,
        ),
    )

    guardian_link_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    pupil_person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.person_id"), index=True)
    guardian_person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.person_id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # mother, father, legal_representative, other
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    linked_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    unlinked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    unlinked_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class UnreadableSnilsError(Exception):
    """A stored SNILS the current key cannot decrypt (the secret key changed without re-encryption)."""


@dataclass(frozen=True)
class ProtectedSnils:
    """A SNILS as it is stored: its keyed hash, its ciphertext, its check digits. Only the hash when
    another service sent just that (an application): the person is found, the number is not shown."""

    hash: str
    ciphertext: str | None = field(default=None, repr=False)
    tail: str | None = None


class SnilsKeys:
    """The keys a SNILS is protected with: the hash key shared with identity, the cipher of its display."""

    def __init__(self, hmac_key: bytes, secret_key: bytes) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret_key)
        self._hmac_key = hmac_key
        self._cipher = Fernet(base64.urlsafe_b64encode(derived))

    @staticmethod
    def of(settings: ContingentSettings) -> SnilsKeys:
        """The keys of the running service's settings."""
        return _keys(
            settings.snils_hmac_key.get_secret_value().encode(),
            settings.secret_key.get_secret_value().encode(),
        )

    def protect(self, digits: str) -> ProtectedSnils:
        """What is stored of a SNILS (its 11 digits)."""
        ciphertext = self._cipher.encrypt(digits.encode("ascii")).decode("ascii")
        return ProtectedSnils(snils_hash(digits, self._hmac_key), ciphertext, digits[9:])

    def reveal(self, ciphertext: str) -> str:
        """The 11 digits back from the ciphertext (``UnreadableSnilsError`` if the secret key changed)."""
        try:
            return self._cipher.decrypt(ciphertext.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise UnreadableSnilsError from None


@functools.lru_cache(maxsize=4)
def _keys(hmac_key: bytes, secret_key: bytes) -> SnilsKeys:
    return SnilsKeys(hmac_key, secret_key)


class People(Repository):
    """The queries of persons, enrolments and guardians' links."""

    async def by_file_numbers(
        self, school_id: uuid.UUID, numbers: set[str]
    ) -> list[tuple[PupilEnrolment, Person]]:
        """The school's enrolments (any status) under these personal file numbers, with their persons."""
        if not numbers:
            return []
        stmt = (
            select(PupilEnrolment, Person)
            .join(Person, Person.person_id == PupilEnrolment.person_id)
            .where(PupilEnrolment.school_id == school_id, PupilEnrolment.personal_file_number.in_(numbers))
        )
        return [(enrolment, person) for enrolment, person in await self.session.execute(stmt)]

    async def by_snils_hash(self, snils_hash: str) -> Person | None:
        """The person with this SNILS (by its keyed hash), if known."""
        return await self.session.scalar(select(Person).where(Person.snils_hash == snils_hash))

    async def by_file_number(self, school_id: uuid.UUID, number: str) -> PupilEnrolment | None:
        """The school's enrolment under this personal file number, if any."""
        return await self.session.scalar(
            select(PupilEnrolment).where(
                PupilEnrolment.school_id == school_id, PupilEnrolment.personal_file_number == number
            )
        )

    async def current_enrolment(self, person_id: uuid.UUID) -> PupilEnrolment | None:
        """The person's enrolment now, or else their latest one (None: never a pupil)."""
        stmt = select(PupilEnrolment).where(PupilEnrolment.person_id == person_id)
        latest = (PupilEnrolment.status == ENROLLED).desc(), PupilEnrolment.enrolled_on.desc()
        return await self.session.scalar(stmt.order_by(*latest, PupilEnrolment.created_at.desc()).limit(1))

    async def class_size(self, class_id: uuid.UUID) -> int:
        """How many pupils the class has now."""
        stmt = select(func.count()).where(
            PupilEnrolment.class_id == class_id, PupilEnrolment.status == ENROLLED
        )
        return int(await self.session.scalar(stmt) or 0)

    async def class_pupils(self, class_id: uuid.UUID) -> list[tuple[PupilEnrolment, Person]]:
        """The class's pupils now, with their persons (unordered: names sort the way people read them)."""
        stmt = (
            select(PupilEnrolment, Person)
            .join(Person, Person.person_id == PupilEnrolment.person_id)
            .where(PupilEnrolment.class_id == class_id, PupilEnrolment.status == ENROLLED)
        )
        return [(row[0], row[1]) for row in await self.session.execute(stmt)]

    async def lock_class(self, class_id: uuid.UUID) -> None:
        """Hold the class until commit: enrolments into it take turns (its size is checked, then grows)."""
        # A no-op UPDATE locks the row on PostgreSQL and takes SQLite's write lock (see OrgUnits.locked).
        stmt = update(SchoolClass).where(SchoolClass.class_id == class_id).values(version=SchoolClass.version)
        await self.session.execute(stmt.execution_options(synchronize_session=False))

    async def lock_enrolment(self, enrolment_id: uuid.UUID) -> None:
        """Hold the pupil until commit: changes of their guardians take turns."""
        stmt = (
            update(PupilEnrolment)
            .where(PupilEnrolment.pupil_enrolment_id == enrolment_id)
            .values(version=PupilEnrolment.version)
        )
        await self.session.execute(stmt.execution_options(synchronize_session=False))

    async def guardians(self, pupil_id: uuid.UUID) -> list[tuple[GuardianLink, Person]]:
        """The pupil's guardians now, with their persons, in the order they were linked."""
        stmt = (
            select(GuardianLink, Person)
            .join(Person, Person.person_id == GuardianLink.guardian_person_id)
            .where(GuardianLink.pupil_person_id == pupil_id, GuardianLink.unlinked_at.is_(None))
            .order_by(GuardianLink.linked_at, GuardianLink.guardian_link_id)
        )
        return [(row[0], row[1]) for row in await self.session.execute(stmt)]

    async def children(self, guardian_id: uuid.UUID) -> list[tuple[GuardianLink, Person]]:
        """The pupils the person is a guardian of now, with their persons."""
        stmt = (
            select(GuardianLink, Person)
            .join(Person, Person.person_id == GuardianLink.pupil_person_id)
            .where(GuardianLink.guardian_person_id == guardian_id, GuardianLink.unlinked_at.is_(None))
        )
        return [(row[0], row[1]) for row in await self.session.execute(stmt)]

    async def links(self, pupil_id: uuid.UUID, guardian_id: uuid.UUID) -> list[GuardianLink]:
        """Every link, past and present, between the pupil and the guardian, the present one first."""
        stmt = select(GuardianLink).where(
            GuardianLink.pupil_person_id == pupil_id, GuardianLink.guardian_person_id == guardian_id
        )
        order = GuardianLink.unlinked_at.is_(None).desc(), GuardianLink.linked_at.desc()
        return list((await self.session.scalars(stmt.order_by(*order))).all())
