"""Serving a page: the home page and a member's settings through the whole Flask stack.

Baseline: 2 ms per page, a budget that leaves room for a page's few queries on SQLite.
"""

from __future__ import annotations

from bench import bench_app, time_get


def run():
    from community.accounts.services import create_user
    from tests.helpers import PASSWORD

    app = bench_app()
    with app.app_context():
        create_user("bench", "bench@example.org", PASSWORD)
    client = app.test_client()
    yield "pages: home for a visitor", time_get(client, "/"), 2.0, "ms"
    client.post_form("/auth/login", {"login": "bench", "password": PASSWORD})
    yield "pages: settings for a member", time_get(client, "/settings"), 2.0, "ms"
