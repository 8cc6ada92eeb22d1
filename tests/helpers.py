"""Helpers shared by the tests: the CSRF-aware client, corpora, and skip-or-fail."""

from __future__ import annotations

import os
import re
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _redis_for_this_worker(url: str | None) -> str | None:
    """TEST_REDIS_URL, with a database of its own for each pytest-xdist worker (gw0 keeps the
    number given, gw1 the one below it, ...), as tests empty their database before and after."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        return url
    from redis.connection import parse_url

    number = int(parse_url(url).get("db", 0)) - int(worker[2:])
    base = url.rsplit("/", 1)[0] if url.rsplit("/", 1)[-1].isdigit() else url.rstrip("/")
    return f"{base}/{max(number, 0)}"


TEST_REDIS_URL = _redis_for_this_worker(os.environ.get("TEST_REDIS_URL"))
PASSWORD = "a long test password"

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|name="csrf-token" content="([^"]+)"')


def skip_or_fail(reason: str):
    """Skip on a developer's machine; under CI=true the missing piece is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true, so this test must run)")
    pytest.skip(reason)


def shared_file(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        skip_or_fail(f"{path} is not here; the public test corpora live in ../shared/data/")
    return path


def corpus_lines(*parts: str) -> list[str]:
    """A corpus file's lines, without comments and blanks (blns.txt holds control bytes)."""
    text = shared_file(*parts).read_text(encoding="utf-8", errors="surrogateescape")
    lines = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lines.append(line.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
    return lines


def csrf_token_in(html: str) -> str:
    """The CSRF token a page carries, in a form field or the members' meta tag."""
    match = _TOKEN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def cookies_from(headers, jar: dict | None = None) -> dict:
    """`jar` updated with the cookies set by response headers given as (name, value) pairs."""
    jar = dict(jar or {})
    for name, value in headers:
        if name.lower() == "set-cookie":
            for morsel in SimpleCookie(value).values():
                jar[morsel.key] = morsel.value
    return jar


def cookie_header(jar: dict) -> str:
    return "; ".join(f"{key}={value}" for key, value in jar.items())


class Client(FlaskClient):
    """A test client that fills in the CSRF token the way a browser's form would."""

    def csrf_token(self, page: str) -> str:
        return csrf_token_in(self.get(page).get_data(as_text=True))

    def post_form(self, path: str, data: dict | None = None, page: str | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token(page or path))
        return self.post(path, data=data, **kwargs)
