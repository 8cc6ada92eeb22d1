"""Serving a page: the home page and a member's settings through the whole Flask stack.

Baseline: 2 ms per page, a budget that leaves room for a page's few queries on SQLite.
"""
from __future__ import annotations

import time

from community.extensions import db


def _time(client, path, rounds=300) -> float:
    for _ in range(20):
        client.get(path)
    start = time.perf_counter()
    for _ in range(rounds):
        assert client.get(path).status_code == 200
    return (time.perf_counter() - start) / rounds * 1000


def run():
    from tests.conftest import make_app
    from tests.helpers import PASSWORD, Client

    app = make_app()
    app.test_client_class = Client
    with app.app_context():
        db.create_all()
        from community.accounts.services import create_user
        create_user("bench", "bench@example.org", PASSWORD)
    client = app.test_client()
    yield "pages: home for a visitor", _time(client, "/"), 2.0, "ms"
    client.post_form("/auth/login", {"login": "bench", "password": PASSWORD})
    yield "pages: settings for a member", _time(client, "/settings"), 2.0, "ms"
