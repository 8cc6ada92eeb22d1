"""Pages in process: the bytes each page sends, and what a page costs without the server.

On the standard site (a 50-post thread read at page 1, a 60-thread group, a search with a
full page of results, the home page, the notifications page), a member signed in through
the real form fetches each page with Flask's test client, then every stylesheet and script
the page names: the bytes a first visit downloads (HTML + CSS + JS; the favicon is counted
apart). Any resource the page would load from another host is counted: the target is none.

Then the in-process cost: milliseconds per thread page (and group page and search) beside
/guidelines, a member's plain page through the same stack, and the thread page with nothing
kept (each post's pieces rendered again, as for the first reader after a change). Last, the
CPU a request costs when 16 threads (gunicorn's) make requests at once, beside one thread
alone, for /guidelines and the thread page: what sharing one interpreter adds.
`--profile` adds cProfile's top functions over repeated thread page renders.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import threading
import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

from bench import BenchmarkFailed, Note, Options, Row, Target, per_call_ms
from bench.data import make_app, shared_site, sign_in_client

THREAD_BYTES_TARGET_KB = 150.0
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")
_LOCAL_HOSTS = {"", "127.0.0.1", "localhost"}


class Resources(HTMLParser):
    """What a browser would fetch for a page: stylesheets, scripts, and everything else."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.css: list[str] = []
        self.js: list[str] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("href"):
            rel = set((attributes.get("rel") or "").lower().split())
            if "stylesheet" in rel:
                self.css.append(attributes["href"])
            elif rel & {"icon", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon"}:
                self.other.append(attributes["href"])
        elif tag == "script" and attributes.get("src"):
            self.js.append(attributes["src"])
        elif tag in {"img", "iframe", "source", "video", "audio", "embed", "track"} and attributes.get("src"):
            self.other.append(attributes["src"])
        elif tag == "object" and attributes.get("data"):
            self.other.append(attributes["data"])
        for name in ("srcset", "poster"):
            if attributes.get(name) and tag != "a":
                self.other += [part.split()[0] for part in attributes[name].split(",") if part.strip()]


def is_external(url: str) -> bool:
    return urlsplit(url).netloc.lower() not in _LOCAL_HOSTS


def fetch(client, path: str) -> bytes:
    response = client.get(path)
    if response.status_code != 200:
        raise BenchmarkFailed(f"{path} answered {response.status_code}")
    return response.get_data()


def page_bytes(client, path: str) -> tuple[int, int, int, int, list[str]]:
    """(HTML, CSS, JS, other bytes, external URLs) for one page and what it names."""
    html = fetch(client, path)
    if b"Sign out" not in html:
        raise BenchmarkFailed(f"{path} did not come back signed in")
    found = Resources()
    found.feed(html.decode())
    external = [url for url in found.css + found.js + found.other if is_external(url)]
    css = js = other = 0
    for url in found.css:
        if not is_external(url):
            sheet = fetch(client, urlsplit(url).path)
            css += len(sheet)
            for match in _CSS_URL.finditer(sheet.decode(errors="replace")):
                target = match.group(1) or match.group(2)
                if is_external(target) and not target.startswith("data:"):
                    external.append(target)
    for url in found.js:
        if not is_external(url):
            js += len(fetch(client, urlsplit(url).path))
    for url in found.other:
        if not is_external(url):
            other += len(fetch(client, urlsplit(url).path))
    return len(html), css, js, other, external


def profile_lines(client, path: str, rounds: int) -> list[str]:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        client.get(path)
    profiler.disable()
    lines = []
    for key, limit in (("tottime", 25), ("cumulative", 40)):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(key)
        stats.print_stats(limit)
        text = out.getvalue()
        body = text[text.index("ncalls") :] if "ncalls" in text else text
        lines.append(f"by {key}, {rounds} renders of {path}:")
        lines += ["  " + line for line in body.rstrip().splitlines()]
    return lines


def cold_ms(app, client, pages: dict[str, str]) -> float:
    """The thread page as its first reader meets it: every post's kept pieces dropped before
    each view (forums/fragments.py), so each is rendered again."""
    from community.forums import fragments

    def cold_view():
        with app.app_context():
            fragments.forget_all()
        client.get(pages["thread"])

    return min(per_call_ms(cold_view, 20) for _ in range(3))


def cpu_ms_per_request(clients: list, path: str, requests: int) -> float:
    """The process's CPU time per request while len(clients) threads each make `requests`
    requests for `path` at once (each its own signed-in client): what a request costs when
    it shares the interpreter with others, as under gunicorn's threads."""
    for client in clients:
        fetch(client, path)

    def reader(client):
        for _ in range(requests):
            client.get(path)

    threads = [threading.Thread(target=reader, args=(client,)) for client in clients]
    start = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (time.process_time() - start) / (requests * len(clients)) * 1000


def shared_interpreter_rows(options: Options, app, site, pages: dict[str, str]):
    """CPU per request, 16 threads at once against one: the overhead the HTTP figures carry
    and an in-process, one-reader figure does not (bench/README.md, What stands in the way)."""
    threads = options.gunicorn_threads
    clients = []
    for _ in range(threads):
        client = app.test_client()
        sign_in_client(client, site.reader, site.password)
        clients.append(client)
    requests = 5 if options.quick else 150
    for name, path in (("a member's plain page", "/guidelines"), ("thread page", pages["thread"])):
        alone = min(cpu_ms_per_request(clients[:1], path, requests * 4) for _ in range(3))
        shared = min(cpu_ms_per_request(clients, path, requests) for _ in range(3))
        yield Row(f"in process: {name}, CPU a request, {threads} threads vs 1", shared, "ms", alone)


def run(options: Options):
    url, site = shared_site(options)
    app = make_app(url, options.workdir)
    client = app.test_client()
    sign_in_client(client, site.reader, site.password)
    pages = site.pages()

    external: list[str] = []
    detail = Note("Bytes a first visit downloads (HTML + CSS + JS; other = favicon)")
    for name, path in pages.items():
        html, css, js, other, outside = page_bytes(client, path)
        external += outside
        total = (html + css + js) / 1000
        yield Row(
            f"bytes: {name} page, HTML + CSS + JS",
            total,
            "KB",
            target=Target(THREAD_BYTES_TARGET_KB, at_least=False, on="figure") if name == "thread" else None,
        )
        detail.lines.append(
            f"{path}: HTML {html:,}, CSS {css:,}, JS {js:,}, other {other:,} bytes; "
            f"from other hosts: {len(outside)}"
        )
    yield Row(
        "bytes: requests to other hosts, all pages",
        float(len(external)),
        "",
        target=Target(0, at_least=False, on="figure"),
    )
    yield detail

    rounds = 10 if options.quick else 50

    def best_ms(path: str) -> float:
        """The best of three means, so a collection or a neighbour's burst does not count."""
        return min(per_call_ms(lambda: client.get(path), rounds) for _ in range(3))

    plain = best_ms("/guidelines")
    for name in ("thread", "group", "search"):
        yield Row(f"in process: {name} page vs /guidelines", best_ms(pages[name]), "ms", plain)
    cold = cold_ms(app, client, pages)
    yield Row("in process: thread page, nothing kept, vs /guidelines", cold, "ms", plain)
    yield from shared_interpreter_rows(options, app, site, pages)

    if options.profile:
        yield Note(
            "cProfile of the thread page in process",
            profile_lines(client, pages["thread"], 5 if options.quick else 50),
        )
