"""A thread's and a group's revision: numbers the database raises whenever anything their
pages show of their posts (a thread) or threads (a group) changes, so a page kept whole
(community/kept_pages.py) is known to be current from the thread's or group's own row.

Triggers raise it, not the code that makes the change: a post written, edited, removed,
hidden or moved; a reaction added or taken back; a thread started, replied to, renamed,
pinned, closed, hidden, moved or deleted; an author's, reactor's or last poster's name,
pronouns or role changed; whether by the ORM, a bulk statement, a migration or an
operator's SQL. What a page shows of the thread or group itself is read with it and is part
of the kept page's key directly.
"""

from __future__ import annotations

from sqlalchemy import DDL, event

# Shown on a thread page of each member: a change to any of these raises the revision of
# every thread where they wrote or reacted.
MEMBER_COLUMNS = ("username", "display_name", "pronouns", "role")

_THREADS_OF_MEMBER = (
    "SELECT thread_id FROM posts WHERE author_id = {id} "
    "UNION SELECT posts.thread_id FROM reactions JOIN posts ON posts.id = reactions.post_id "
    "WHERE reactions.user_id = {id}"
)
_BUMP = "UPDATE threads SET revision = revision + 1 WHERE id"
_BUMP_GROUP = "UPDATE groups SET revision = revision + 1 WHERE id"
# What a group's page lists of each thread. Not the thread's revision: a reaction or an edit
# does not change the group's page, and on PostgreSQL each raise holds the group's row until
# its transaction ends. (Search keys by the sum of the threads' revisions.)
THREAD_COLUMNS = (
    "group_id",
    "author_id",
    "title",
    "last_post_at",
    "last_poster_id",
    "post_count",
    "pinned",
    "locked",
    "state",
)
_GROUPS_OF_MEMBER = "SELECT group_id FROM threads WHERE author_id = {id} OR last_poster_id = {id}"

SQLITE = [
    *(
        f"CREATE TRIGGER posts_revise_thread_{op.lower()} AFTER {op} ON posts "
        f"BEGIN {_BUMP} IN ({row}.thread_id); END"
        for op, row in (("INSERT", "NEW"), ("DELETE", "OLD"))
    ),
    f"CREATE TRIGGER posts_revise_thread_update AFTER UPDATE ON posts "
    f"BEGIN {_BUMP} IN (OLD.thread_id, NEW.thread_id); END",
    *(
        f"CREATE TRIGGER reactions_revise_thread_{op.lower()} AFTER {op} ON reactions "
        f"BEGIN {_BUMP} IN (SELECT thread_id FROM posts WHERE id = {row}.post_id); END"
        for op, row in (("INSERT", "NEW"), ("DELETE", "OLD"))
    ),
    f"CREATE TRIGGER reactions_revise_thread_update AFTER UPDATE ON reactions "
    f"BEGIN {_BUMP} IN (SELECT thread_id FROM posts WHERE id IN (OLD.post_id, NEW.post_id)); END",
    *(
        f"CREATE TRIGGER threads_revise_group_{op.lower()} AFTER {op} ON threads "
        f"BEGIN {_BUMP_GROUP} IN ({row}.group_id); END"
        for op, row in (("INSERT", "NEW"), ("DELETE", "OLD"))
    ),
    f"CREATE TRIGGER threads_revise_group_update AFTER UPDATE OF {', '.join(THREAD_COLUMNS)} ON threads "
    f"BEGIN {_BUMP_GROUP} IN (OLD.group_id, NEW.group_id); END",
    f"CREATE TRIGGER users_revise_threads AFTER UPDATE OF {', '.join(MEMBER_COLUMNS)} ON users "
    f"BEGIN {_BUMP} IN ({_THREADS_OF_MEMBER.format(id='NEW.id')}); "
    f"{_BUMP_GROUP} IN ({_GROUPS_OF_MEMBER.format(id='NEW.id')}); END",
]


def _changed(columns) -> str:
    return " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns)


POSTGRESQL = [
    f"""CREATE FUNCTION posts_revise_thread() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {_BUMP} = OLD.thread_id; END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.thread_id <> OLD.thread_id) THEN
    {_BUMP} = NEW.thread_id;
  END IF;
  RETURN NULL;
END $$""",
    f"""CREATE FUNCTION reactions_revise_thread() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {_BUMP} IN (SELECT thread_id FROM posts WHERE id = OLD.post_id); END IF;
  IF TG_OP <> 'DELETE' THEN {_BUMP} IN (SELECT thread_id FROM posts WHERE id = NEW.post_id); END IF;
  RETURN NULL;
END $$""",
    f"""CREATE FUNCTION users_revise_threads() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_BUMP} IN ({_THREADS_OF_MEMBER.format(id="NEW.id")});
  {_BUMP_GROUP} IN ({_GROUPS_OF_MEMBER.format(id="NEW.id")});
  RETURN NULL;
END $$""",
    f"""CREATE FUNCTION threads_revise_group() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {_BUMP_GROUP} = OLD.group_id; END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.group_id <> OLD.group_id) THEN
    {_BUMP_GROUP} = NEW.group_id;
  END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER threads_revise_group_insert_delete AFTER INSERT OR DELETE ON threads "
    "FOR EACH ROW EXECUTE FUNCTION threads_revise_group()",
    f"CREATE TRIGGER threads_revise_group_update AFTER UPDATE ON threads "
    f"FOR EACH ROW WHEN ({_changed(THREAD_COLUMNS)}) EXECUTE FUNCTION threads_revise_group()",
    "CREATE TRIGGER posts_revise_thread AFTER INSERT OR UPDATE OR DELETE ON posts "
    "FOR EACH ROW EXECUTE FUNCTION posts_revise_thread()",
    "CREATE TRIGGER reactions_revise_thread AFTER INSERT OR UPDATE OR DELETE ON reactions "
    "FOR EACH ROW EXECUTE FUNCTION reactions_revise_thread()",
    f"CREATE TRIGGER users_revise_threads AFTER UPDATE OF {', '.join(MEMBER_COLUMNS)} ON users "
    f"FOR EACH ROW WHEN ({_changed(MEMBER_COLUMNS)}) EXECUTE FUNCTION users_revise_threads()",
]

STATEMENTS = {"sqlite": SQLITE, "postgresql": POSTGRESQL}


def install(metadata) -> None:
    """Make the triggers whenever the tables are made with create_all (tests; the migration
    0011 makes them for a database the migrations build)."""
    for dialect, statements in STATEMENTS.items():
        for statement in statements:
            event.listen(metadata, "after_create", DDL(statement).execute_if(dialect=dialect))
