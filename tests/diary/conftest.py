"""Diary fixtures: a signed-in member's diary, and a way to read diary rows in a test.

`diary.signed_in(who)` is a Flask test client signed in as `who` (a key of the users fixture);
`diary.entry(who, day)` and `diary.flares(who)` read rows back, detached, through privacy.owned.
"""

from __future__ import annotations

from datetime import date

import pytest

from community.accounts.models import User
from community.diary import services
from community.diary.models import DiaryEntry, FlareNote
from community.diary.privacy import owned
from community.extensions import db
from tests.conftest import AuthActions
from tests.moderation.conftest import starter_words, watch_word  # noqa: F401  (fixtures, here too)

USERNAMES = {
    "member": "member",
    "other": "other_member",
    "newcomer": "newcomer",
    "moderator": "moderator",
    "admin": "admin",
}


class Diary:
    def __init__(self, app, users):
        self.app, self.users = app, users

    def signed_in(self, who: str = "member"):
        client = self.app.test_client()
        response = AuthActions(client).login(USERNAMES[who])
        assert response.status_code == 302, f"{who} could not sign in"
        return client

    def user(self, who: str) -> User:
        return db.session.get(User, self.users[who])

    def entry(self, who: str, day: date) -> DiaryEntry | None:
        with self.app.app_context():
            found = services.entry_for(self.user(who), day)
            if found is not None:
                list(found.tags)  # loaded before the session goes
                db.session.expunge(found)
            return found

    def flares(self, who: str) -> list[FlareNote]:
        with self.app.app_context():
            rows = list(db.session.scalars(owned(FlareNote, self.user(who))))
            for row in rows:
                db.session.expunge(row)
            return rows

    def write(self, who: str, day: date, **values) -> int:
        """An entry straight through the service: scales by field name, tags={kind: [names]},
        notes, body_areas, qualities, sleep_hours."""
        with self.app.app_context():
            scales = {name: values.pop(name) for name in list(values) if name in services.BY_FIELD}
            entry = services.save_entry(self.user(who), day, services.EntryData(scales=scales, **values))
            db.session.commit()
            return entry.id


@pytest.fixture
def diary(app, users) -> Diary:
    return Diary(app, users)
