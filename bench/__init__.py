"""Benchmarks: each prints its figure, the baseline it is held to, and the ratio."""

from __future__ import annotations

import time


def time_get(client, path: str, rounds: int = 200) -> float:
    """Milliseconds per GET of `path`, after a warm-up."""
    for _ in range(10):
        assert client.get(path).status_code == 200, path
    start = time.perf_counter()
    for _ in range(rounds):
        client.get(path)
    return (time.perf_counter() - start) / rounds * 1000


def bench_app():
    """A fresh in-memory app with the schema, and a client that fills in CSRF tokens."""
    from community.extensions import db
    from tests.conftest import make_app
    from tests.helpers import Client

    app = make_app()
    app.test_client_class = Client
    with app.app_context():
        db.create_all()
    return app
