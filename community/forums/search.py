"""Full-text search over posts: SQLite FTS5 or PostgreSQL tsvector + GIN, one interface.

The index table `post_search` is written when a post is written (never when it is read)
and holds the thread title (first posts only) and the post's text as a reader sees it. Snippets are
marked with control characters that member text cannot contain (content.normalise_text
removes them), escaped, and only then given <mark> tags, so highlighting cannot open an
XSS hole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import (
    case,
    cast,
    column,
    delete,
    event,
    exists,
    func,
    insert,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import REGCONFIG

from community import content
from community.database import Base
from community.extensions import db

PER_PAGE = 20
_START, _STOP = "\x02", "\x03"
_WORD = re.compile(r"\w+", re.UNICODE)

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS post_search USING fts5("
    "title, body, tokenize = 'porter unicode61 remove_diacritics 2')",
]
POSTGRESQL_DDL = [
    "CREATE TABLE IF NOT EXISTS post_search ("
    " post_id integer PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,"
    " title text NOT NULL DEFAULT '', body text NOT NULL DEFAULT '',"
    " document tsvector GENERATED ALWAYS AS ("
    "  setweight(to_tsvector('english', title), 'A')"
    "  || setweight(to_tsvector('english', body), 'B')) STORED)",
    "CREATE INDEX IF NOT EXISTS ix_post_search_document ON post_search USING gin (document)",
]


def is_search_table(name: str) -> bool:
    """post_search and FTS5's shadow tables live outside the ORM metadata."""
    return name == "post_search" or name.startswith("post_search_")


@event.listens_for(Base.metadata, "after_create")
def _create_index_table(target, connection, **kwargs):
    """Tests build the schema with create_all; the migration builds the same table."""
    for statement in SQLITE_DDL if connection.dialect.name == "sqlite" else POSTGRESQL_DDL:
        connection.execute(text(statement))


@event.listens_for(Base.metadata, "before_drop")
def _drop_index_table(target, connection, **kwargs):
    connection.execute(text("DROP TABLE IF EXISTS post_search"))


_SQLITE_INDEX = table("post_search", column("rowid"), column("title"), column("body"))
_PG_INDEX = table("post_search", column("post_id"), column("title"), column("body"), column("document"))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def plain_text(html: str) -> str:
    """What a reader sees of a post (content.plain_text), without the snippet markers."""
    return content.plain_text(html).replace(_START, "").replace(_STOP, "")


def _index():
    """The index table and its key column on this database."""
    if _dialect() == "sqlite":
        return _SQLITE_INDEX, _SQLITE_INDEX.c.rowid
    return _PG_INDEX, _PG_INDEX.c.post_id


def index_post(post_id: int, title: str, body_html: str) -> None:
    """Add or replace one post in the index; called in the same transaction as the write."""
    index, key = _index()
    remove_post(post_id)
    body = " ".join(plain_text(body_html).split())
    db.session.execute(insert(index).values({key.name: post_id, "title": title, "body": body}))


def remove_post(post_id: int) -> None:
    index, key = _index()
    db.session.execute(delete(index).where(key == post_id))


@dataclass
class Hit:
    post_id: int
    snippet: Markup
    # The words of the query this post lacks: empty for a post with all of them.
    missing: tuple[str, ...] = ()

    @property
    def partial(self) -> bool:
        return bool(self.missing)


# When nothing has every word, posts with some of them are offered instead. Words like these
# are in nearly every post, so they never count towards "some of them" (PostgreSQL's English
# list, which its index leaves out anyway, so both databases agree), and neither do words of
# one or two letters ("t" in "can't").
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can did do does doing don down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with you your yours yourself yourselves""".split()
)
# The best-ranked posts with any of the words are sorted by how many they have; a cap keeps
# a common word ("pain") from making the fallback read half the index.
PARTIAL_CANDIDATES = 200


def _words(query: str) -> list[str]:
    """Any input becomes plain words (letters, digits, _): no operator survives."""
    return _WORD.findall(query)[:12]


def _significant(words: list[str]) -> list[str]:
    """The words that say what a post is about, each once, in the order typed."""
    kept: dict[str, str] = {}
    for word in words:
        if len(word) > 2 and word.lower() not in STOP_WORDS:
            kept.setdefault(word.lower(), word)
    return list(kept.values())


def _fts5_query(words: list[str], prefix: bool = True, joiner: str = " ") -> str:
    """Every word required (or any, joined by OR), the last one a prefix (so "mirr" finds
    "mirror")."""
    return joiner.join(f'"{word}"' for word in words) + ("*" if prefix else "")


def _tsquery(words: list[str], prefix: bool = True, joiner: str = " & ") -> str:
    """The same on PostgreSQL: to_tsquery syntax, words only, the last one a prefix."""
    return joiner.join(words[:-1] + [f"{words[-1]}:*" if prefix else words[-1]])


def _highlight(snippet: str) -> Markup:
    escaped = str(escape(snippet))
    return Markup(escaped.replace(_START, "<mark>").replace(_STOP, "</mark>"))


class _Engine:
    """One database's way to match, rank and quote posts for a query in its own syntax."""

    def __init__(self, words: list[str], prefix: bool, every: bool):
        self.sqlite = _dialect() == "sqlite"
        self.words, self.prefix = words, prefix
        if self.sqlite:
            self.index, self.key = _SQLITE_INDEX, _SQLITE_INDEX.c.rowid
            fts = literal_column("post_search")  # FTS5 matches and ranks through the table's own name
            self.matches = fts.op("MATCH")(_fts5_query(words, prefix, " " if every else " OR "))
            self.snippets = [func.snippet(fts, column, _START, _STOP, "…", 24) for column in (1, 0)]
            self.score = func.bm25(fts, 4.0, 1.0)  # lower is better
        else:
            self.index, self.key = _PG_INDEX, _PG_INDEX.c.post_id
            tsquery = self._tsquery(_tsquery(words, prefix, " & " if every else " | "))
            self.matches = self.index.c.document.op("@@")(tsquery)
            options = (
                f"StartSel={_START}, StopSel={_STOP}, "
                + "MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter=…"
            )
            self.snippets = [
                func.ts_headline(cast("english", REGCONFIG), column, tsquery, options)
                for column in (self.index.c.body, self.index.c.title)
            ]
            self.score = -func.ts_rank(self.index.c.document, tsquery)  # lower is better, as bm25

    @staticmethod
    def _tsquery(source: str):
        return func.to_tsquery(cast("english", REGCONFIG), source)

    def has_word(self, number: int, post_id):
        """1 when the post has the query's word `number`, else 0: by the index, so stemming
        and the prefix count as they do in the match."""
        word, last = self.words[number], number == len(self.words) - 1
        prefix = self.prefix and last
        if self.sqlite:
            other = _SQLITE_INDEX.alias(f"word_{number}")
            found = exists(
                select(literal_column("1"))
                .select_from(other)
                .where(
                    other.c.rowid == post_id,
                    literal_column(f"word_{number}.post_search").op("MATCH")(_fts5_query([word], prefix)),
                )
            )
        else:
            other = _PG_INDEX.alias(f"word_{number}")
            found = exists(
                select(literal_column("1"))
                .select_from(other)
                .where(
                    other.c.post_id == post_id,
                    other.c.document.op("@@")(self._tsquery(_tsquery([word], prefix))),
                )
            )
        return case((found, 1), else_=0)


def _found(engine: _Engine, visible):
    from community.forums.models import Group, Post, Thread

    return (
        select(Post.id)
        .select_from(engine.index)
        .join(Post, Post.id == engine.key)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Group, Group.id == Thread.group_id)
        .where(engine.matches, visible)
    )


def _hit(post_id: int, body: str | None, title: str | None, missing=()) -> Hit:
    return Hit(post_id, _highlight(body if _START in (body or "") or not title else title), tuple(missing))


def search_post_ids(query: str, visible, page: int) -> tuple[list[Hit], int]:
    """Ranked hits among posts passing `visible` (a SQLAlchemy condition on Post, Thread
    and Group, from forums.permissions), and the total number of hits.

    Posts with every word come first. Only when there are none: the posts with most of the
    significant words, each Hit naming the words it lacks. Four statements at most."""
    from community.forums.models import Post

    words = _words(query)
    if not words:
        return [], 0
    engine = _Engine(words, prefix=True, every=True)
    found = _found(engine, visible)
    total = db.session.scalar(select(func.count()).select_from(found.subquery()))
    if total or len(words) < 2:
        rows = db.session.execute(
            found.add_columns(*engine.snippets)
            .order_by(engine.score, Post.id.desc())
            .limit(PER_PAGE)
            .offset((page - 1) * PER_PAGE)
        ).all()
        return [_hit(*row) for row in rows], total
    return _posts_with_some_words(words, visible, page)


def _posts_with_some_words(words: list[str], visible, page: int) -> tuple[list[Hit], int]:
    from community.forums.models import Post

    significant = _significant(words)
    if not significant:
        return [], 0
    prefix = significant[-1] == words[-1]  # the last word typed may be unfinished
    engine = _Engine(significant, prefix=prefix, every=False)
    candidates = (
        _found(engine, visible)
        .add_columns(engine.score.label("score"))
        .order_by(engine.score, Post.id.desc())
        .limit(PARTIAL_CANDIDATES)
        .subquery("candidates")
    )
    total = db.session.scalar(select(func.count()).select_from(candidates))
    if not total:
        return [], 0
    has = [engine.has_word(number, candidates.c.id) for number in range(len(significant))]
    matched = sum(has[1:], has[0])
    page_of = (
        select(
            candidates.c.id,
            candidates.c.score,
            *(flag.label(f"has_{number}") for number, flag in enumerate(has)),
            matched.label("matched"),
        )
        .order_by(matched.desc(), candidates.c.score, candidates.c.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .subquery("page_of")
    )
    # Snippets only for the page shown: the index is matched again for those few rows.
    rows = db.session.execute(
        select(page_of, *engine.snippets)
        .select_from(page_of)
        .join(engine.index, engine.key == page_of.c.id)
        .where(engine.matches)
        .order_by(page_of.c.matched.desc(), page_of.c.score, page_of.c.id.desc())
    ).all()
    hits = []
    for row in rows:
        flags = row[2 : 2 + len(significant)]
        missing = [word for word, flag in zip(significant, flags, strict=True) if not flag]
        if len(missing) == len(significant):  # cannot happen; never say a post lacks every word
            continue
        hits.append(_hit(row[0], row[-2], row[-1], missing or _unmatched(words, significant)))
    return hits, total


def _unmatched(words: list[str], significant: list[str]) -> list[str]:
    """A post with every significant word still lacks the query's little words."""
    kept = {word.lower() for word in significant}
    return [word for word in words if word.lower() not in kept][:3] or words[:1]
