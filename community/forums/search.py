"""Full-text search over posts: SQLite FTS5 or PostgreSQL tsvector + GIN, one interface.

The index table `post_search` is written when a post is written (never when it is read)
and holds the thread title (first posts only) and the post's source text. Snippets are
marked with control characters that member text cannot contain (content.normalise_text
removes them), escaped, and only then given <mark> tags, so highlighting cannot open an
XSS hole.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

from markupsafe import Markup, escape
from sqlalchemy import event, text

from community.database import Base
from community.extensions import db

PER_PAGE = 20
_START, _STOP = "\x02", "\x03"
_WORD = re.compile(r"\w+", re.UNICODE)
_BLOCK_END = re.compile(r"<(?:br|hr|/p|/li|/h[3-6]|/blockquote|/pre)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS post_search USING fts5("
    "title, body, tokenize = 'porter unicode61 remove_diacritics 2')",
]
POSTGRESQL_DDL = [
    "CREATE TABLE IF NOT EXISTS post_search ("
    " post_id integer PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,"
    " title text NOT NULL DEFAULT '', body text NOT NULL DEFAULT '',"
    " document tsvector GENERATED ALWAYS AS ("
    "  setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')) STORED)",
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


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def plain_text(html: str) -> str:
    """What a reader sees of a post, without Markdown marks, for indexing and snippets."""
    return unescape(_TAG.sub("", _BLOCK_END.sub(" ", html))).replace(_START, "").replace(_STOP, "")


def index_post(post_id: int, title: str, body_html: str) -> None:
    """Add or replace one post in the index; called in the same transaction as the write."""
    body = " ".join(plain_text(body_html).split())
    remove_post(post_id)
    if _dialect() == "sqlite":
        db.session.execute(text("INSERT INTO post_search (rowid, title, body) VALUES (:id, :title, :body)"),
                           {"id": post_id, "title": title, "body": body})
    else:
        db.session.execute(text("INSERT INTO post_search (post_id, title, body) VALUES (:id, :title, :body)"),
                           {"id": post_id, "title": title, "body": body})


def remove_post(post_id: int) -> None:
    column = "rowid" if _dialect() == "sqlite" else "post_id"
    db.session.execute(text(f"DELETE FROM post_search WHERE {column} = :id"), {"id": post_id})


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


def search_post_ids(query: str, visible_filter_sql: str, params: dict, page: int) -> tuple[list[Hit], int]:
    """Ranked hits among posts passing `visible_filter_sql` (a WHERE clause on posts p,
    threads t, groups g), and the total number of hits."""
    offset = (page - 1) * PER_PAGE
    words = _words(query)
    if not words:
        return [], 0
    if _dialect() == "sqlite":
        base = ("FROM post_search JOIN posts p ON p.id = post_search.rowid "
                "JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id "
                f"WHERE post_search MATCH :match AND {visible_filter_sql}")
        args = {**params, "match": _fts5_query(words)}
        total = db.session.execute(text(f"SELECT count(*) {base}"), args).scalar_one()
        rows = db.session.execute(text(
            f"SELECT p.id, snippet(post_search, 1, '{_START}', '{_STOP}', '…', 24) AS snip, "
            f"snippet(post_search, 0, '{_START}', '{_STOP}', '…', 24) AS title_snip "
            f"{base} ORDER BY bm25(post_search, 4.0, 1.0), p.id DESC LIMIT :limit OFFSET :offset"),
            {**args, "limit": PER_PAGE, "offset": offset}).all()
    else:
        base = ("FROM post_search s JOIN posts p ON p.id = s.post_id "
                "JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id, "
                "to_tsquery('english', :query) q "
                f"WHERE s.document @@ q AND {visible_filter_sql}")
        args = {**params, "query": _tsquery(words)}
        total = db.session.execute(text(f"SELECT count(*) {base}"), args).scalar_one()
        headline = f"'StartSel={_START}, StopSel={_STOP}, MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter=…'"
        rows = db.session.execute(text(
            f"SELECT p.id, ts_headline('english', s.body, q, {headline}) AS snip, "
            f"ts_headline('english', s.title, q, {headline}) AS title_snip "
            f"{base} ORDER BY ts_rank(s.document, q) DESC, p.id DESC LIMIT :limit OFFSET :offset"),
            {**args, "limit": PER_PAGE, "offset": offset}).all()
    hits = [Hit(row[0], _highlight(row[1] if _START in (row[1] or "") or not row[2] else row[2])) for row in rows]
    return hits, total
