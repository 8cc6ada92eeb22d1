"""Threads' and groups' revisions, raised by triggers whenever what their pages show changes

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 01:30:00.000000

"""

# ruff: noqa: E501  (the triggers as written, one statement a line)
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# The triggers as community/forums/revisions.py made them when this migration was written:
# kept here as they were, so this migration makes the same triggers whatever changes later.
STATEMENTS = {
    "sqlite": [
        "CREATE TRIGGER posts_revise_thread_insert AFTER INSERT ON posts BEGIN UPDATE threads SET revision = revision + 1 WHERE id IN (NEW.thread_id); END",
        "CREATE TRIGGER posts_revise_thread_delete AFTER DELETE ON posts BEGIN UPDATE threads SET revision = revision + 1 WHERE id IN (OLD.thread_id); END",
        "CREATE TRIGGER posts_revise_thread_update AFTER UPDATE ON posts BEGIN UPDATE threads SET revision = revision + 1 WHERE id IN (OLD.thread_id, NEW.thread_id); END",
        "CREATE TRIGGER reactions_revise_thread_insert AFTER INSERT ON reactions BEGIN UPDATE threads SET revision = revision + 1 WHERE id IN (SELECT thread_id FROM posts WHERE id = NEW.post_id); END",
        "CREATE TRIGGER reactions_revise_thread_delete AFTER DELETE ON reactions BEGIN UPDATE threads SET revision = revision + 1 WHERE id IN (SELECT thread_id FROM posts WHERE id = OLD.post_id); END",
        "CREATE TRIGGER reactions_revise_thread_update AFTER UPDATE ON reactions BEGIN UPDATE threads SET revision = revision + 1 WHERE id IN (SELECT thread_id FROM posts WHERE id IN (OLD.post_id, NEW.post_id)); END",
        "CREATE TRIGGER threads_revise_group_insert AFTER INSERT ON threads BEGIN UPDATE groups SET revision = revision + 1 WHERE id IN (NEW.group_id); END",
        "CREATE TRIGGER threads_revise_group_delete AFTER DELETE ON threads BEGIN UPDATE groups SET revision = revision + 1 WHERE id IN (OLD.group_id); END",
        "CREATE TRIGGER threads_revise_group_update AFTER UPDATE OF group_id, author_id, title, last_post_at, last_poster_id, post_count, pinned, locked, state ON threads BEGIN UPDATE groups SET revision = revision + 1 WHERE id IN (OLD.group_id, NEW.group_id); END",
        "CREATE TRIGGER users_revise_threads AFTER UPDATE OF username, display_name, pronouns, role ON users BEGIN UPDATE threads SET revision = revision + 1 WHERE id IN (SELECT thread_id FROM posts WHERE author_id = NEW.id UNION SELECT posts.thread_id FROM reactions JOIN posts ON posts.id = reactions.post_id WHERE reactions.user_id = NEW.id); UPDATE groups SET revision = revision + 1 WHERE id IN (SELECT group_id FROM threads WHERE author_id = NEW.id OR last_poster_id = NEW.id); END",
    ],
    "postgresql": [
        "CREATE FUNCTION posts_revise_thread() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP <> 'INSERT' THEN UPDATE threads SET revision = revision + 1 WHERE id = OLD.thread_id; END IF;\n  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.thread_id <> OLD.thread_id) THEN\n    UPDATE threads SET revision = revision + 1 WHERE id = NEW.thread_id;\n  END IF;\n  RETURN NULL;\nEND $$",
        "CREATE FUNCTION reactions_revise_thread() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP <> 'INSERT' THEN UPDATE threads SET revision = revision + 1 WHERE id IN (SELECT thread_id FROM posts WHERE id = OLD.post_id); END IF;\n  IF TG_OP <> 'DELETE' THEN UPDATE threads SET revision = revision + 1 WHERE id IN (SELECT thread_id FROM posts WHERE id = NEW.post_id); END IF;\n  RETURN NULL;\nEND $$",
        "CREATE FUNCTION users_revise_threads() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  UPDATE threads SET revision = revision + 1 WHERE id IN (SELECT thread_id FROM posts WHERE author_id = NEW.id UNION SELECT posts.thread_id FROM reactions JOIN posts ON posts.id = reactions.post_id WHERE reactions.user_id = NEW.id);\n  UPDATE groups SET revision = revision + 1 WHERE id IN (SELECT group_id FROM threads WHERE author_id = NEW.id OR last_poster_id = NEW.id);\n  RETURN NULL;\nEND $$",
        "CREATE FUNCTION threads_revise_group() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP <> 'INSERT' THEN UPDATE groups SET revision = revision + 1 WHERE id = OLD.group_id; END IF;\n  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.group_id <> OLD.group_id) THEN\n    UPDATE groups SET revision = revision + 1 WHERE id = NEW.group_id;\n  END IF;\n  RETURN NULL;\nEND $$",
        "CREATE TRIGGER threads_revise_group_insert_delete AFTER INSERT OR DELETE ON threads FOR EACH ROW EXECUTE FUNCTION threads_revise_group()",
        "CREATE TRIGGER threads_revise_group_update AFTER UPDATE ON threads FOR EACH ROW WHEN (OLD.group_id IS DISTINCT FROM NEW.group_id OR OLD.author_id IS DISTINCT FROM NEW.author_id OR OLD.title IS DISTINCT FROM NEW.title OR OLD.last_post_at IS DISTINCT FROM NEW.last_post_at OR OLD.last_poster_id IS DISTINCT FROM NEW.last_poster_id OR OLD.post_count IS DISTINCT FROM NEW.post_count OR OLD.pinned IS DISTINCT FROM NEW.pinned OR OLD.locked IS DISTINCT FROM NEW.locked OR OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION threads_revise_group()",
        "CREATE TRIGGER posts_revise_thread AFTER INSERT OR UPDATE OR DELETE ON posts FOR EACH ROW EXECUTE FUNCTION posts_revise_thread()",
        "CREATE TRIGGER reactions_revise_thread AFTER INSERT OR UPDATE OR DELETE ON reactions FOR EACH ROW EXECUTE FUNCTION reactions_revise_thread()",
        "CREATE TRIGGER users_revise_threads AFTER UPDATE OF username, display_name, pronouns, role ON users FOR EACH ROW WHEN (OLD.username IS DISTINCT FROM NEW.username OR OLD.display_name IS DISTINCT FROM NEW.display_name OR OLD.pronouns IS DISTINCT FROM NEW.pronouns OR OLD.role IS DISTINCT FROM NEW.role) EXECUTE FUNCTION users_revise_threads()",
    ],
}

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
    for statement in STATEMENTS.get(op.get_bind().dialect.name, []):
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
