"""What the HTTP benchmarks serve: `gunicorn -c gunicorn.conf.py bench.serve:app`.

`app` hands every request to the real app, built as wsgi.py builds it (community.create_app(),
settings from the environment), except two paths of the benchmark's own, each answering a
constant page of exactly <size> bytes:

- /bench/bare/<size>: a bare Flask app with that one route, in the same gunicorn worker.
  It is the stack's ceiling for a page of that size: the same server and settings, Flask,
  and nothing of ours. Every page is measured beside it.
- /bench/floor/<size>: the same route registered on the real app, so it runs everything the
  app does on every request (the member's session, request hooks, security headers) and
  nothing else: the floor under every page of the app.

Both are registered here, never in the app.
"""

from __future__ import annotations

from flask import Flask, Response

from community import create_app

_HEAD = b"<!doctype html>\n<html lang='en'><head><meta charset='utf-8'><title>Bare</title></head><body><p>"
_TAIL = b"</p></body></html>\n"
_pages: dict[int, bytes] = {}


def constant_page(size: int) -> bytes:
    """A page of exactly `size` bytes (HTML while the size allows), made once per size."""
    page = _pages.get(size)
    if page is None:
        filler = size - len(_HEAD) - len(_TAIL)
        page = _HEAD + b"x" * filler + _TAIL if filler >= 0 else b"x" * size
        _pages[size] = page
    return page


def _respond(size: int) -> Response:
    return Response(constant_page(min(size, 10_000_000)), mimetype="text/html")


main_app = create_app()
main_app.add_url_rule("/bench/floor/<int:size>", "bench_floor", _respond)

bare = Flask("bench_bare")
bare.add_url_rule("/bench/bare/<int:size>", "bench_bare", _respond)


class Dispatch:
    """/bench/bare/ to the bare app, everything else to the real one. It shows the real
    app's extensions, which gunicorn.conf.py looks at."""

    def __init__(self, main: Flask, ceiling: Flask):
        self.main, self.ceiling = main, ceiling
        self.extensions = main.extensions

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/bench/bare/"):
            return self.ceiling(environ, start_response)
        return self.main(environ, start_response)


app = Dispatch(main_app, bare)
