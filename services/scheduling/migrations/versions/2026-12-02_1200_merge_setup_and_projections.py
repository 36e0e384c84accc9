"""Joins the two branches written side by side: subjects, rooms and bells (scheduling0002) and the
projections of contingent's classes, subgroups and staff (scheduling0003). No schema change.

Revision ID: scheduling0004
Revises: scheduling0002, scheduling0003
Create Date: 2026-12-02 12:00
"""

revision = "scheduling0004"
down_revision = ("scheduling0002", "scheduling0003")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to do: the branches touch different tables."""


def downgrade() -> None:
    """Nothing to undo."""
