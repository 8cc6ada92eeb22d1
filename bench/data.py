"""The benchmarks' apps, databases and content: built through the real app and its services.

`make_app` builds community.create_app() with production settings (no TESTING, no DEBUG) on a
given database; `create_schema` runs the real migrations (`flask db upgrade`); `seed_site`
writes the site every page benchmark reads (groups, members, a 50-post thread with Markdown
and reactions, a busy group, watched threads and notifications) through the services and
commits, as a request would.
"""

from __future__ import annotations

import logging
import os
import random
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from tests.helpers import csrf_token_in

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a long benchmark password"
SECRET_KEY = "benchmark-secret-key-not-for-production"
# A fast hash for the seeded members: it costs only at sign-in, which no benchmark times.
FAST_HASH = "pbkdf2:sha256:1000"

READER = "river_stone"  # the member every page benchmark reads as
MEMBERS = [READER, "ana_m", "jo_walks", "quietfern", "tom_b", "lena_r", "kwame_o", "pat_h"]


# Databases ------------------------------------------------------------------------------


def postgres_url() -> str | None:
    """TEST_DATABASE_URL with the driver named, as community.config does for DATABASE_URL."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    return url


def fresh_postgres_schema(url: str, schema: str) -> str:
    """An empty schema of its own in the PostgreSQL database at `url`, and a URL whose
    connections use it (libpq's `options`): the tests' schema is never touched."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        engine.dispose()
    return (
        make_url(url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )


def drop_postgres_schema(url: str, schema: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        engine.dispose()


def database_url(kind: str, workdir: str, name: str) -> str:
    """A fresh, empty database: a SQLite file in `workdir`, or a schema in TEST_DATABASE_URL."""
    if kind == "sqlite":
        path = Path(workdir) / f"{name}.db"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    base = postgres_url()
    if base is None:
        raise RuntimeError("TEST_DATABASE_URL is not set")
    _SCHEMAS.add(f"bench_{name}")
    return fresh_postgres_schema(base, f"bench_{name}")


_SCHEMAS: set[str] = set()


def drop_postgres_schemas() -> None:
    """Leave TEST_DATABASE_URL's database as the run found it."""
    base = postgres_url()
    for schema in sorted(_SCHEMAS):
        drop_postgres_schema(base, schema)
    _SCHEMAS.clear()


def make_app(url: str, workdir: str, **settings):
    """The real app with production settings on `url`. The in-process client talks plain
    HTTP on localhost, so cookies are not marked Secure here (gunicorn keeps the default)."""
    from community import create_app

    config = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": SECRET_KEY,
        "BASE_URL": "http://127.0.0.1",
        "TRUSTED_HOSTS": ["127.0.0.1", "localhost"],
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "MAIL_OUTBOX": str(Path(workdir) / "outbox"),
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    config.update(settings)
    return create_app(config)


def create_schema(app) -> None:
    """The real migrations, as `flask db upgrade` runs them."""
    from flask_migrate import upgrade

    logging.disable(logging.INFO)  # Alembic's "Running upgrade" lines would bury the table
    try:
        with app.app_context():
            upgrade()
    finally:
        logging.disable(logging.NOTSET)


def dispose(app) -> None:
    from community.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# Member text ----------------------------------------------------------------------------

# Blocks of Markdown as members write it: paragraphs with emphasis, lists, quotes, links,
# bare addresses, @mentions, a heading, a bit of code.
_PARAGRAPHS = [
    "Some days the **burning** in my foot is a 7, some days a 9. I keep notes in my pain diary "
    "and the pattern is clearer now: bad sleep, then a bad day. _Pacing_ helps more than I "
    "expected, even though it felt like giving up at first.",
    "My GP finally referred me to the pain clinic after two years of asking. The wait is another "
    "four months, but at least it is a date. Has anyone been to the one at St Mary's? I would "
    "like to know what the first appointment is like so I can prepare my questions.",
    "Thank you for writing this. I read it three times. The part about grieving the person you "
    "were before the pain hit me hard, because nobody around me seems to understand that it "
    "is a real loss, not just being low.",
    "Heat pads at night, a short walk in the morning before it gets busy, and I stopped "
    "apologising for cancelling plans. That last one took the longest. My sister still does not "
    "quite get it, but she tries, and that counts for a lot.",
    "I tried gabapentin for six months. It took the edge off the electric shocks but the brain "
    "fog was awful: I lost words mid-sentence at work. We are tapering now and trying "
    "something else. Everyone reacts differently, so please do not go by my experience alone.",
    "Flare day today. Writing here because I cannot do much else. The weather turned and my "
    "hands are swollen again. I know it passes, it always passes, but right now it is hard "
    "to remember that.",
    "The physio gave me a graded plan: five minutes more each week, never more on a good day. "
    "The hardest rule is the one about good days. When I feel fine I want to do everything "
    "at once, and then I pay for it for three days.",
]
_LISTS = [
    "What helped me with sleep:\n\n- a warm bath an hour before bed\n- the same wake time, "
    "every day\n- no screens after ten\n- a pillow between the knees",
    "Questions I took to my appointment:\n\n1. What are the side effects I should watch for?\n"
    "2. How long before we know whether it works?\n3. Can I keep my other medication?\n"
    "4. Who do I call if it gets worse at night?",
    "My pacing rules, in order:\n\n- stop **before** the pain rises, not after\n- split every "
    "job into halves\n- rest is part of the plan, not a failure",
]
_QUOTES = [
    "> What helped you most in the first year?\n\nHonestly, finding people here who did not "
    "need me to explain.",
    "> I feel like a burden to everyone around me.\n\nYou are not a burden. You are a person "
    "having a hard time, and you deserve support like anyone else.",
]
_LINKS = [
    "There is a good guide to pacing here: [pacing for chronic pain]"
    "(https://example.org/pacing-guide) and the leaflet https://example.org/flare-plan.pdf "
    "is worth printing.",
    "The charity's helpline is on their site, https://example.org/helpline, and they also run "
    "[online groups](https://example.org/groups) in the evenings.",
]
_EXTRAS = [
    "### My flare plan\n\nWrite it down while you feel well: who to call, what to take, "
    "what to cancel. Then on the bad day you only have to follow it.",
    "I track it with a simple line per day: `date, score, sleep, notes`. Nothing clever, but "
    "after a month it showed me more than any app did.",
    "Seconding what @{mention} said. It is ~~not~~ never too late to ask for a second opinion.",
]


def markdown_post(rng: random.Random, size: int, names: list[str]) -> str:
    """A member's post of about `size` bytes: blocks drawn from the pools above, then cut at
    a block so it stays valid Markdown."""
    pools = [_PARAGRAPHS, _PARAGRAPHS, _LISTS, _QUOTES, _LINKS, _EXTRAS]
    blocks: list[str] = []
    length = 0
    while length < size:
        block = rng.choice(rng.choice(pools)).replace("{mention}", rng.choice(names))
        if length + len(block) > size * 1.15 and blocks:
            # Too long: end on a paragraph's sentences instead.
            sentences = rng.choice(_PARAGRAPHS).split(". ")
            block = ". ".join(sentences[: max(1, (size - length) // 90)]).rstrip(".") + "."
        blocks.append(block)
        length += len(block) + 2
    return "\n\n".join(blocks)


# The site the page benchmarks read ------------------------------------------------------


@dataclass
class Site:
    thread_id: int  # a thread of `thread_posts` posts, page 1 showing 20
    group_slug: str  # a group of `group_threads` threads
    search_query: str
    reader: str = READER
    password: str = PASSWORD

    def pages(self) -> dict[str, str]:
        return {
            "thread": f"/threads/{self.thread_id}",
            "group": f"/groups/{self.group_slug}/",
            "search": f"/search?q={self.search_query}",
            "home": "/",
            "notifications": "/notifications",
        }


def seed_site(
    app,
    *,
    thread_posts: int = 50,
    group_threads: int = 60,
    post_size: int = 340,
    authors: int = len(MEMBERS),
    seed: int = 20,
) -> Site:
    """Write the site through the services, as members would, and commit.

    The reader joins the group, posts in the long thread, reacts, and watches the group's
    threads, each of which has a reply from someone else: so the home page has new and
    unread threads and the notifications page has a reply notification per thread."""
    from community.accounts.services import create_user
    from community.extensions import db
    from community.forums import groups, services
    from community.forums.seed import seed_groups
    from community.unit_of_work import commit

    rng = random.Random(seed)
    names = MEMBERS + [f"member_{i:03d}" for i in range(max(0, authors - len(MEMBERS)))]
    with app.app_context():
        list(seed_groups())
        # Established members (trusted): their posts are published at once, as on a grown site.
        people = [
            create_user(name, f"{name}@example.org", PASSWORD, trusted=True)
            for name in names[: max(authors, 2)]
        ]
        reader, others = people[0], people[1:]
        group = groups.group_by_slug("crps")
        groups.join_group(reader, group)
        commit()

        for i in range(group_threads):
            author = others[i % len(others)]
            thread = services.create_thread(
                author,
                group,
                f"Getting through a flare, week {i + 1}",
                markdown_post(rng, post_size // 2, names).replace("pacing", "planning"),
            )
            services.set_watching(reader, thread, True)
            services.create_reply(
                others[(i + 1) % len(others)], thread, markdown_post(rng, post_size // 3, names)
            )
            if i % 20 == 19:
                commit()
        commit()

        # The long thread comes last, so it is the newest in the group and on the home page.
        thread = services.create_thread(
            others[0],
            group,
            "Pacing through a flare: what works for you?",
            "Pacing: " + markdown_post(rng, post_size, names),
        )
        posts = [
            db.session.scalars(db.select(services.Post).where(services.Post.thread_id == thread.id)).one()
        ]
        for i in range(1, thread_posts):
            author = reader if i % 7 == 3 else people[1 + i % (len(people) - 1)]
            posts.append(
                services.create_reply(author, thread, "Pacing: " + markdown_post(rng, post_size, names))
            )
        kinds = list(services.REACTIONS)
        for i, post in enumerate(posts):
            for j in range(i % 5):
                person = people[(i + j + 1) % len(people)]
                services.set_reaction(person, post, kinds[(i + j) % len(kinds)], on=True)
        commit()
        site = Site(thread_id=thread.id, group_slug=group.slug, search_query="pacing")
        db.session.remove()
    return site


# Signing in -----------------------------------------------------------------------------


def sign_in_client(client, login: str = READER, password: str = PASSWORD) -> None:
    """Sign a Flask test client in through the real form."""
    token = csrf_token_in(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login", data={"csrf_token": token, "login": login, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"signing in as {login} gave {response.status_code}")


_SHARED: dict[str, tuple[str, Site]] = {}


def shared_site(options, kind: str = "sqlite") -> tuple[str, Site]:
    """The standard site (a 50-post thread, a 60-thread group) on a `kind` database, seeded
    once per run and shared by the HTTP, bytes and in-process benchmarks: (url, site)."""
    if kind not in _SHARED:
        url = database_url(kind, options.workdir, "site")
        app = make_app(url, options.workdir)
        create_schema(app)
        site = seed_site(app)
        dispose(app)
        _SHARED[kind] = (url, site)
    return _SHARED[kind]
