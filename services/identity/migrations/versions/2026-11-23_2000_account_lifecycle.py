"""Account lifecycle: the account audit, guardians' pupils, indexes for the login log and IP limits.

Revision ID: identity0004
Revises: identity0003
Create Date: 2026-11-23 20:00
"""

import sqlalchemy as sa
from alembic import op

from eschool.common.db.base import BigIntPK, UtcDateTime

revision = "identity0004"
down_revision = "identity0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("role_binding") as batch:
        # A guardian's binding lists the pupils they may see (ids only; names stay in contingent).
        batch.add_column(sa.Column("pupil_ids", sa.JSON, nullable=True))
    # The per-IP failed-login limit counts recent failures from one address.
    op.create_index("ix_login_attempt_ip_occurred_at", "login_attempt", ["ip", "occurred_at"])
    # The authorization log filtered by account, newest first.
    op.create_index(
        "ix_login_attempt_user_account_id_occurred_at", "login_attempt", ["user_account_id", "occurred_at"]
    )
    op.create_index("ix_user_account_person_id", "user_account", ["person_id"])
    op.create_table(
        "account_audit",
        sa.Column("account_audit_id", BigIntPK, primary_key=True, autoincrement=True),
        sa.Column("user_account_id", sa.Uuid, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("actor_user_id", sa.Uuid, nullable=True),
        sa.Column("occurred_at", UtcDateTime, nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("detail", sa.JSON, nullable=True),
    )
    op.create_index(
        "ix_account_audit_user_account_id_occurred_at", "account_audit", ["user_account_id", "occurred_at"]
    )


def downgrade() -> None:
    op.drop_table("account_audit")
    op.drop_index("ix_user_account_person_id", table_name="user_account")
    op.drop_index("ix_login_attempt_user_account_id_occurred_at", table_name="login_attempt")
    op.drop_index("ix_login_attempt_ip_occurred_at", table_name="login_attempt")
    with op.batch_alter_table("role_binding") as batch:
        batch.drop_column("pupil_ids")
