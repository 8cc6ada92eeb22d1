"""Forum fixtures: the seeded groups, and a quick way to write threads as a member."""

from __future__ import annotations

import pytest

from community.accounts.models import User
from community.extensions import db
from community.forums import groups as forum_groups
from community.forums import services
from community.forums.models import Group, Post, Thread
from community.forums.seed import seed_groups


@pytest.fixture
def groups(app):
    with app.app_context():
        list(seed_groups())
        db.session.commit()


@pytest.fixture
def forum(app, users, groups):
    """Helpers that act inside the app, returning ids so tests never hold stale objects."""

    class Forum:
        def user(self, role_or_id) -> User:
            user_id = users[role_or_id] if isinstance(role_or_id, str) else role_or_id
            return db.session.get(User, user_id)

        def group(self, slug) -> Group:
            return forum_groups.group_by_slug(slug)

        def thread(
            self, who="member", slug="crps", title="A thread about flares", body="Some **text**", cw=""
        ):
            with app.app_context():
                thread = services.create_thread(self.user(who), self.group(slug), title, body, cw)
                db.session.commit()
                return thread.id

        def reply(self, thread_id, who="other", body="A reply"):
            with app.app_context():
                post = services.create_reply(self.user(who), db.session.get(Thread, thread_id), body)
                db.session.commit()
                return post.id

        def first_post(self, thread_id) -> int:
            with app.app_context():
                return db.session.scalar(
                    db.select(Post.id).where(Post.thread_id == thread_id).order_by(Post.id)
                )

        def get(self, model, ident):
            return db.session.get(model, ident)

    return Forum()


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1


@pytest.fixture
def count_queries(app):
    """count_queries(fn) -> how many SQL statements fn ran."""
    from sqlalchemy import event

    def run(function):
        with app.app_context():
            engine = db.engine
        counter = QueryCounter()
        event.listen(engine, "before_cursor_execute", counter)
        try:
            function()
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        return counter.count

    return run
