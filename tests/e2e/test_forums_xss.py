"""Every line of the payloadbox XSS list renders inert in Chromium, as a thread title and as a post body.

Posting ~6,600 payloads through the forms would take many minutes, so a child process posts
them through community.forums.services, the same calls the forms make (cleaning, Markdown,
bleach, the search index, notifications), while Chromium reads each batch once it is written:

* each line is one post of a thread of BODIES_PER_THREAD posts, and every page of those
  threads is read, so every post body is shown (each thread's title is a payload too);
* each line is also the title and the opening post of its own thread, in groups of
  TITLES_PER_GROUP threads, and every group's thread list is read, so every title is shown.
  Titles need 5 to 150 characters, so each is "XSS " + the line, cut at 150 characters.

To stay near a minute on a two-core machine, where each Chromium navigation costs ~150 ms
of CPU and the ~600 pages of the normal size took a minute by themselves, the test raises
POSTS_PER_PAGE and THREADS_PER_PAGE so that one page shows a whole thread or a whole group
(each post and each title is rendered by the same template code either way); the writer
commits in batches; and the pages are read by a visitor, in public groups, because a member
reading a thread writes "read up to here", which would wait on the writer's lock.

On every page: nothing calls alert/confirm/prompt/print/open (an init script records any
call in window.__xss); the page fixture sees no dialog, page error or console error (a
Content-Security-Policy refusal is a console error); no request goes to another host or to
a non-http(s) URL; no element carries an on* handler or a javascript:/vbscript:/data: link;
post bodies hold only the tags the sanitiser allows; and each title and thread heading
reads back as the literal text that was posted.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
import queue
import traceback
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from community.content import ALLOWED_TAGS
from community.extensions import db
from community.forums import groups as forum_groups
from community.forums import reading as forum_reading
from community.forums import services
from community.forums.models import Group
from tests.conftest import make_app
from tests.helpers import PASSWORD, corpus_lines

PAYLOADS = ("xss", "payloadbox-xss-payload-list.txt")
BODIES_PER_THREAD = 200
TITLES_PER_GROUP = 1000
SEARCH_WORDS = ["script", "alert", "img", "onerror", "svg", "javascript", "iframe", "src", "body", "onload"]
WAIT_FOR_WRITER = 120  # seconds without news from the writer before the test gives up
_names = itertools.count(1)

# Runs before any script of the page: any call of these, from any payload, is recorded.
TRAP_SCRIPT = """
window.__xss = [];
for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
  window[name] = (...args) => { window.__xss.push(`${name}(${args.map(String).join(", ")})`); };
}
"""

# What a payload could have left in the page that a reader would be exposed to.
INSPECT_SCRIPT = """
(allowed) => {
  const problems = [];
  const unsafeUrl = /^[\\s\\u0000-\\u001f]*(javascript|vbscript|data)\\s*:/i;
  const urlAttributes = new Set(
    ["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "background"]);
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) problems.push(`<${el.localName} ${name}=...>`);
      if (urlAttributes.has(name) && unsafeUrl.test(attr.value)) {
        problems.push(`<${el.localName} ${name}="${attr.value.slice(0, 60)}">`);
      }
    }
  }
  for (const script of document.scripts) {
    if (!script.src || new URL(script.src).origin !== location.origin) {
      problems.push(`<script> ${script.outerHTML.slice(0, 80)}`);
    }
  }
  for (const el of document.querySelectorAll("base, meta[http-equiv], iframe, frame, object, embed")) {
    problems.push(`<${el.localName}> ${el.outerHTML.slice(0, 80)}`);
  }
  for (const el of document.querySelectorAll(".prose *")) {
    if (!allowed.includes(el.localName)) problems.push(`<${el.localName}> inside a post`);
  }
  return {
    problems,
    calls: window.__xss || ["the init script did not run"],
    posts: document.querySelectorAll("article.post").length,
    heading: document.querySelector("h1") ? document.querySelector("h1").textContent : "",
    titles: [...document.querySelectorAll(".thread-row h2 a")]
      .map(a => [a.getAttribute("href"), a.textContent]),
  };
}
"""


@dataclass
class BodyThread:
    path: str
    title: str
    posts: int


@dataclass
class TitleGroup:
    slug: str
    titles: dict[str, str]  # thread URL -> title as stored


# Writing, in a child process ---------------------------------------------------------------


def _title(line: str) -> str:
    """Titles need 5 to 150 characters: short payloads are padded, long ones cut."""
    return f"XSS {line}"[:150]


class _Poster:
    """Posts through the services and commits in batches, as a view commits its request;
    refused payloads are noted, not fatal. Pages are read only after the batch they show
    is committed.
    """

    def __init__(self, session):
        self.session = session
        self.rejected: list[tuple[str, str]] = []
        self.batch = session.commit
        session.expire_on_commit = False  # nothing needs reloading after a commit

    def __call__(self, line: str, write, *args):
        try:
            return write(*args)
        except services.ForumError as error:
            self.rejected.append((line, str(error)))
            for half_made in list(self.session.new):  # a thread whose opening post was refused
                self.session.expunge(half_made)
            return None


def _group(slug: str, name: str) -> Group:
    group = Group(
        slug=slug,
        name=name,
        description="XSS payloads posted by the browser tests.",
        visibility="public",
        position=10_000,
    )
    db.session.add(group)
    db.session.flush()
    return group


def _write_bodies(author, lines, suffix, ready, stop, post: _Poster) -> None:
    group = _group(f"xss-bodies-{suffix}", "XSS payloads as posts")
    for start in range(0, len(lines), BODIES_PER_THREAD):
        batch = lines[start : start + BODIES_PER_THREAD]
        thread = post(batch[0], services.create_thread, author, group, _title(batch[0]), batch[0])
        for line in batch[1:] if thread else []:
            if stop.is_set():
                return
            post(line, services.create_reply, author, thread, line)
        post.batch()
        if thread:
            ready.put(("bodies", BodyThread(f"/threads/{thread.id}", thread.title, thread.post_count)))


def _write_titles(author, lines, suffix, ready, stop, post: _Poster) -> None:
    for number, start in enumerate(range(0, len(lines), TITLES_PER_GROUP), start=1):
        group = _group(f"xss-titles-{suffix}-{number}", f"XSS payloads as titles, part {number}")
        titles = {}
        for count, line in enumerate(lines[start : start + TITLES_PER_GROUP], start=1):
            if stop.is_set():
                return
            thread = post(line, services.create_thread, author, group, _title(line), line)
            if thread:
                titles[f"/threads/{thread.id}"] = thread.title
            if count % 100 == 0:
                post.batch()
        post.batch()
        ready.put(("titles", TitleGroup(group.slug, titles)))


def write_payloads(settings: dict, suffix: str, lines: list[str], ready, stop) -> None:
    """The child process: post every payload, announcing each committed batch on `ready`."""
    from community.accounts.services import create_user

    try:
        app = make_app(**settings)
        with app.app_context():
            name = f"xssauthor{suffix}"
            author = create_user(name, f"{name}@example.org", PASSWORD, trusted=True)  # published at once
            db.session.commit()
            post = _Poster(db.session())
            _write_bodies(author, lines, suffix, ready, stop, post)
            _write_titles(author, lines, suffix, ready, stop, post)
    except BaseException:  # handed to the test, which fails with it
        ready.put(("error", traceback.format_exc()))
    else:
        ready.put(("done", post.rejected))


# Reading, in Chromium ----------------------------------------------------------------------


class Reading:
    """Reads pages in Chromium and keeps every problem found, short enough to print."""

    def __init__(self, page):
        self.page = page
        self.pages = 0
        self.problems: list[str] = []
        self.bodies_shown = 0
        self.titles_shown = 0

    def read(self, path: str) -> dict:
        response = self.page.goto(path)
        self.pages += 1
        assert response is not None and response.status == 200, (
            f"{path} answered {response and response.status}"
        )
        found = self.page.evaluate(INSPECT_SCRIPT, sorted(ALLOWED_TAGS))
        self.problems += [f"{path}: {problem}" for problem in found["problems"] + found["calls"]]
        return found

    def body_thread(self, thread: BodyThread) -> None:
        per_page = forum_reading.POSTS_PER_PAGE
        for number in range(1, math.ceil(thread.posts / per_page) + 1):
            found = self.read(f"{thread.path}?page={number}")
            expected = min(per_page, thread.posts - (number - 1) * per_page)
            assert found["posts"] == expected, (
                f"{thread.path}?page={number}: {found['posts']} posts, not {expected}"
            )
            assert found["heading"] == thread.title, f"{thread.path}: the heading does not read as posted"
            self.bodies_shown += found["posts"]

    def search(self, word: str) -> int:
        """Read the first result pages for `word`; returns how many highlighted snippets were shown."""
        shown = 0
        for number in (1, 2, 3):
            self.read(f"/search?q={word}&page={number}")
            shown += self.page.locator(".snippet mark").count() and self.page.locator(".snippet").count()
        return shown

    def title_group(self, group: TitleGroup) -> None:
        seen: dict[str, str] = {}
        for number in range(1, math.ceil(len(group.titles) / forum_groups.THREADS_PER_PAGE) + 1):
            seen.update(self.read(f"/groups/{group.slug}/?page={number}")["titles"])
        assert seen.keys() == group.titles.keys(), f"/groups/{group.slug}/ does not list every thread"
        garbled = [(href, text) for href, text in seen.items() if text != group.titles[href]]
        assert garbled == [], f"{len(garbled)} titles do not read back as posted: {garbled[:5]}"
        self.titles_shown += len(seen)


# Fixtures and the test ---------------------------------------------------------------------


@pytest.fixture
def trapped_page(page, context, live_server):
    """The page fixture, with alert & co. recorded and every non-http(s) or other-host request noted."""
    context.add_init_script(TRAP_SCRIPT)
    host = urlsplit(live_server).netloc
    page.strange_requests = []

    def on_request(request):
        parts = urlsplit(request.url)
        if parts.scheme not in {"http", "https"} or parts.netloc != host:
            page.strange_requests.append(request.url)

    page.on("request", on_request)
    return page


@pytest.fixture
def writer(live_app):
    """Start the writer process; yields the queue it reports on. It is stopped at the end."""
    lines = corpus_lines(*PAYLOADS)  # here, so a missing ../shared skips (or fails in CI) plainly
    spawn = multiprocessing.get_context("spawn")  # never fork a process that runs server threads
    ready, stop = spawn.Queue(), spawn.Event()
    settings = {key: live_app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "MAIL_OUTBOX")}
    suffix = f"{next(_names)}{os.getpid() % 1000}"
    process = spawn.Process(
        target=write_payloads, args=(settings, suffix, lines, ready, stop), name="xss-writer", daemon=True
    )
    process.start()
    yield ready
    stop.set()
    process.join(timeout=10)
    if process.is_alive():
        process.terminate()


@pytest.mark.timeout(900)  # 216-272 s beside the other worker's XSS test on a slow day; 300 s is the default
def test_posts_and_titles_from_the_xss_list_render_inert(trapped_page, writer, monkeypatch):
    monkeypatch.setattr(forum_reading, "POSTS_PER_PAGE", BODIES_PER_THREAD)
    monkeypatch.setattr(forum_groups, "THREADS_PER_PAGE", TITLES_PER_GROUP)
    reading = Reading(trapped_page)
    while True:
        try:
            kind, item = writer.get(timeout=WAIT_FOR_WRITER)
        except queue.Empty:
            pytest.fail(f"the writer posted nothing for {WAIT_FOR_WRITER} s")
        if kind == "error":
            pytest.fail(f"posting the payloads failed:\n{item}")
        elif kind == "done":
            rejected = item
            break
        elif kind == "bodies":
            reading.body_thread(item)
        else:
            reading.title_group(item)

    # Search highlights payload text inside snippets: read the words payloads are made of.
    snippets = sum(reading.search(word) for word in SEARCH_WORDS)
    assert snippets >= len(SEARCH_WORDS) * 10, f"only {snippets} highlighted snippets were read"

    lines = len(corpus_lines(*PAYLOADS))
    assert rejected == [], f"{len(rejected)} payloads were refused: {rejected[:5]}"
    assert reading.bodies_shown == lines, f"{reading.bodies_shown} of {lines} payloads were shown as posts"
    assert reading.titles_shown == lines, f"{reading.titles_shown} of {lines} payloads were shown as titles"
    assert reading.problems == [], (
        f"{len(reading.problems)} problems on {reading.pages} pages: {reading.problems[:10]}"
    )
    assert trapped_page.strange_requests == [], f"the pages asked for: {trapped_page.strange_requests[:10]}"
