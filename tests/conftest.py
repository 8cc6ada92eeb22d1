"""Fixtures: a fresh app and database per test, a CSRF-aware client, members of each role."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from community import create_app
from community.config import TestConfig
from community.extensions import db
from tests.helpers import IN_CI, PASSWORD, Client, skip_or_fail

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def pytest_collection_modifyitems(items):
    """For pytest-xdist (--dist loadgroup): each test file runs whole in one worker, and the
    browser tests all in one worker, one after another, as they share one live server and
    Socket.IO's server is bound to the newest app made in a process."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            group = "e2e" if "/e2e/" in str(item.fspath) else str(item.fspath)
            item.add_marker(pytest.mark.xdist_group(group))


def pytest_generate_tests(metafunc):
    """Tests marked both_databases run on SQLite and, when configured, on PostgreSQL."""
    if "db_backend" in metafunc.fixturenames:
        backends = ["sqlite"]
        if metafunc.definition.get_closest_marker("both_databases") and (TEST_DATABASE_URL or IN_CI):
            backends.append("postgresql")
        metafunc.parametrize("db_backend", backends, scope="function")


@pytest.fixture(scope="session")
def postgres_url():
    """PostgreSQL with the schema built by the real migrations, once per run, in a schema of
    this run's own (`run_<pid>`, first on the search path), so two runs at once (two
    developers, or CI and a developer) never drop each other's tables; dropped at the end."""
    if not TEST_DATABASE_URL:
        skip_or_fail("TEST_DATABASE_URL is not set")
    from flask_migrate import upgrade
    from sqlalchemy.engine import make_url

    schema = f"run_{os.getpid()}"
    url = make_url(TEST_DATABASE_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    url = url.render_as_string(hide_password=False)
    app = create_app(type("PgConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        upgrade()
        db.engine.dispose()
    yield url
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        db.engine.dispose()


def make_app(**settings):
    return create_app(type("TestSettings", (TestConfig,), settings))


@pytest.fixture
def app(request, db_backend, tmp_path):
    settings = {"MAIL_OUTBOX": str(tmp_path / "outbox")}
    if db_backend == "postgresql":
        settings["SQLALCHEMY_DATABASE_URI"] = request.getfixturevalue("postgres_url")
    app = make_app(**settings)
    app.test_client_class = Client
    with app.app_context():
        if db_backend == "sqlite":
            db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if db_backend == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _create(app, username, role="member", trusted=False):
    from community.accounts.services import create_user

    with app.app_context():
        user = create_user(username, f"{username}@example.org", PASSWORD, role=role, trusted=trusted)
        db.session.commit()
        return user.id


@pytest.fixture
def users(app) -> dict[str, int]:
    """One account of each role (ids); each signs in with tests.helpers.PASSWORD. The two
    members are established (trusted), so their posts are published at once; "newcomer" is a
    new member whose first posts wait for a moderator."""
    return {
        "member": _create(app, "member", trusted=True),
        "other": _create(app, "other_member", trusted=True),
        "newcomer": _create(app, "newcomer"),
        "moderator": _create(app, "moderator", role="moderator", trusted=True),
        "admin": _create(app, "admin", role="admin", trusted=True),
    }


class AuthActions:
    def __init__(self, client: Client):
        self.client = client

    def login(self, login: str = "member", password: str = PASSWORD, **extra):
        return self.client.post_form("/auth/login", {"login": login, "password": password, **extra})

    def logout(self):
        return self.client.post_form("/auth/logout", page="/settings")


@pytest.fixture
def auth(client, users) -> AuthActions:
    return AuthActions(client)


# What ran against the real browser and the real PostgreSQL, said at the end of every run;
# under CI=true a run in which either ran nothing fails. With pytest-xdist the controller
# receives every worker's reports through the same hook, so it counts them all.
_RAN = {"e2e": 0, "postgresql": 0}


def pytest_runtest_logreport(report):
    if report.when != "call" or not report.passed:
        return
    if "/e2e/" in report.nodeid:
        _RAN["e2e"] += 1
    if "postgresql" in report.nodeid or "postgres" in report.keywords:
        _RAN["postgresql"] += 1


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(
        f"browser (e2e) tests passed: {_RAN['e2e']}; PostgreSQL tests passed: {_RAN['postgresql']}"
    )


def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput"):  # a pytest-xdist worker: the controller judges
        return
    if IN_CI and exitstatus == 0 and (_RAN["e2e"] == 0 or _RAN["postgresql"] == 0):
        print("\nCI=true, but the browser or PostgreSQL tests did not run: failing the run.")
        session.exitstatus = 1
