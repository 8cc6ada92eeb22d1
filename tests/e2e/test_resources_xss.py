"""Every line of the payloadbox XSS list, as a member's suggested resource description,
renders inert on that entry's page in Chromium.

A child process, once the member has signed in, suggests each line as its own entry through
`review.suggest`, what /resources/suggest calls (the text intake, storing, the review item),
and announces each committed batch, while Chromium reads the batches already written.
Navigating to 6,600 pages costs ~50 ms each, and three round trips to the browser a page
about 40 ms, so the tab reads a whole batch in one: for each entry it fetches the page from
the live server with its own cookies (its HTML exactly as the server sends it), writes it
into the tab, at the site's address, as `set_content` does (document.open, write, close),
and inspects it. One entry in every PROBE_EVERY is visited by real navigation too, so both
ways are seen to show the same.

On every page: nothing calls alert/confirm/prompt/print/open (the forums' XSS init script
records any call; document.write keeps the window, so the record survives); no element
carries an on* handler or a javascript:/vbscript:/data: link; no script but the site's own;
the description holds only the tags the sanitiser allows; the heading is the entry's; no
request goes to another host; and the page fixture sees no dialog, page error or console
error (a Content-Security-Policy refusal is one).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import time
import traceback
from urllib.parse import urlsplit

import pytest

from community.content import ALLOWED_TAGS
from community.extensions import db
from tests.conftest import make_app
from tests.e2e.conftest import sign_in
from tests.e2e.test_forums_xss import INSPECT_SCRIPT, TRAP_SCRIPT
from tests.helpers import PASSWORD, corpus_lines

# Its own xdist group, not the browser tests' one: it runs beside them, in the other worker,
# on its own live server (it opens no socket, so the Socket.IO app a process binds to is moot).
pytestmark = pytest.mark.xdist_group("directory-xss")

PAYLOADS = ("xss", "payloadbox-xss-payload-list.txt")
BATCH = 20  # short transactions: the live server writes too (a sign-in's last activity)
PAUSE = 0.1  # seconds between batches, so a write of the live server's waiting for the lock gets it
PROBE_EVERY = 250
WAIT_FOR_WRITER = 120  # seconds without news from the writer before the test gives up
_names = itertools.count(1)

# One round trip for a batch: each page fetched with the tab's cookies, written into the tab
# as Playwright's set_content does, then inspected with the forums' INSPECT_SCRIPT.
READ_BATCH_SCRIPT = (
    """
async ([paths, allowed]) => {
  const inspect = """
    + INSPECT_SCRIPT.strip()
    + """;
  // All of the batch asked for at once: the server renders while the tab inspects.
  const pages = paths.map(async (path) => {
    const response = await fetch(path, {credentials: "same-origin"});
    return [response.status, await response.text()];
  });
  const seen = [];
  for (const [index, path] of paths.entries()) {
    const [status, html] = await pages[index];
    document.open();
    document.write(html);
    document.close();
    // As set_content does: the page's own scripts have run before it is looked at.
    for (let waited = 0; document.readyState !== "complete" && waited < 2000; waited += 5) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    seen.push({path, status, ...inspect(allowed)});
  }
  return seen;
}
"""
)


def suggest_payloads(settings: dict, suffix: str, lines: list[str], ready, stop, signed_in) -> None:
    """The child process: a moderator (staff are not held to five suggestions a day; the
    service and the page are a member's) suggests every line; each committed batch of entry
    ids goes on `ready`, then ("done", refused lines)."""
    from community.accounts.services import create_user
    from community.resources import review
    from community.resources.services import ResourceError

    try:
        app = make_app(**settings)
        with app.app_context():
            _take_the_write_lock_first(db.engine)
            name = f"xsssuggester{suffix}"
            member = create_user(name, f"{name}@example.org", PASSWORD, role="moderator", trusted=True)
            db.session.commit()
            ready.put(("member", name))
            signed_in.wait(WAIT_FOR_WRITER)  # the sign-in writes too: let it go first
            ids, refused = [], []
            for number, line in enumerate(lines, start=1):
                if stop.is_set():
                    return
                suggestion = review.Suggestion(
                    name=f"Payload {number}", description=line, kind="advocacy", reach="online", country="US"
                )
                try:
                    with db.session.begin_nested():
                        ids.append(review.suggest(member, suggestion).id)
                except ResourceError as error:
                    refused.append((line, str(error)))
                if number % BATCH == 0 or number == len(lines):
                    db.session.commit()
                    ready.put(("entries", ids))
                    ids = []
                    time.sleep(PAUSE)  # a window for the live server's own writes
    except BaseException:  # handed to the test, which fails with it
        ready.put(("error", traceback.format_exc()))
    else:
        ready.put(("done", refused))


def _take_the_write_lock_first(engine) -> None:
    """Begin every transaction with BEGIN IMMEDIATE. A SQLite transaction that has read and
    then wants to write while the live server holds the write lock gets "database is locked"
    at once, whatever the timeout (waiting could deadlock); one that takes the lock at its
    start simply waits its turn."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _driver_leaves_transactions_to_us(dbapi_connection, record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    engine.dispose()  # no pooled connection made before the listeners


@pytest.fixture
def writer(live_app):
    lines = corpus_lines(*PAYLOADS)  # here, so a missing ../shared skips (or fails in CI) plainly
    spawn = multiprocessing.get_context("spawn")  # never fork a process that runs server threads
    ready, stop, signed_in = spawn.Queue(), spawn.Event(), spawn.Event()
    settings = {key: live_app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "MAIL_OUTBOX")}
    # The live server writes too (a sign-in's last activity): wait for its lock, not 5 s.
    settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 60}}
    suffix = f"{next(_names)}x{os.getpid() % 1000}"
    process = spawn.Process(
        target=suggest_payloads,
        args=(settings, suffix, lines, ready, stop, signed_in),
        name="xss-suggester",
        daemon=True,
    )
    process.start()
    yield ready, len(lines), signed_in
    stop.set()
    process.join(timeout=10)
    if process.is_alive():
        process.terminate()


def _next(ready):
    try:
        kind, item = ready.get(timeout=WAIT_FOR_WRITER)
    except queue.Empty:
        pytest.fail(f"the writer suggested nothing for {WAIT_FOR_WRITER} s")
    if kind == "error":
        pytest.fail(f"suggesting the payloads failed:\n{item}")
    return kind, item


@pytest.mark.timeout(900)  # 6,600 pages: about 250 s on a quiet machine, more beside the other worker
def test_every_xss_payload_as_a_suggested_description_renders_inert(page, context, live_server, writer):
    ready, lines, signed_in = writer
    context.add_init_script(TRAP_SCRIPT)
    kind, username = _next(ready)
    assert kind == "member"
    sign_in(page, username)
    signed_in.set()
    host, strange = urlsplit(live_server).netloc, []

    def on_request(request):
        parts = urlsplit(request.url)
        if parts.scheme not in {"http", "https"} or parts.netloc != host:
            strange.append(request.url)

    page.on("request", on_request)

    allowed = sorted(ALLOWED_TAGS)
    problems: list[str] = []
    shown = 0
    while True:
        kind, item = _next(ready)
        if kind == "done":
            refused = item
            break
        paths = [f"/resources/{entry}" for entry in item]
        probe = [path for number, path in enumerate(paths, start=shown) if number % PROBE_EVERY == 0]
        for path in probe:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            seen = page.evaluate(INSPECT_SCRIPT, allowed)
            problems += [f"{path} (navigated): {problem}" for problem in seen["problems"] + seen["calls"]]
        for seen in page.evaluate(READ_BATCH_SCRIPT, [paths, allowed]):
            path = seen["path"]
            assert seen["status"] == 200, f"{path} answered {seen['status']}"
            problems += [f"{path}: {problem}" for problem in seen["problems"] + seen["calls"]]
            assert seen["heading"].startswith("Payload "), f"{path} does not show its entry"
            shown += 1

    assert shown + len(refused) == lines, (shown, len(refused), lines)
    assert shown > 0.9 * lines, f"{len(refused)} payloads were refused: {refused[:5]}"
    assert problems == [], f"{len(problems)} problems on {shown} pages, the first: {problems[:10]}"
    assert strange == [], f"the pages asked for: {strange[:10]}"
