"""Reading the forums: a thread as one reader opens it (with read state and watching), its
page of posts, the reactions on them, and the member's home lists. The thread page is the
busiest page, so its statements are built once and take their values as parameters."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Integer, String, and_, bindparam, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from community.accounts.models import User, staff_label
from community.extensions import db
from community.forums.models import (
    REACTIONS,
    Group,
    Membership,
    Post,
    Reaction,
    Thread,
    ThreadRead,
    ThreadWatch,
)
from community.forums.permissions import is_member, listed_threads, open_groups, visible_posts
from community.moderation import blocking

POSTS_PER_PAGE = 20


@dataclass
class ReactionSummary:
    kind: str
    label: str
    count: int
    names: list[str]
    mine: bool


@dataclass
class Reading:
    """A thread as one reader opens it, with how far they had read it and whether they
    watch it: one statement, where asking each apart took three."""

    thread: Thread
    read: ThreadRead | None
    watching: bool
    # Whether anything of the reader's own touches the page: a post of theirs in the thread;
    # a reaction of theirs in it, or anyone blocked, or a word muted (own_in_thread asks
    # which only then).
    wrote: bool = False
    has_own: bool = False


# The busiest statements are built once, with their values as parameters: building and
# keying a statement for SQLAlchemy's cache cost more than SQLite took to run it. Built on
# first use, not on import: a loader option configures every mapper, and an import of one
# feature's models alone must not need the others'.
@cache
def _open_thread_statement(for_member: bool):
    statement = select(Thread).where(Thread.id == bindparam("thread_id")).options(joinedload(Thread.group))
    if not for_member:
        return statement
    member = bindparam("viewer_id")
    wrote = exists().where(Post.thread_id == Thread.id, Post.author_id == member)
    reacted = exists().where(
        Reaction.user_id == member, Reaction.post_id == Post.id, Post.thread_id == Thread.id
    )
    return (
        statement.add_columns(
            ThreadRead, ThreadWatch.watching, wrote, or_(reacted, blocking.blocks_or_words_exist(member))
        )
        .outerjoin(
            ThreadRead,
            and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == bindparam("viewer_id")),
        )
        .outerjoin(
            ThreadWatch,
            and_(ThreadWatch.thread_id == Thread.id, ThreadWatch.user_id == bindparam("viewer_id")),
        )
    )


def open_thread(thread_id: int, viewer) -> Reading | None:
    if not is_member(viewer):
        thread = db.session.scalar(_open_thread_statement(False), {"thread_id": thread_id})
        return Reading(thread, None, False) if thread is not None else None
    values = {"thread_id": thread_id, "viewer_id": viewer.id}
    row = db.session.execute(_open_thread_statement(True), values).first()
    return Reading(row[0], row[1], bool(row[2]), bool(row[3]), bool(row[4])) if row is not None else None


class _ViewerAsParameter:
    """A viewer as a rule's query condition reads them, but with their id a parameter: the
    statement it makes then serves every viewer of that kind (visitor, member, moderator)."""

    def __init__(self, signed_in: bool, role: str | None):
        self.is_authenticated, self.role, self.id = signed_in, role, bindparam("viewer_id")


@cache
def _thread_page_statement(signed_in: bool, role: str | None):
    """A page of posts, with the total (count(*) over ()) rather than a second statement."""
    return (
        select(Post, func.count().over())
        .where(Post.thread_id == bindparam("thread_id"), visible_posts(_ViewerAsParameter(signed_in, role)))
        .options(joinedload(Post.author))
        .order_by(Post.id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


class _ThreadPage(Pagination):
    """db.paginate's page of a thread; only a page past the end, whose missing rows cannot
    carry the total, counts apart."""

    _total: int | None = None

    def _query_items(self) -> list:
        thread, viewer = self._query_args["thread"], self._query_args["viewer"]
        signed_in = is_member(viewer)
        statement = _thread_page_statement(signed_in, viewer.role if signed_in else None)
        values = {"thread_id": thread.id, "viewer_id": viewer.id if signed_in else None}
        rows = db.session.execute(
            statement, {**values, "limit": self.per_page, "offset": self._query_offset}
        ).all()
        self._total = rows[0][1] if rows else None
        return [post for post, _ in rows]

    def _query_count(self) -> int:
        if self._total is not None:
            return self._total
        thread, viewer = self._query_args["thread"], self._query_args["viewer"]
        return db.session.scalar(
            select(func.count()).select_from(Post).where(Post.thread_id == thread.id, visible_posts(viewer))
        )


def thread_page(thread: Thread, page: int, viewer=None):
    posts = _ThreadPage(
        thread=thread, viewer=viewer, page=page, per_page=POSTS_PER_PAGE, max_per_page=None, error_out=False
    )
    for post in posts.items:  # the rules ask each post for its thread: it is this one
        set_committed_value(post, "thread", thread)
    return posts


def page_of_post(post: Post, viewer=None) -> int:
    before = db.session.scalar(
        select(func.count())
        .select_from(Post)
        .where(Post.thread_id == post.thread_id, Post.id < post.id, visible_posts(viewer))
    )
    return before // POSTS_PER_PAGE + 1


@cache
def _reactions_statement():
    return (
        select(Reaction.post_id, Reaction.kind, User.id, User.username, User.display_name, User.role)
        .join(User, User.id == Reaction.user_id)
        .where(Reaction.post_id.in_(bindparam("post_ids", expanding=True)))
        .order_by(Reaction.created_at)
    )


def reactions_for(posts: list[Post], viewer) -> dict[int, list[ReactionSummary]]:
    """Every reaction on a page of posts, with who reacted, in one query."""
    ids = [post.id for post in posts]
    found: dict[tuple[int, str], list] = {}
    if ids:
        rows = db.session.execute(_reactions_statement(), {"post_ids": ids})
        for post_id, kind, user_id, username, display_name, role in rows:
            name = display_name or username
            if label := staff_label(role):  # who reacted, with staff named as staff here too
                name = f"{name} ({label})"
            found.setdefault((post_id, kind), []).append((user_id, name))
    viewer_id = viewer.id if is_member(viewer) else None
    return {
        post_id: [
            ReactionSummary(
                kind,
                label,
                len(people := found.get((post_id, kind), [])),
                [name for _, name in people],
                any(uid == viewer_id for uid, _ in people),
            )
            for kind, label in REACTIONS.items()
        ]
        for post_id in ids
    }


@cache
def _revision_statement():
    return select(Thread.revision).where(Thread.id == bindparam("thread_id"))


def thread_revision(thread_id: int) -> int | None:
    """The thread's revision as the database has it now (not as the session loaded it)."""
    return db.session.scalar(_revision_statement(), {"thread_id": thread_id})


@cache
def _own_in_thread_statement():
    """The reader's reactions in a thread ("r"), a row if they wrote in it ("p"), whom they
    block ("b") and the words they mute ("w"): one statement."""
    thread, member = bindparam("thread_id"), bindparam("member_id")
    reactions = (
        select(literal("r", String), Reaction.post_id, Reaction.kind)
        .join(Post, Post.id == Reaction.post_id)
        .where(Post.thread_id == thread, Reaction.user_id == member)
    )
    wrote = select(literal("p", String), literal(None, Integer), literal(None, String)).where(
        exists().where(Post.thread_id == thread, Post.author_id == member)
    )
    return union_all(reactions, wrote, *blocking.blocks_and_words_selects(tag=True))


@dataclass
class Own:
    """What makes a thread page one member's, beside their rights."""

    reactions: tuple[tuple[int, str], ...]  # (post id, kind), sorted
    wrote: bool  # any post in the thread
    collapser: blocking.Collapser


def own_in_thread(reading: Reading, reader) -> Own:
    """The reader's own facts in a thread opened with open_thread: asked only when it found
    some (most readers have none: no statement then)."""
    if not reading.has_own:
        return Own((), reading.wrote, blocking.Collapser(reader, rows=[]))
    rows: dict[str, list] = {"r": [], "p": [], "b": [], "w": []}
    for tag, number, text in db.session.execute(
        _own_in_thread_statement(), {"thread_id": reading.thread.id, "member_id": reader.id}
    ):
        rows[tag].append((number, text))
    return Own(tuple(sorted(rows["r"])), bool(rows["p"]), blocking.Collapser(reader, rows["b"] + rows["w"]))


# The member's home ----------------------------------------------------------------------


def new_in_my_groups(user, limit: int = 10) -> list[tuple[Thread, bool]]:
    """The latest threads in my groups, each with whether it has posts I have not read."""
    query = (
        select(Thread, ThreadRead.last_read_at)
        .join(Membership, and_(Membership.group_id == Thread.group_id, Membership.user_id == user.id))
        .join(Group, Group.id == Thread.group_id)
        .where(open_groups(), listed_threads(user))
        .outerjoin(ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == user.id))
        .options(joinedload(Thread.group), joinedload(Thread.last_poster))
        .order_by(Thread.last_post_at.desc())
        .limit(limit)
    )
    return [
        (thread, read_at is None or read_at < thread.last_post_at)
        for thread, read_at in db.session.execute(query)
    ]


def unread_watched_threads(user, limit: int = 10) -> list[Thread]:
    """Threads I watch that have replies I have not read yet."""
    query = (
        select(Thread)
        .join(
            ThreadWatch,
            and_(
                ThreadWatch.thread_id == Thread.id,
                ThreadWatch.user_id == user.id,
                ThreadWatch.watching.is_(True),
            ),
        )
        .outerjoin(ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == user.id))
        .join(Group, Group.id == Thread.group_id)
        .where(open_groups(), listed_threads(user))
        .where(or_(ThreadRead.last_read_at.is_(None), ThreadRead.last_read_at < Thread.last_post_at))
        .options(joinedload(Thread.group), joinedload(Thread.last_poster))
        .order_by(Thread.last_post_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
