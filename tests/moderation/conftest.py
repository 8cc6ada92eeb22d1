"""Moderation fixtures: watched words, and a second client for a second person."""

from __future__ import annotations

import pytest

from community.extensions import db
from community.moderation.models import WatchedWord
from community.moderation.seed import seed_moderation
from tests.forums.conftest import count_queries, forum, groups  # noqa: F401  (the forum fixtures, here too)


@pytest.fixture
def starter_words(app):
    """Our starter lists (crisis phrases, medication sourcing, contact details)."""
    with app.app_context():
        list(seed_moderation())
        db.session.commit()


@pytest.fixture
def watch_word(app):
    def add(pattern, action="hold", match_type="word"):
        with app.app_context():
            db.session.add(WatchedWord(pattern=pattern, action=action, match_type=match_type))
            db.session.commit()

    return add


@pytest.fixture
def second_client(app):
    """Another browser: another person signed in at the same time."""
    return app.test_client()
