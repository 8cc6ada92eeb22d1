"""Pages kept whole, in two parts: the page's own body for a kind of reader, and the layout
around it for one reader.

A page that renders the same for many readers (a thread page, to every member with nothing
of their own on it) is rendered once and kept. The view gives a key made of everything the
page's own blocks show (title, head, content, scripts); the layout (base.html) is kept
apart, under a key made of everything it shows: the reader, the header's counts, their
theme and the address. A hit joins the two kept parts and puts the reader's CSRF token in:
no template runs. Keys are made of what is shown, so a change makes a new key and the old
entry ages out; nothing is invalidated by hand.

The two parts are told apart by marks base.html prints around each block while a page is
being kept (`kept_mark`), with a nonce no member can guess. A page with flashed messages is
never kept: they are shown once.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import contextmanager
from datetime import datetime

from flask import Flask, current_app, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from community.database import utcnow

MAX_ENTRIES = 2_000
MAX_CHARACTERS = 20_000_000  # per kind of part and process: 20-80 MB (Python: 1, 2 or 4 bytes a character)
BLOCKS = ("title", "head", "content", "scripts")  # base.html's blocks, in the order it has them
MAX_WORDS = 200  # of a search kept: longer ones are rendered each time (the search reads 200)
SHELL_TEMPLATE = "_kept_layout.html"  # base.html with empty blocks: a reader's layout alone

_NONCE = secrets.token_hex(12)
_TOKEN = f"\x00csrf-{_NONCE}\x00"
_MARK = re.compile(f"\x00part-{_NONCE}-([0-9])\x00")
_lock = threading.RLock()


class Kept:
    """Rendered parts under keys, the oldest-used dropped first once there are `entries` of
    them or `characters` of markup (a few long pages must not hold a process's memory)."""

    def __init__(self, entries: int = MAX_ENTRIES, characters: int = MAX_CHARACTERS):
        self.entries, self.characters = entries, characters
        self.size = 0
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()

    def get(self, key: Hashable):
        with _lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value, size: int) -> None:
        if size > self.characters:
            return  # it would only push everything else out, and then itself
        with _lock:
            if key in self._items:  # a page that outlived its times, rendered again
                self.size -= self._items.pop(key)[1]
            self._items[key] = (value, size)
            self.size += size
            while self._items and (len(self._items) > self.entries or self.size > self.characters):
                self.size -= self._items.popitem(last=False)[1][1]

    def clear(self) -> None:
        with _lock:
            self._items.clear()
            self.size = 0


def kept(name: str, entries: int = MAX_ENTRIES, characters: int = MAX_CHARACTERS) -> Kept:
    """This app's store called `name` (each app, so each process and each test's fresh
    database, keeps its own), made with these bounds on first use."""
    key = f"community.kept.{name}"
    store = current_app.extensions.get(key)
    if store is None:
        with _lock:
            store = current_app.extensions.setdefault(key, Kept(entries, characters))
    return store


def forget_all() -> None:
    """Drop every kept page: the benchmark's cold page."""
    for name in ("shell", "body"):
        kept(name).clear()


def mark(number: int) -> Markup:
    return Markup(f"\x00part-{_NONCE}-{number}\x00") if g.get("keeping_page") else Markup("")


def register(app: Flask) -> None:
    app.jinja_env.globals["kept_mark"] = mark


def _frozen(value):
    """A context value as part of a key; TypeError when it cannot be one."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(value)
    hash(value)
    return value


def _shell_key() -> tuple | None:
    """Everything base.html shows around the blocks: the values the context processors give
    it (the header's links and counts, the reader's theme, text size, zone and standing
    notice), the reader, and what it reads of the address (which header link is the current
    page's; on search, the words). One reader's layout is then the same on every thread.
    None: this layout cannot be kept."""
    values: dict = {}
    current_app.update_template_context(values)
    try:
        shown = tuple(
            sorted(
                (name, _frozen(value))
                for name, value in values.items()
                if not callable(value) and name not in ("g", "request", "session", "current_user")
            )
        )
    except TypeError:
        return None
    reader = (current_user.id, current_user.username) if current_user.is_authenticated else None
    here = tuple(href for _, href in values.get("nav_links", ()) if request.path.startswith(href))
    words = request.args.get("q", "") if request.endpoint == "forums.search" else ""
    if len(words) > MAX_WORDS:
        return None
    return shown, reader, here, request.endpoint == "forums.search", words


@contextmanager
def _marked():
    """While a page to keep is made: its blocks marked, and a stand-in for the reader's CSRF
    token (which changes) wherever anything asks for it, forms made now included."""
    before = g.pop("csrf_token", None)
    g.csrf_token, g.keeping_page = _TOKEN, True
    try:
        yield
    finally:
        g.pop("keeping_page", None)
        g.pop("csrf_token", None)
        if before is not None:
            g.csrf_token = before


def _split(rendered: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(the layout's five pieces, the four blocks), or None if the marks are not all there
    once each in order (a block printed twice, say): such a page is not kept."""
    pieces = _MARK.split(rendered)
    if [int(n) for n in pieces[1::2]] != list(range(2 * len(BLOCKS))):
        return None
    text = pieces[0::2]
    return tuple(text[0::2]), tuple(text[1::2])


def _joined(shell: tuple[str, ...], body: tuple[str, ...]) -> str:
    parts = [shell[0]]
    for block, after in zip(body, shell[1:], strict=True):
        parts += (block, after)
    html = "".join(parts)
    # Only a stand-in made here, with this process's nonce, is replaced: a member's words
    # cannot hold it. A visitor's page has no token, so no session is made for them.
    return html.replace(_TOKEN, generate_csrf()) if _TOKEN in html else html


def _layout(shell_key) -> tuple[str, ...] | None:
    """The reader's layout alone, rendered from SHELL_TEMPLATE and kept: a kind of reader's
    kept page, for a reader who has not had this layout yet."""
    with _marked():
        split = _split(render_template(SHELL_TEMPLATE))
    if split is None:
        return None
    kept("shell").put(shell_key, split[0], sum(map(len, split[0])))
    return split[0]


def render(
    template: str,
    body_key: Hashable | None,
    context: Callable[[], tuple[dict, object, datetime | None]],
    key_now: Callable[[], Hashable] | None = None,
) -> tuple[str, object]:
    """The page `template` renders, kept for `body_key` (None: not kept), and the view's
    facts about it. `context()` gives (the template's values, facts the view needs whether
    the page was kept or not, when what the body shows may change by itself: a time that
    reads "5 minutes ago"); a kept body is used until then. `key_now()`, asked after a
    render, makes the key again from the database: a page rendered while what it shows
    changed is shown but not kept, so no page is kept under a key it does not match."""
    if body_key is None or "_flashes" in session or (shell_key := _shell_key()) is None:
        values, facts, _ = context()
        return render_template(template, **values), facts
    full_key = (template, body_key)
    shell, body = kept("shell").get(shell_key), kept("body").get(full_key)
    if body is not None and body[2] is not None and body[2] <= utcnow():
        body = None
    if body is not None and (shell is not None or (shell := _layout(shell_key)) is not None):
        return _joined(shell, body[0]), body[1]
    with _marked():
        values, facts, good_until = context()
        rendered = render_template(template, **values)
    split = _split(rendered)
    if split is None:
        return _joined((_MARK.sub("", rendered),), ()), facts
    shell, blocks = split
    kept("shell").put(shell_key, shell, sum(map(len, shell)))
    if key_now is None or key_now() == body_key:
        kept("body").put(full_key, (blocks, facts, good_until), sum(map(len, blocks)))
    return _joined(shell, blocks), facts
