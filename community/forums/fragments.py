"""The parts of a thread page that do not depend on who reads it, rendered once.

A post's header and body (author, badge, time, content warning, text) are the same for
every reader who is signed in, and for every visitor. They are rendered on first view and
kept, keyed by everything they show, so an edit, a removal or a new display name makes a
new key and the old entry simply ages out. Nothing is invalidated by hand; each app (so
each process, and each test's fresh database) keeps its own. A thread page then renders
only what is the reader's own: the reaction buttons and the links they may use.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app, url_for
from flask_login import current_user
from markupsafe import Markup

from community import times
from community.forums.models import Post

MAX_ENTRIES = 5_000
_KEY = "community.post_fragments"
_lock = threading.Lock()


def _cache() -> OrderedDict[tuple, Markup]:
    cache = current_app.extensions.get(_KEY)
    if cache is None:
        with _lock:
            cache = current_app.extensions.setdefault(_KEY, OrderedDict())
    return cache


def _key(post: Post, signed_in: bool, opened: bool) -> tuple:
    author = post.author
    return (
        post.id,
        opened,  # a content warning the reader had opened, kept open after a reload
        post.edited_at,
        post.deleted_at,
        post.content_warning,
        signed_in,
        author.username,
        author.display_name,
        author.pronouns,
        author.role,
        str(times.when(post.created_at)),  # "2 hours ago" moves on, and each reader has their clock
    )


def post_head_and_body(post: Post, signed_in: bool, opened: bool = False) -> Markup:
    key, cache = _key(post, signed_in, opened), _cache()
    with _lock:
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
    html = Markup(
        current_app.jinja_env.get_template("forums/_post_body.html").render(
            post=post,
            opened=opened,
            current_user=current_user,  # url_for is already a global of Flask's Jinja
        )
    )
    with _lock:
        cache[key] = html
        if len(cache) > MAX_ENTRIES:
            cache.popitem(last=False)
    return html


class PathMaker:
    """Paths for many posts from one url_for each: the route stays the one source of the
    path, without building it twenty times a page."""

    _MARK = "987654321"

    def __init__(self, endpoint: str, key: str = "post_id", **values):
        self.template = url_for(endpoint, **{key: int(self._MARK)}, **values)

    def __call__(self, post_id: int) -> str:
        return self.template.replace(self._MARK, str(post_id), 1)
