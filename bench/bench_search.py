"""Search at 100,000 posts, on SQLite (FTS5) and on PostgreSQL (tsvector + GIN).

The schema comes from the real migrations. Members and groups are made through the
services; then 5,000 threads of 20 posts each are written straight into `threads`, `posts`
and the `post_search` index with SQLAlchemy Core in batches (the services would take
minutes to write them, and the search reads the same rows either way). Each post is 30 to
80 words: filler from a large vocabulary, plus forum words at set rates ("pain" in half the
posts, "sleep" in 8 %, "pacing" in 3 %, "gabapentin" in 0.5 %, "ketamine" in 0.08 %).

Each query below then runs through community.forums.services.search_posts as a signed-in
member (the first page of results, ranked, with snippets and the total), in a fresh session
each time, as a request would; p50 and p95 are over every run of every query. A total stops
counting at community.forums.search.RESULTS_CAP (shown as ">1,000 hits"), and a query with
more hits than that ranks the newest RESULTS_CAP of them. PostgreSQL runs when
TEST_DATABASE_URL is set (in a schema of its own, dropped afterwards).
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import column, event, insert, table, text

from bench import Note, Options, Row, Target, percentile
from bench.data import MEMBERS, create_schema, database_url, dispose, make_app, postgres_url

TARGET_MS = 50.0
POSTS_PER_THREAD = 20
BATCH = 5_000
TERMS = [  # word, share of posts that contain it
    ("pain", 0.5),
    ("sleep", 0.08),
    ("flare", 0.05),
    ("heat", 0.04),
    ("pacing", 0.03),
    ("gabapentin", 0.005),
    ("ketamine", 0.0008),
]
QUERIES = [
    "pain",  # half of all posts match
    "sleep",
    "pacing heat",
    "gaba",  # a prefix: the last word always is
    "ketamine",
    "pain sleep flare",
    "{tail}",  # one word from the filler vocabulary, in a few hundred posts
    "nothing zzqxv",  # no match at all
    "pain medicaton",  # a typo: no post has both, so the posts with either (#21), half of all posts
]
_SYLLABLES = "ba ce di fo gu ha ke li mo nu pa re si to vu wa ye zo bri cla dre fli gro pla stu".split()
_COMMON = (
    "the and to a of i in it is my that for was with on but have this so not be me at you "
    "just about can when what day days time feel like get some been really today still"
).split()


def vocabulary(rng: random.Random) -> list[str]:
    tail = [a + b for a in _SYLLABLES for b in _SYLLABLES] + [
        a + b + c for a in _SYLLABLES for b in _SYLLABLES[:12] for c in _SYLLABLES[:12]
    ]
    rng.shuffle(tail)
    return tail


def post_text(rng: random.Random, tail: list[str]) -> str:
    words = rng.choices(_COMMON, k=rng.randint(12, 30)) + rng.choices(tail, k=rng.randint(18, 50))
    rng.shuffle(words)
    for term, share in TERMS:
        if rng.random() < share:
            words.insert(rng.randrange(len(words)), term)
    return " ".join(words).capitalize() + "."


def load_posts(app, total: int, seed: int = 100) -> tuple[int, str]:
    """Members and groups through the services, then `total` posts in bulk; (reader id,
    a filler word to search for)."""
    from community.accounts.services import create_user
    from community.extensions import db
    from community.forums.models import Group, Post, Thread
    from community.forums.seed import seed_groups
    from community.unit_of_work import commit

    rng = random.Random(seed)
    tail = vocabulary(rng)
    with app.app_context():
        list(seed_groups())
        # Established members (trusted): their posts are published at once, as on a grown site.
        people = [
            create_user(name, f"{name}@example.org", "a long benchmark password", trusted=True)
            for name in MEMBERS
        ]
        commit()
        user_ids = [person.id for person in people]
        group_ids = list(db.session.scalars(db.select(Group.id).where(Group.archived_at.is_(None))))
        dialect = db.engine.dialect.name
        if dialect == "sqlite":
            index, key = table("post_search", column("rowid"), column("title"), column("body")), "rowid"
        else:
            index, key = table("post_search", column("post_id"), column("title"), column("body")), "post_id"
        start = datetime(2026, 1, 1, tzinfo=UTC)
        threads_total = (total + POSTS_PER_THREAD - 1) // POSTS_PER_THREAD
        with db.engine.begin() as connection:
            threads, posts, entries = [], [], []
            post_id = 0
            for thread_id in range(1, threads_total + 1):
                count = min(POSTS_PER_THREAD, total - post_id)
                title = f"{rng.choice(TERMS)[0].capitalize()} and {' '.join(rng.choices(tail, k=3))}"
                first_at = start + timedelta(minutes=thread_id)
                authors = rng.choices(user_ids, k=count)
                threads.append(
                    {
                        "id": thread_id,
                        "group_id": group_ids[thread_id % len(group_ids)],
                        "author_id": authors[0],
                        "title": title,
                        "created_at": first_at,
                        "last_post_at": first_at + timedelta(seconds=count),
                        "last_poster_id": authors[-1],
                        "post_count": count,
                        "pinned": False,
                        "locked": False,
                    }
                )
                for n in range(count):
                    post_id += 1
                    body = post_text(rng, tail)
                    posts.append(
                        {
                            "id": post_id,
                            "thread_id": thread_id,
                            "author_id": authors[n],
                            "body": body,
                            "body_html": f"<p>{body}</p>",
                            "content_warning": "",
                            "created_at": first_at + timedelta(seconds=n),
                        }
                    )
                    entries.append({key: post_id, "title": title if n == 0 else "", "body": body})
                if len(posts) >= BATCH or post_id >= total:
                    connection.execute(insert(Thread.__table__), threads)
                    connection.execute(insert(Post.__table__), posts)
                    connection.execute(insert(index), entries)
                    threads, posts, entries = [], [], []
            if dialect == "postgresql":
                for name in ("threads", "posts"):
                    connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"(SELECT max(id) FROM {name}))"
                        )
                    )
        if dialect == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))  # autovacuum would have, on a live site
        return user_ids[0], tail[7]


def time_queries(app, reader_id: int, queries: list[str], rounds: int):
    """{query: ([ms per run], hits, [ms per statement of the last run])}."""
    from community.accounts.models import User
    from community.extensions import db
    from community.forums.services import search_posts

    found = {}
    with app.app_context():
        statement_ms: list[float] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            context._bench_started = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany):
            statement_ms.append((time.perf_counter() - context._bench_started) * 1000)

        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
        try:
            for query in queries:
                runs = []
                for attempt in range(rounds + 1):  # the first run warms the caches, untimed
                    db.session.remove()
                    viewer = db.session.get(User, reader_id)
                    statement_ms.clear()
                    started = time.perf_counter()
                    results, total = search_posts(query, viewer)
                    elapsed = (time.perf_counter() - started) * 1000
                    if attempt:
                        runs.append(elapsed)
                found[query] = (runs, total, list(statement_ms))
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
            event.remove(db.engine, "after_cursor_execute", after)
            db.session.remove()
    return found


def run(options: Options):
    rounds = 3 if options.quick else 15
    for kind in ("sqlite", "postgresql"):
        label = f"search: p95 at {options.search_posts:,} posts, {kind}"
        if kind == "postgresql" and postgres_url() is None:
            yield Row(label, None, "", error="TEST_DATABASE_URL is not set")
            continue
        url = database_url(kind, options.workdir, "search")
        app = make_app(url, options.workdir)
        create_schema(app)
        began = time.monotonic()
        reader_id, tail_word = load_posts(app, options.search_posts)
        loaded = time.monotonic() - began
        queries = [query.replace("{tail}", tail_word) for query in QUERIES]
        found = time_queries(app, reader_id, queries, rounds)
        dispose(app)
        every = [ms for runs, _, _ in found.values() for ms in runs]
        yield Row(label, percentile(every, 0.95), "ms", target=Target(TARGET_MS, at_least=False, on="figure"))
        yield Row(f"search: p50 at {options.search_posts:,} posts, {kind}", percentile(every, 0.5), "ms")
        note = Note(
            f"Search on {kind}: {options.search_posts:,} posts loaded in {loaded:.1f} s; "
            f"{rounds} runs a query; [the database's ms per statement, last run: the page of hits with "
            "their total, the posts; when nothing has every word, the forgiving search's total and page "
            "come between]"
        )
        for query, (runs, total, statements) in found.items():
            hits = f"{'>' if getattr(total, 'more', False) else ''}{total:,}"  # more: it stopped counting
            note.lines.append(
                f"{query!r:>20}: {hits:>6} hits  p50 {percentile(runs, 0.5):7.1f} ms  "
                f"p95 {percentile(runs, 0.95):7.1f} ms  [{', '.join(f'{ms:.1f}' for ms in statements)}]"
            )
        yield note
