"""SQL statements per page, at 10 and at 100 items: a page whose count grows with its items
runs a query per item (N+1) somewhere.

Two sites are written through the services: one with 10 of everything (posts in the thread,
threads in the group, posts matching the search, watched threads with replies, notifications),
one with 100, by up to 25 different members with reactions. A signed-in member opens each page
once, then again; the second view is counted (the first may also write read state or mark
notifications read: those counts are under the table). The second view of a thread, group
or search page is its kept page (community/kept_pages.py); a third view, with everything
kept forgotten first, counts the page rendered, as the first reader of a kind sees it.
Every statement the app sends to the database is counted, through an SQLAlchemy
`before_cursor_execute` listener on its engine.
"""

from __future__ import annotations

from sqlalchemy import event

from bench import BenchmarkFailed, Note, Options, Row, Target
from bench.data import create_schema, database_url, dispose, make_app, seed_site, sign_in_client

SIZES = (10, 100)
THREAD_TARGET = 8


def count_statements(app, site, verbose: bool = False) -> tuple[dict, dict, list[str], dict]:
    """(repeat view counts, first view counts, the thread page's statements, counts when
    rendered with nothing kept) for each page."""
    from community.extensions import db
    from community.forums import fragments

    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    client = app.test_client()
    sign_in_client(client, site.reader, site.password)
    first, repeat, rendered, thread_sql = {}, {}, {}, []
    event.listen(engine, "before_cursor_execute", listener)
    try:
        for name, path in site.pages().items():
            for counts in (first, repeat, rendered):
                if counts is rendered:
                    with app.app_context():
                        fragments.forget_all()
                seen.clear()
                response = client.get(path)
                if response.status_code != 200:
                    raise BenchmarkFailed(f"{path} answered {response.status_code}")
                counts[name] = len(seen)
                if name == "thread" and counts is repeat:
                    thread_sql = list(seen)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return repeat, first, thread_sql, rendered


def run(options: Options):
    found: dict[int, tuple] = {}
    for size in SIZES:
        url = database_url("sqlite", options.workdir, f"sql_{size}")
        app = make_app(url, options.workdir)
        create_schema(app)
        site = seed_site(app, thread_posts=size, group_threads=size, post_size=300, authors=min(size, 25) + 1)
        found[size] = count_statements(app, site)
        dispose(app)
    small, large = SIZES
    for page in found[small][0]:
        yield Row(
            f"sql: {page} page statements, {large} vs {small} items",
            found[large][0][page],
            "",
            found[small][0][page],
            Target(1.0, at_least=False),
        )
    for page in ("thread", "group", "search"):
        yield Row(
            f"sql: {page} page statements rendered (nothing kept), {large} vs {small} items",
            found[large][3][page],
            "",
            found[small][3][page],
            Target(1.0, at_least=False),
        )
    yield Row(
        f"sql: thread page statements rendered, at {large} items",
        found[large][3]["thread"],
        "",
        target=Target(THREAD_TARGET, at_least=False, on="figure"),
    )
    yield Row(
        f"sql: thread page statements at {large} items",
        found[large][0]["thread"],
        "",
        target=Target(THREAD_TARGET, at_least=False, on="figure"),
    )
    note = Note(
        "SQL statements, first view by the member (repeat view in the table): "
        + ", ".join(f"{page} {found[small][1][page]}/{found[large][1][page]}" for page in found[small][1])
        + f" at {small}/{large} items"
    )
    if options.verbose:
        note.lines += [f"thread page at {large} items:"] + [
            "  " + " ".join(statement.split())[:150] for statement in found[large][2]
        ]
    yield note
