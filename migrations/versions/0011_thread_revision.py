"""Threads' and groups' revisions, raised by triggers whenever what their pages show changes

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 01:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

from community.forums import revisions

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_TRIGGERS = {
    "sqlite": [
        "posts_revise_thread_insert",
        "posts_revise_thread_delete",
        "posts_revise_thread_update",
        "reactions_revise_thread_insert",
        "reactions_revise_thread_delete",
        "reactions_revise_thread_update",
        "users_revise_threads",
        "threads_revise_group_insert",
        "threads_revise_group_delete",
        "threads_revise_group_update",
    ],
}


def upgrade():
    for table in ("threads", "groups"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="0", nullable=False))
    for statement in revisions.STATEMENTS.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER posts_revise_thread ON posts")
        op.execute("DROP TRIGGER reactions_revise_thread ON reactions")
        op.execute("DROP TRIGGER users_revise_threads ON users")
        op.execute("DROP TRIGGER threads_revise_group_insert_delete ON threads")
        op.execute("DROP TRIGGER threads_revise_group_update ON threads")
        functions = (
            "posts_revise_thread",
            "reactions_revise_thread",
            "users_revise_threads",
            "threads_revise_group",
        )
        for function in functions:
            op.execute(f"DROP FUNCTION {function}()")
    for trigger in _TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(f"DROP TRIGGER {trigger}")
    for table in ("threads", "groups"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("revision")
