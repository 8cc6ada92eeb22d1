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
from sqlalchemy import cast, column, delete, event, func, insert, literal_column, select, table, text
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


def _words(query: str) -> list[str]:
    """Any input becomes plain words (letters, digits, _): no operator survives."""
    return _WORD.findall(query)[:12]


def _fts5_query(words: list[str]) -> str:
    """Every word required, the last one a prefix (so "mirr" finds "mirror")."""
    return " ".join(f'"{word}"' for word in words) + "*"


def _tsquery(words: list[str]) -> str:
    """The same on PostgreSQL: to_tsquery syntax, words only, the last one a prefix."""
    return " & ".join(words[:-1] + [f"{words[-1]}:*"])


def _highlight(snippet: str) -> Markup:
    escaped = str(escape(snippet))
    return Markup(escaped.replace(_START, "<mark>").replace(_STOP, "</mark>"))


def search_post_ids(query: str, visible, page: int) -> tuple[list[Hit], int]:
    """Ranked hits among posts passing `visible` (a SQLAlchemy condition on Post, Thread
    and Group, from forums.permissions), and the total number of hits."""
    from community.forums.models import Group, Post, Thread

    words = _words(query)
    if not words:
        return [], 0
    if _dialect() == "sqlite":
        index = _SQLITE_INDEX
        fts = literal_column("post_search")  # FTS5 matches and ranks through the table's own name
        matches = fts.op("MATCH")(_fts5_query(words))
        key = index.c.rowid
        snippets = [func.snippet(fts, column, _START, _STOP, "…", 24) for column in (1, 0)]
        rank = func.bm25(fts, 4.0, 1.0).asc()
    else:
        index = _PG_INDEX
        tsquery = func.to_tsquery(cast("english", REGCONFIG), _tsquery(words))
        matches = index.c.document.op("@@")(tsquery)
        key = index.c.post_id
        options = (
            f"StartSel={_START}, StopSel={_STOP}, "
            + "MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter=…"
        )
        snippets = [
            func.ts_headline(cast("english", REGCONFIG), column, tsquery, options)
            for column in (index.c.body, index.c.title)
        ]
        rank = func.ts_rank(index.c.document, tsquery).desc()
    found = (
        select(Post.id)
        .select_from(index)
        .join(Post, Post.id == key)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Group, Group.id == Thread.group_id)
        .where(matches, visible)
    )
    total = db.session.scalar(select(func.count()).select_from(found.subquery()))
    rows = db.session.execute(
        found.add_columns(*snippets)
        .order_by(rank, Post.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    hits = [
        Hit(row[0], _highlight(row[1] if _START in (row[1] or "") or not row[2] else row[2])) for row in rows
    ]
    return hits, total
