"""A thread page's posts, each rendered once and kept, keyed by everything it shows.

Two kinds of piece are kept. A post's header and body (author, badge, time, content
warning, text) are the same for every signed-in reader, and for every visitor. Around
them, the post's frame (its state line, reactions, the links the reader may use) is the
same for every reader whose rights and reactions on it are the same: most members see
one frame, its author another, a moderator a third. Each piece is kept under a key made of
everything it shows, so an edit, a removal, a hide, a reaction or a new display name makes
a new key and the old entry simply ages out: nothing is invalidated by hand, and nothing
kept can be shown after it changed. Each app (so each process, and each test's fresh
database) keeps its own. The templates stay the one source of the markup: a piece is
rendered from them when its key is new.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from community import kept_pages, times
from community.database import utcnow
from community.forums.models import REACTIONS, Post

MAX_ENTRIES = 5_000
MAX_CHARACTERS = 20_000_000  # of kept markup per kind of piece and process: 20-80 MB (1-4 bytes a character)
# Stand-ins while a frame is rendered: the reader's CSRF token changes with every page, and
# the header and body are kept apart, so neither is stored in the frame.
_TOKEN = "\x00csrf\x00"
_HEAD = "\x00head\x00"


def _store(name: str) -> kept_pages.Kept:
    return kept_pages.kept(f"post.{name}", MAX_ENTRIES, MAX_CHARACTERS)


def forget_all() -> None:
    """Drop every kept piece and page: the benchmark's cold page (what a page costs when
    nothing on it has been seen before)."""
    for name in ("head", "frame"):
        _store(name).clear()
    kept_pages.forget_all()


def _reaction_controls(post_id: int) -> set[str]:
    return {f"react-{post_id}-{kind}" for kind in REACTIONS}


def _kept(name: str, key: tuple, render):
    """The piece under `key`, rendered when it is new."""
    store = _store(name)
    found = store.get(key)
    if found is None:
        found = render()
        store.put(
            key, found, sum(len(part or "") for part in found) if isinstance(found, tuple) else len(found)
        )
    return found


@dataclass(frozen=True)
class Clock:
    """How times read for this reader, worked out once a page: a post's time then keys by
    the words it shows ("2 hours ago"), not by the markup those words are made into."""

    now: datetime
    zone: str  # the reader's chosen zone, or "" to follow the browser's (times.reader_zone)
    year: int  # this year on the reader's clock: the exact time names the year only if not this one

    @classmethod
    def for_reader(cls) -> Clock:
        zone, now = times.reader_zone(), utcnow()
        return cls(now, zone, now.astimezone(ZoneInfo(zone or "UTC")).year)

    def key(self, value: datetime) -> tuple:
        return self.zone, self.year, times.ago(value, self.now)


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _head_key(post: Post, signed_in: bool, opened: bool, clock: Clock) -> tuple:
    """Everything _post_body.html shows."""
    author = post.author
    return (
        post.id,
        opened,  # a content warning the reader had opened, kept open after a reload
        post.edited_at,
        post.deleted_at,
        post.content_warning,
        _digest(post.body_html),  # the text itself would be kept twice, once in the key
        signed_in,
        author.username,
        author.display_name,
        author.pronouns,
        author.role,
        clock.key(post.created_at),
    )


def post_head_and_body(post: Post, signed_in: bool, opened: bool, clock: Clock) -> Markup:
    return _kept(
        "head",
        _head_key(post, signed_in, opened, clock),
        lambda: Markup(
            current_app.jinja_env.get_template("forums/_post_body.html").render(
                post=post,
                opened=opened,
                now=clock.now,  # the time's words, as its key has them
                current_user=current_user,  # url_for is already a global of Flask's Jinja
            )
        ),
    )


def _frame_key(row, page) -> tuple:
    """Everything _post.html's render_post shows, but the header and body and the token."""
    post = row.post
    return (
        post.id,
        post.deleted_at is not None,
        post.state,
        post.hidden_reason,
        post.edited_at is not None,
        post.author.name,
        row.readable,
        row.collapsed,
        row.can_react,
        row.can_edit,
        row.can_remove,
        row.can_flag,
        tuple((r.kind, r.label, r.count, tuple(r.names), r.mine) for r in row.reactions),
        page.thread_path,
        page.page_number,
        page.can_reply,
        page.can_moderate,
        page.opened == post.id,
        # Only a real reaction control this reader has: the address must not make new keys.
        page.focus if row.can_react and page.focus in _reaction_controls(post.id) else "",
    )


def _render_frame(row, page) -> tuple[str, str | None]:
    """(the frame before the header, after it); (all of it, None) when the reader is not
    shown the header and body (a hidden post)."""
    macro = current_app.jinja_env.get_template("forums/_post.html").module.render_post
    html = str(macro(replace(row, head=Markup(_HEAD)), replace(page, csrf_token=_TOKEN)))
    before, found, after = html.partition(_HEAD)
    return before, after if found else None


def post_articles(rows, page) -> Markup:
    """The posts of a page, each its kept frame around its kept header and body."""
    token, parts = str(escape(page.csrf_token)), []
    for row in rows:
        before, after = _kept("frame", _frame_key(row, page), lambda row=row: _render_frame(row, page))
        # Only the frames carry the token: a member's words are never searched for it.
        parts.append(before.replace(_TOKEN, token))
        if after is not None:
            parts += (row.head, after.replace(_TOKEN, token))
    return Markup("".join(parts))


class PathMaker:
    """Paths for many posts from one url_for each: the route stays the one source of the
    path, without building it twenty times a page."""

    _MARK = "987654321"

    def __init__(self, endpoint: str, key: str = "post_id", **values):
        self.template = url_for(endpoint, **{key: int(self._MARK)}, **values)

    def __call__(self, post_id: int) -> str:
        return self.template.replace(self._MARK, str(post_id), 1)
