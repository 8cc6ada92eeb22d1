"""Browser tests: the real server in a thread, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import itertools
import os
import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from community.extensions import db
from tests.conftest import make_app
from tests.helpers import PASSWORD, skip_or_fail

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# As long as a page's actions may take (set_default_timeout below): in CI a page can wait
# behind the XSS corpus tests in the other worker, and Playwright's own 5 s was once too short.
EXPECT_TIMEOUT_MS = 10_000
# Without these, Chromium keeps trying to reach Google's hosts, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_names = itertools.count(1)


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    app = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'live.db'}",
        # The tests write to the same file while the server runs: wait for the lock, not 5 s.
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 30}},
        MAIL_OUTBOX=str(folder / "outbox"),
    )
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"{CHROMIUM} is missing: apt-get install chromium")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        skip_or_fail("the playwright package is not installed (make test installs it)")
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """What a page did that a person would never want: scripts run, errors, other hosts."""

    def __init__(self, page, base_url: str):
        self.problems: list[str] = []
        self.other_hosts: list[str] = []
        host = urlsplit(base_url).netloc
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("console", self.on_console)
        # A 4xx page (404, a form with errors) is expected; a broken stylesheet or script is not.
        page.on(
            "response",
            lambda r: (
                r.status >= 400
                and r.request.resource_type != "document"
                and self.problems.append(f"{r.status} for {r.url}")
            ),
        )

        def on_request(request):
            parts = urlsplit(request.url)
            if parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != host:
                self.other_hosts.append(request.url)

        page.on("request", on_request)

    def on_console(self, message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def assert_clean(self):
        assert self.other_hosts == [], f"requests to other hosts: {self.other_hosts}"
        assert self.problems == [], f"the page reported: {self.problems}"


@pytest.fixture(params=["light"])
def color_scheme(request):
    return request.param


def _new_context(browser, live_server, color_scheme):
    return browser.new_context(
        base_url=live_server,
        color_scheme=color_scheme,
        reduced_motion="reduce",
        viewport={"width": 1024, "height": 800},
    )


def _watched_page(context, live_server):
    """A tab that fails the test on a page error, a console error or a request to another
    host (PageWatch)."""
    page = context.new_page()
    page.set_default_timeout(EXPECT_TIMEOUT_MS)
    watch = PageWatch(page, live_server)
    page.watch = watch
    yield page
    watch.assert_clean()


@pytest.fixture
def context(browser, live_server, color_scheme):
    context = _new_context(browser, live_server, color_scheme)
    yield context
    context.close()


@pytest.fixture
def page(context, live_server):
    yield from _watched_page(context, live_server)


@pytest.fixture
def second_context(browser, live_server, color_scheme):
    """Another member's browser: its own cookies."""
    context = _new_context(browser, live_server, color_scheme)
    yield context
    context.close()


@pytest.fixture
def second_page(second_context, live_server):
    """Another member's tab, watched like the page fixture."""
    yield from _watched_page(second_context, live_server)


@pytest.fixture
def groups(live_app):
    """The seeded forum groups (CRPS, Introductions, …)."""
    from community.forums import seed  # after the app: importing forums first meets an import cycle

    with live_app.app_context():
        list(seed.seed_groups())
        db.session.commit()


@pytest.fixture
def make_member(live_app):
    """Create an account directly; returns its username (password: tests.helpers.PASSWORD).
    Members are established (trusted) unless trusted=False: a new member's first posts wait
    for a moderator."""
    from community.accounts.services import create_user

    def make(prefix: str = "member", role: str = "member", trusted: bool = True) -> str:
        username = f"{prefix}{next(_names)}_{os.getpid() % 1000}"
        with live_app.app_context():
            create_user(username, f"{username}@example.org", PASSWORD, role=role, trusted=trusted)
            db.session.commit()
        return username

    return make


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/auth/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab, as a keyboard user would, until `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def sign_up_by_keyboard(page, username: str, password: str) -> None:
    """On the sign-up page: fill every field and accept the guidelines by keyboard, then send."""
    tab_to(page, "#username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(f"{username}@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    tab_to(page, "#accept_guidelines")
    page.keyboard.press("Space")
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
