"""Redis: with several workers, the failed sign-in limit is counted once, in Redis, for all of them.

The CI sets TEST_REDIS_URL (a database number kept for tests; it is emptied before and after).
Without it these tests skip on a developer's machine and fail under CI=true.
"""

from __future__ import annotations

import pytest

from community.extensions import db
from tests.conftest import make_app
from tests.helpers import PASSWORD, TEST_REDIS_URL, Client, skip_or_fail


@pytest.fixture
def redis_url():
    if not TEST_REDIS_URL:
        skip_or_fail("TEST_REDIS_URL is not set (for example redis://127.0.0.1:6379/15)")
    import redis

    connection = redis.Redis.from_url(TEST_REDIS_URL)
    connection.flushdb()
    yield TEST_REDIS_URL
    connection.flushdb()
    connection.close()


def _worker(redis_url: str, tmp_path, name: str):
    """One app process as production runs it: its own database connection, the shared Redis."""
    from community.accounts.services import create_user

    app = make_app(RATELIMIT_STORAGE_URI=redis_url, MAIL_OUTBOX=str(tmp_path / name))
    app.test_client_class = Client
    with app.app_context():
        db.create_all()
        create_user("shared", "shared@example.org", PASSWORD)
        db.session.commit()
    return app


def _fail_login(app):
    with app.app_context():
        client = app.test_client()
        return client.post_form("/auth/login", {"login": "shared", "password": "not the password at all"})


def _counted_in_redis(redis_url: str) -> int:
    """The highest failure count the limiter keeps in Redis for any key (address or account)."""
    import redis

    connection = redis.Redis.from_url(redis_url)
    try:
        # Only the limiter's counters: chat presence (hashes) may share this database.
        values = [connection.get(key) for key in connection.keys("*") if connection.type(key) == b"string"]
        return max((int(v) for v in values if v is not None and v.isdigit()), default=0)
    finally:
        connection.close()


def test_failed_sign_ins_are_limited_across_workers(redis_url, tmp_path):
    worker_a = _worker(redis_url, tmp_path, "a")
    worker_b = _worker(redis_url, tmp_path, "b")

    for attempt in range(5):
        assert _fail_login(worker_a).status_code == 401, f"worker A, attempt {attempt + 1}"
    assert _counted_in_redis(redis_url) == 5, "worker A's failures are not counted in Redis"
    for attempt in range(5):
        assert _fail_login(worker_b).status_code == 401, f"worker B, attempt {attempt + 6}"
    assert _counted_in_redis(redis_url) == 10, "worker B's failures are not added to A's in Redis"

    for worker in (worker_a, worker_b):
        refused = _fail_login(worker)
        assert refused.status_code == 429
        assert "Please wait a minute" in refused.get_data(as_text=True)
    # The right password is refused too while the limit lasts, on either worker.
    with worker_a.app_context():
        right = worker_a.test_client().post_form("/auth/login", {"login": "shared", "password": PASSWORD})
    assert right.status_code == 429


def test_a_correct_sign_in_gives_its_attempt_back_in_redis(redis_url, tmp_path):
    """Attempts are counted before the password is checked; a right one is handed back."""
    worker_a = _worker(redis_url, tmp_path, "a")
    for _ in range(12):
        with worker_a.app_context():
            client = worker_a.test_client()
            assert (
                client.post_form("/auth/login", {"login": "shared", "password": PASSWORD}).status_code == 302
            )
    assert _counted_in_redis(redis_url) == 0
