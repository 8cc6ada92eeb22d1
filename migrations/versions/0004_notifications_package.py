"""Notifications as their own package: a generic subject, URL and parameters; one
preference row per member and kind instead of a column per kind

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD_KINDS = ("mentions", "replies", "reactions")
NEW_KINDS = ("mention", "reply", "reaction")


def upgrade():
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_notification_preferences")),
    )
    conn = op.get_bind()
    settings = sa.table(
        "notification_settings",
        sa.column("user_id", sa.Integer),
        *(sa.column(name, sa.Boolean) for name in OLD_KINDS),
    )
    preferences = sa.table(
        "notification_preferences",
        sa.column("user_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("enabled", sa.Boolean),
    )
    # A row with every kind off is what saving the old page unchanged produced (its boxes
    # showed unticked for members who had never saved): not a choice, so it is not kept.
    rows = [
        {"user_id": row.user_id, "kind": new, "enabled": False}
        for row in conn.execute(sa.select(settings))
        if any(getattr(row, old) for old in OLD_KINDS)
        for old, new in zip(OLD_KINDS, NEW_KINDS, strict=True)
        if getattr(row, old) is False
    ]
    if rows:
        op.bulk_insert(preferences, rows)
    op.drop_table("notification_settings")

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("subject_type", sa.String(length=30), nullable=False, server_default="post")
        )
        batch_op.add_column(sa.Column("subject_id", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("url", sa.String(length=300), nullable=False, server_default="/"))
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch_op.alter_column("kind", existing_type=sa.String(length=20), type_=sa.String(length=30))
    notifications = sa.table(
        "notifications",
        sa.column("id", sa.Integer),
        sa.column("post_id", sa.Integer),
        sa.column("thread_id", sa.Integer),
        sa.column("subject_id", sa.Integer),
        sa.column("url", sa.String),
        sa.column("params", sa.JSON),
    )
    threads = sa.table("threads", sa.column("id", sa.Integer), sa.column("title", sa.String))
    found = conn.execute(
        sa.select(notifications.c.id, notifications.c.post_id, threads.c.title).select_from(
            notifications.outerjoin(threads, threads.c.id == notifications.c.thread_id)
        )
    )
    for id_, post_id, title in list(found):
        if post_id is None:  # about nothing that still exists
            conn.execute(notifications.delete().where(notifications.c.id == id_))
            continue
        conn.execute(
            notifications.update()
            .where(notifications.c.id == id_)
            .values(subject_id=post_id, url=f"/posts/{post_id}", params={"title": title or ""})
        )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column("subject_type", server_default=None)
        batch_op.alter_column("subject_id", server_default=None)
        batch_op.alter_column("url", server_default=None)
        batch_op.alter_column("params", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_constraint("fk_notifications_post_id_posts", type_="foreignkey")
        batch_op.drop_constraint("fk_notifications_thread_id_threads", type_="foreignkey")
        batch_op.drop_column("post_id")
        batch_op.drop_column("thread_id")
        batch_op.create_index("ix_notifications_subject", ["subject_type", "subject_id"], unique=False)


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_subject")
        batch_op.add_column(sa.Column("thread_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("post_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_notifications_thread_id_threads", "threads", ["thread_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_foreign_key(
            "fk_notifications_post_id_posts", "posts", ["post_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.drop_column("params")
        batch_op.drop_column("url")
        batch_op.drop_column("subject_id")
        batch_op.drop_column("subject_type")
        batch_op.alter_column("kind", existing_type=sa.String(length=30), type_=sa.String(length=20))
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("mentions", sa.Boolean(), nullable=False),
        sa.Column("replies", sa.Boolean(), nullable=False),
        sa.Column("reactions", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notification_settings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_settings")),
    )
    op.drop_table("notification_preferences")
