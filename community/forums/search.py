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
# Counting or ranking every hit of a word in half of all posts ("pain") reads half the index,
# so both stop here: the total says "more than 1,000" and the pages rank the newest 1,000
# hits. A query with fewer hits is counted and ranked in full, as before.
RESULTS_CAP = 1_000
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


class Total(int):
    """How many posts matched, counted up to RESULTS_CAP; `more` says there are more than that."""

    more: bool

    def __new__(cls, value: int, more: bool = False):
        total = super().__new__(cls, value)
        total.more = more
        return total


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

    def snippets_of(self, page_of):
        """(id, body, title) for the posts of `page_of`, a CTE of at most PER_PAGE post ids:
        the snippets are quoted for the page shown only."""
        page_ids = select(page_of.c.id)
        body, title = self.snippets
        snippets = (
            select(self.key.label("id"), body.label("body"), title.label("title"))
            .select_from(self.index)
            .where(self.matches)
        )
        if not self.sqlite:
            return snippets.where(self.key.in_(page_ids)).subquery("snippets")
        # Asked for one rowid at a time, FTS5 builds a prefix's list of posts ("pain"* is half of
        # them) again for each: instead one pass over the hits between the page's first and last
        # post. `+ 0` keeps the ids from being looked up one by one; LIMIT keeps SQLite from
        # folding this into the outer join, where it would do just that.
        return (
            snippets.where(
                self.key >= select(func.min(page_of.c.id)).scalar_subquery(),
                self.key <= select(func.max(page_of.c.id)).scalar_subquery(),
                (self.key + 0).in_(page_ids),
            )
            .limit(PER_PAGE)
            .subquery("snippets")
        )

    def _word(self, number: int) -> tuple[str, bool]:
        """The query's word `number`, and whether it is matched as a prefix."""
        return self.words[number], self.prefix and number == len(self.words) - 1

    def word_flags(self) -> list:
        """Columns for a select of hits: on PostgreSQL, has_0, has_1… are 1 when the hit has
        that word of the query, else 0, read from the row the hit was found in. FTS5 cannot
        say which words a row matched, so on SQLite has_word looks them up instead."""
        if self.sqlite:
            return []
        flags = []
        for number in range(len(self.words)):
            word, prefix = self._word(number)
            has = self.index.c.document.op("@@")(self._tsquery(_tsquery([word], prefix)))
            flags.append(case((has, 1), else_=0).label(f"has_{number}"))
        return flags

    def has_word(self, number: int, pool):
        """1 when a post of `pool` (a CTE of hits: their id and word_flags) has the query's
        word `number`, else 0: by the index, so stemming and the prefix count as they do in
        the match."""
        if not self.sqlite:
            return pool.c[f"has_{number}"]
        # The word's hits between the pool's oldest and newest post, listed once: asked about
        # one post at a time, FTS5 would build a prefix's list of posts again for each.
        word, prefix = self._word(number)
        with_word = (
            select(self.key)
            .select_from(self.index)
            .where(
                literal_column("post_search").op("MATCH")(_fts5_query([word], prefix)),
                self.key >= select(func.min(pool.c.id)).scalar_subquery(),
                self.key <= select(func.max(pool.c.id)).scalar_subquery(),
            )
        )
        return case((pool.c.id.in_(with_word), 1), else_=0)


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


def search_post_ids(query: str, visible, page: int) -> tuple[list[Hit], Total]:
    """Ranked hits among posts passing `visible` (a SQLAlchemy condition on Post, Thread
    and Group, from forums.permissions), and the total number of hits (up to RESULTS_CAP).

    Posts with every word come first. Only when there are none: the posts with most of the
    significant words, each Hit naming the words it lacks. Four statements at most."""
    words = _words(query)
    if not words:
        return [], Total(0)
    engine = _Engine(words, prefix=True, every=True)
    found = _found(engine, visible)
    hits, total = _ranked_page(engine, found, page)
    if total or len(words) < 2:
        return hits, total
    return _posts_with_some_words(words, visible, page)


def _count(found) -> Total:
    """The number of hits, counting no further than RESULTS_CAP + 1."""
    counted = db.session.scalar(select(func.count()).select_from(found.limit(RESULTS_CAP + 1).subquery()))
    return _total(counted)


def _total(counted: int) -> Total:
    return Total(min(counted, RESULTS_CAP), more=counted > RESULTS_CAP)


def _ranked_page(engine: _Engine, found, page: int) -> tuple[list[Hit], Total]:
    """One page of the newest RESULTS_CAP hits (all of them, unless there are more), best
    ranked first, with snippets for that page only; and the total, from the same statement
    (one more only for an empty page past the first, which cannot say it)."""
    # The index yields hits newest first (post ids grow with time) and stops one past the cap,
    # so a common word costs no more than a query with RESULTS_CAP hits.
    newest = (
        found.add_columns(engine.score.label("score"))
        .order_by(engine.key.desc())
        .limit(RESULTS_CAP + 1)
        .cte("newest")
    )
    ranked = select(newest).order_by(newest.c.id.desc()).limit(RESULTS_CAP).subquery("ranked")
    page_of = (
        select(ranked)
        .order_by(ranked.c.score, ranked.c.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .cte("page_of")
    )
    snippets = engine.snippets_of(page_of)
    counted = select(func.count()).select_from(newest).scalar_subquery()
    rows = db.session.execute(
        select(page_of.c.id, snippets.c.body, snippets.c.title, counted)
        .join(snippets, snippets.c.id == page_of.c.id)
        .order_by(page_of.c.score, page_of.c.id.desc())
    ).all()
    if rows:
        total = _total(rows[0][-1])
    else:  # page 1 empty: nothing matched
        total = _count(found) if page > 1 else Total(0)
    return [_hit(*row[:3]) for row in rows], total


def _posts_with_some_words(words: list[str], visible, page: int) -> tuple[list[Hit], Total]:
    significant = _significant(words)
    if not significant:
        return [], Total(0)
    prefix = significant[-1] == words[-1]  # the last word typed may be unfinished
    engine = _Engine(significant, prefix=prefix, every=False)
    found = _found(engine, visible)
    total = _count(found)
    if (page - 1) * PER_PAGE >= total:
        return [], total
    # The newest hits with any of the words, as for a full match, sorted by how many they have.
    pool = (
        found.add_columns(engine.score.label("score"), *engine.word_flags())
        .order_by(engine.key.desc())
        .limit(RESULTS_CAP)
        .cte("pool")
    )
    # A LIMIT (the pool's own size, so it drops nothing) keeps SQLite from copying each word's
    # look-up into every expression below that uses it, and so running it once for each.
    flagged = (
        select(
            pool.c.id,
            pool.c.score,
            *(engine.has_word(number, pool).label(f"has_{number}") for number in range(len(significant))),
        )
        .limit(RESULTS_CAP)
        .subquery("flagged")
    )
    has = [flagged.c[f"has_{number}"] for number in range(len(significant))]
    matched = sum(has[1:], has[0]).label("matched")
    page_of = (
        select(*flagged.c, matched)
        .order_by(matched.desc(), flagged.c.score, flagged.c.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .cte("page_of")
    )
    snippets = engine.snippets_of(page_of)
    rows = db.session.execute(
        select(page_of, snippets.c.body, snippets.c.title)
        .join(snippets, snippets.c.id == page_of.c.id)
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
