"""A member's time zone, for the times the site prints ("" follows the browser's)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), server_default="", nullable=False))


def downgrade():
    # SQLite rebuilds the table to drop a column, and batch mode cannot carry an index on an
    # expression across: drop it first and make it again after (as 0005 does).
    op.drop_index("uq_users_username_lower", table_name="users")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
    op.create_index("uq_users_username_lower", "users", [sa.text("lower(username)")], unique=True)
