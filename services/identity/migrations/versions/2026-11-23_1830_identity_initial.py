"""Users, role bindings, signing keys, the login log, and the bus tables.

Revision ID: identity0001
Revises:
Create Date: 2026-11-23 18:30
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.bus.migrations import create_bus_tables, drop_bus_tables
from eschool.common.db.base import BigIntPK, UtcDateTime

revision = "identity0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_bus_tables()
    op.create_table(
        "user_account",
        sa.Column("user_account_id", sa.Uuid, primary_key=True),
        sa.Column("login", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=True),
        sa.Column("person_id", sa.Uuid, nullable=True),
        sa.Column("must_change_password", sa.Boolean, nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        sa.Column("locked_until", UtcDateTime, nullable=True),
        sa.Column("disabled_at", UtcDateTime, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("password_changed_at", UtcDateTime, nullable=True),
        sa.UniqueConstraint("login", name="uq_user_account_login"),
    )
    op.create_table(
        "role_binding",
        sa.Column("role_binding_id", sa.Uuid, primary_key=True),
        sa.Column(
            "user_account_id",
            sa.Uuid,
            sa.ForeignKey(
                "user_account.user_account_id", name="fk_role_binding_user_account_id_user_account"
            ),
            nullable=False,
        ),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("org_unit_id", sa.Uuid, nullable=True),
        sa.Column("granted_at", UtcDateTime, nullable=False),
        sa.Column("granted_by", sa.Uuid, nullable=True),
        sa.UniqueConstraint(
            "user_account_id", "role", "org_unit_id", name="uq_role_binding_user_account_id_role_org_unit_id"
        ),
    )
    op.create_index("ix_role_binding_org_unit_id", "role_binding", ["org_unit_id"])
    op.create_table(
        "signing_key",
        sa.Column("kid", sa.String(64), primary_key=True),
        sa.Column("private_pem", sa.Text, nullable=False),
        sa.Column("public_jwk", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("retired_at", UtcDateTime, nullable=True),
    )
    op.create_table(
        "login_attempt",
        sa.Column("login_attempt_id", BigIntPK, primary_key=True, autoincrement=True),
        sa.Column("user_account_id", sa.Uuid, nullable=True),
        sa.Column("login", sa.String(100), nullable=False),
        sa.Column("occurred_at", UtcDateTime, nullable=False),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.Column("client_id", sa.String(100), nullable=True),
        sa.Column("outcome", sa.String(40), nullable=False),
    )
    op.create_index("ix_login_attempt_occurred_at", "login_attempt", ["occurred_at"])


def downgrade() -> None:
    op.drop_table("login_attempt")
    op.drop_table("signing_key")
    op.drop_table("role_binding")
    op.drop_table("user_account")
    drop_bus_tables()
