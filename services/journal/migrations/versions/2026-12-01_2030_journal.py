"""The journal's first schema: projections of contingent's and scheduling's facts, the journal's own
records (lesson records, attachments, marks, attendance, exemptions, term marks, work types, grading
policies, the audit, idempotent requests), the bus tables, and the region's default work types.

Revision ID: journal0001
Revises:
Create Date: 2026-12-01 20:30
"""

import uuid
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

from eschool.common.bus.migrations import create_bus_tables, drop_bus_tables
from eschool.common.db.base import JsonDoc, UtcDateTime, utcnow

revision = "journal0001"
down_revision = None
branch_labels = None
depends_on = None

# The region's work types and their weights (a school may override a weight under the same code).
# Fixed ids: every database of the region names the same defaults the same way.
DEFAULT_WORK_TYPES = [
    ("answer", "Ответ на уроке", "1", True, False),
    ("homework", "Домашняя работа", "1", False, False),
    ("independent", "Самостоятельная работа", "1.5", False, False),
    ("test", "Тест", "1.5", False, False),
    ("dictation", "Диктант", "2", False, False),
    ("essay", "Сочинение", "2", False, False),
    ("laboratory", "Лабораторная работа", "1.5", False, True),
    ("practical", "Практическая работа", "1.5", False, True),
    ("control", "Контрольная работа", "2", False, True),
]
WORK_TYPE_NAMESPACE = uuid.UUID("6f1c2a4e-8d2b-4c57-9a51-3e4b9d0c7a10")


def _tables() -> None:
    op.create_table(
        "attendance",
        sa.Column("lesson_id", sa.Uuid, nullable=False),
        sa.Column("pupil_person_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("subject_id", sa.Uuid, nullable=False),
        sa.Column("term_id", sa.Uuid, nullable=False),
        sa.Column("lesson_on", sa.Date(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("recorded_by", sa.Uuid, nullable=True),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("deleted_at", UtcDateTime, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("lesson_id", "pupil_person_id", name=op.f("pk_attendance")),
    )
    op.create_index(
        "ix_attendance_school_id_class_id_lesson_on",
        "attendance",
        ["school_id", "class_id", "lesson_on"],
        unique=False,
    )
    op.create_index(
        "ix_attendance_school_pupil_lesson_on",
        "attendance",
        ["school_id", "pupil_person_id", "lesson_on"],
        unique=False,
    )
    op.create_table(
        "class_stay",
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("from_on", sa.Date(), nullable=True),
        sa.Column("opened_at", UtcDateTime, nullable=True),
        sa.Column("until_on", sa.Date(), nullable=True),
        sa.Column("source_version", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("school_id", "person_id", "class_id", name=op.f("pk_class_stay")),
    )
    op.create_index("ix_class_stay_person_id", "class_stay", ["person_id"], unique=False)
    op.create_index("ix_class_stay_school_id_class_id", "class_stay", ["school_id", "class_id"], unique=False)
    op.create_table(
        "class_teacher",
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=True),
        sa.Column("source_version", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("class_id", name=op.f("pk_class_teacher")),
    )
    op.create_index(
        "ix_class_teacher_school_id_person_id", "class_teacher", ["school_id", "person_id"], unique=False
    )
    op.create_table(
        "exemption",
        sa.Column("exemption_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("pupil_person_id", sa.Uuid, nullable=False),
        sa.Column("subject_id", sa.Uuid, nullable=False),
        sa.Column("from_on", sa.Date(), nullable=False),
        sa.Column("until_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.Uuid, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("deleted_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("exemption_id", name=op.f("pk_exemption")),
    )
    op.create_index(
        "ix_exemption_school_id_pupil_person_id", "exemption", ["school_id", "pupil_person_id"], unique=False
    )
    op.create_table(
        "grading_policy",
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rounding_threshold", sa.Numeric(precision=3, scale=2), nullable=False),
        sa.Column("min_marks", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("created_by", sa.Uuid, nullable=True),
        sa.PrimaryKeyConstraint("school_id", "version", name=op.f("pk_grading_policy")),
    )
    op.create_table(
        "guardian_link",
        sa.Column("guardian_person_id", sa.Uuid, nullable=False),
        sa.Column("pupil_person_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("linked", sa.Boolean(), nullable=False),
        sa.Column("source_version", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint(
            "guardian_person_id", "pupil_person_id", "school_id", name=op.f("pk_guardian_link")
        ),
    )
    op.create_index("ix_guardian_link_pupil_person_id", "guardian_link", ["pupil_person_id"], unique=False)
    op.create_table(
        "homework_attachment",
        sa.Column("attachment_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("lesson_id", sa.Uuid, nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("storage_key", sa.String(length=300), nullable=True),
        sa.Column("uploaded_by", sa.Uuid, nullable=True),
        sa.Column("uploaded_at", UtcDateTime, nullable=False),
        sa.Column("deleted_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("attachment_id", name=op.f("pk_homework_attachment")),
    )
    op.create_index(
        "ix_homework_attachment_school_id_lesson_id",
        "homework_attachment",
        ["school_id", "lesson_id"],
        unique=False,
    )
    op.create_table(
        "idempotent_request",
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", JsonDoc, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotent_request")),
    )
    op.create_index(
        op.f("ix_idempotent_request_created_at"), "idempotent_request", ["created_at"], unique=False
    )
    op.create_table(
        "journal_audit",
        sa.Column("audit_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.Uuid, nullable=False),
        sa.Column("lesson_id", sa.Uuid, nullable=True),
        sa.Column("pupil_person_id", sa.Uuid, nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("old", JsonDoc, nullable=True),
        sa.Column("new", JsonDoc, nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("actor_user_id", sa.Uuid, nullable=True),
        sa.Column("actor_person_id", sa.Uuid, nullable=True),
        sa.Column("actor_client_id", sa.String(length=200), nullable=True),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("audit_id", name=op.f("pk_journal_audit")),
    )
    op.create_index(
        "ix_journal_audit_school_id_lesson_id", "journal_audit", ["school_id", "lesson_id"], unique=False
    )
    op.create_index(
        "ix_journal_audit_school_id_pupil_person_id_at",
        "journal_audit",
        ["school_id", "pupil_person_id", "at"],
        unique=False,
    )
    op.create_table(
        "lesson",
        sa.Column("lesson_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("subgroup_id", sa.Uuid, nullable=True),
        sa.Column("term_id", sa.Uuid, nullable=False),
        sa.Column("subject_id", sa.Uuid, nullable=False),
        sa.Column("teacher_person_id", sa.Uuid, nullable=False),
        sa.Column("lesson_on", sa.Date(), nullable=False),
        sa.Column("slot_number", sa.SmallInteger(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("source_version", UtcDateTime, nullable=False),
        sa.Column("planned_topic", sa.String(length=500), nullable=True),
        sa.Column("topic_version", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("lesson_id", name=op.f("pk_lesson")),
    )
    op.create_index(
        "ix_lesson_school_id_class_id_lesson_on",
        "lesson",
        ["school_id", "class_id", "lesson_on"],
        unique=False,
    )
    op.create_index(
        "ix_lesson_school_teacher_lesson_on",
        "lesson",
        ["school_id", "teacher_person_id", "lesson_on"],
        unique=False,
    )
    op.create_table(
        "lesson_record",
        sa.Column("lesson_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("lesson_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=500), nullable=True),
        sa.Column("homework", sa.Text(), nullable=True),
        sa.Column("homework_due_lesson_id", sa.Uuid, nullable=True),
        sa.Column("work_kind", sa.String(length=20), nullable=True),
        sa.Column("taught_by_person_id", sa.Uuid, nullable=False),
        sa.Column("substitute", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("updated_by", sa.Uuid, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("lesson_id", name=op.f("pk_lesson_record")),
    )
    op.create_index(
        "ix_lesson_record_school_id_lesson_on", "lesson_record", ["school_id", "lesson_on"], unique=False
    )
    op.create_table(
        "mark",
        sa.Column("mark_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("lesson_id", sa.Uuid, nullable=False),
        sa.Column("pupil_person_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("subject_id", sa.Uuid, nullable=False),
        sa.Column("term_id", sa.Uuid, nullable=False),
        sa.Column("lesson_on", sa.Date(), nullable=False),
        sa.Column("work_type_id", sa.Uuid, nullable=False),
        sa.Column("weight", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column("value", sa.String(length=8), nullable=False),
        sa.Column("numeric_value", sa.SmallInteger(), nullable=True),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("recorded_by", sa.Uuid, nullable=True),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("deleted_at", UtcDateTime, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("mark_id", name=op.f("pk_mark")),
    )
    op.create_index(
        "ix_mark_school_class_subject_term",
        "mark",
        ["school_id", "class_id", "subject_id", "term_id"],
        unique=False,
    )
    op.create_index("ix_mark_school_id_lesson_id", "mark", ["school_id", "lesson_id"], unique=False)
    op.create_index(
        "ix_mark_school_id_pupil_person_id_term_id",
        "mark",
        ["school_id", "pupil_person_id", "term_id"],
        unique=False,
    )
    op.create_table(
        "org_unit",
        sa.Column("org_unit_id", sa.Uuid, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.Uuid, nullable=True),
        sa.Column("source_version", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("org_unit_id", name=op.f("pk_org_unit")),
    )
    op.create_index(op.f("ix_org_unit_parent_id"), "org_unit", ["parent_id"], unique=False)
    op.create_table(
        "org_unit_state",
        sa.Column("org_unit_id", sa.Uuid, nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("source_version", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("org_unit_id", name=op.f("pk_org_unit_state")),
    )
    op.create_table(
        "person_name",
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("middle_name", sa.String(length=100), nullable=True),
        sa.Column("name_version", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_name")),
    )
    op.create_table(
        "school_class",
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=False),
        sa.Column("grade", sa.SmallInteger(), nullable=False),
        sa.Column("letter", sa.String(length=10), nullable=False),
        sa.Column("term_scheme_id", sa.Uuid, nullable=True),
        sa.Column("source_version", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("class_id", name=op.f("pk_school_class")),
    )
    op.create_index(
        "ix_school_class_school_id_academic_year_id",
        "school_class",
        ["school_id", "academic_year_id"],
        unique=False,
    )
    op.create_table(
        "staff_member",
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=True),
        sa.Column("middle_name", sa.String(length=100), nullable=True),
        sa.Column("hired_at", UtcDateTime, nullable=True),
        sa.Column("name_version", UtcDateTime, nullable=True),
        sa.Column("dismissed_on", sa.Date(), nullable=True),
        sa.Column("source_version", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("school_id", "person_id", name=op.f("pk_staff_member")),
    )
    op.create_table(
        "subgroup",
        sa.Column("subgroup_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=False),
        sa.Column("division", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("source_version", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("subgroup_id", name=op.f("pk_subgroup")),
    )
    op.create_index("ix_subgroup_school_id_class_id", "subgroup", ["school_id", "class_id"], unique=False)
    op.create_table(
        "subgroup_membership",
        sa.Column("membership_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("subgroup_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("from_on", sa.Date(), nullable=False),
        sa.Column("until_on", sa.Date(), nullable=True),
        sa.Column("source_version", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("membership_id", name=op.f("pk_subgroup_membership")),
    )
    op.create_index("ix_subgroup_membership_person_id", "subgroup_membership", ["person_id"], unique=False)
    op.create_index(
        "ix_subgroup_membership_school_id_subgroup_id",
        "subgroup_membership",
        ["school_id", "subgroup_id"],
        unique=False,
    )
    op.create_table(
        "subject",
        sa.Column("subject_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=50), nullable=True),
        sa.Column("source_version", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_subject")),
    )
    op.create_index(op.f("ix_subject_school_id"), "subject", ["school_id"], unique=False)
    op.create_table(
        "subject_scale",
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("subject_id", sa.Uuid, nullable=False),
        sa.Column("scale", sa.String(length=20), nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("school_id", "subject_id", name=op.f("pk_subject_scale")),
    )
    op.create_table(
        "substitution",
        sa.Column("substitution_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("lesson_id", sa.Uuid, nullable=False),
        sa.Column("substitute_person_id", sa.Uuid, nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("source_version", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("substitution_id", name=op.f("pk_substitution")),
    )
    op.create_index("ix_substitution_lesson_id", "substitution", ["lesson_id"], unique=False)
    op.create_table(
        "term",
        sa.Column("term_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("term_scheme_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=True),
        sa.Column("number", sa.SmallInteger(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("dates_version", UtcDateTime, nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("state_version", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("term_id", name=op.f("pk_term")),
    )
    op.create_index("ix_term_school_id_term_scheme_id", "term", ["school_id", "term_scheme_id"], unique=False)
    op.create_table(
        "term_mark",
        sa.Column("term_mark_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=False),
        sa.Column("pupil_person_id", sa.Uuid, nullable=False),
        sa.Column("subject_id", sa.Uuid, nullable=False),
        sa.Column("class_id", sa.Uuid, nullable=False),
        sa.Column("academic_year_id", sa.Uuid, nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("term_id", sa.Uuid, nullable=True),
        sa.Column("period_key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=8), nullable=False),
        sa.Column("numeric_value", sa.SmallInteger(), nullable=True),
        sa.Column("computed_average", sa.Numeric(precision=4, scale=2), nullable=True),
        sa.Column("policy_version", sa.Integer(), nullable=True),
        sa.Column("override_reason", sa.String(length=500), nullable=True),
        sa.Column("set_by", sa.Uuid, nullable=True),
        sa.Column("set_at", UtcDateTime, nullable=False),
        sa.Column("deleted_at", UtcDateTime, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term_mark_id", name=op.f("pk_term_mark")),
    )
    op.create_index(
        "ix_term_mark_school_id_class_id_subject_id",
        "term_mark",
        ["school_id", "class_id", "subject_id"],
        unique=False,
    )
    op.create_index(
        "uq_term_mark_live",
        "term_mark",
        ["school_id", "pupil_person_id", "subject_id", "academic_year_id", "period_key"],
        unique=True,
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.create_table(
        "work_type",
        sa.Column("work_type_id", sa.Uuid, nullable=False),
        sa.Column("school_id", sa.Uuid, nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("weight", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column("multiple", sa.Boolean(), nullable=False),
        sa.Column("control", sa.Boolean(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("work_type_id", name=op.f("pk_work_type")),
    )
    op.create_index("ix_work_type_school_id_code", "work_type", ["school_id", "code"], unique=False)


def _default_work_types() -> None:
    table = sa.table(
        "work_type",
        sa.column("work_type_id", sa.Uuid),
        sa.column("school_id", sa.Uuid),
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("weight", sa.Numeric(4, 2)),
        sa.column("multiple", sa.Boolean),
        sa.column("control", sa.Boolean),
        sa.column("retired", sa.Boolean),
        sa.column("updated_at", UtcDateTime),
    )
    now = utcnow()
    rows = [
        {
            "work_type_id": uuid.uuid5(WORK_TYPE_NAMESPACE, code),
            "school_id": None,
            "code": code,
            "name": name,
            "weight": Decimal(weight),
            "multiple": multiple,
            "control": control,
            "retired": False,
            "updated_at": now,
        }
        for code, name, weight, multiple, control in DEFAULT_WORK_TYPES
    ]
    op.bulk_insert(table, rows)


def upgrade() -> None:
    _tables()
    _default_work_types()
    create_bus_tables()


def downgrade() -> None:
    drop_bus_tables()
    op.drop_table("work_type")
    op.drop_table("term_mark")
    op.drop_table("term")
    op.drop_table("substitution")
    op.drop_table("subject_scale")
    op.drop_table("subject")
    op.drop_table("subgroup_membership")
    op.drop_table("subgroup")
    op.drop_table("staff_member")
    op.drop_table("school_class")
    op.drop_table("person_name")
    op.drop_table("org_unit_state")
    op.drop_table("org_unit")
    op.drop_table("mark")
    op.drop_table("lesson_record")
    op.drop_table("lesson")
    op.drop_table("journal_audit")
    op.drop_table("idempotent_request")
    op.drop_table("homework_attachment")
    op.drop_table("guardian_link")
    op.drop_table("grading_policy")
    op.drop_table("exemption")
    op.drop_table("class_teacher")
    op.drop_table("class_stay")
    op.drop_table("attendance")
