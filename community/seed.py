"""Idempotent seed data, and demo content for a new database; the caller commits."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func

from community.accounts.models import User
from community.extensions import db

DEMO_PASSWORD = "common-ground-demo"
DEMO_MEMBERS = [
    # username, display name, relationship, conditions, role
    ("demo_admin", "Sam", "both", "", "admin"),
    ("demo_moderator", "Robin", "carer", "", "moderator"),
    ("maria_crps", "Maria", "pain", "CRPS", "member"),
    ("jon_back", "Jon", "pain", "Failed back surgery syndrome", "member"),
    ("ade_cares", "Ade", "carer", "", "member"),
]


def seed(demo: bool = False) -> Iterator[str]:
    from community.forums.seed import seed_demo_threads, seed_groups
    from community.moderation.seed import seed_moderation

    yield from seed_groups()
    yield from seed_moderation()
    from community.chat.services import ensure_rooms

    if made := ensure_rooms():
        yield f"Chat rooms: {made} added."
    from community.resources.seed import seed_resources

    yield from seed_resources()
    if demo:
        members: dict = {}
        yield from seed_demo_members(members)
        if members:
            yield from seed_demo_threads(members)


def seed_demo_members(members: dict) -> Iterator[str]:
    from community.accounts.services import create_user

    if db.session.scalar(db.select(func.count()).select_from(User)):
        yield "Demo content skipped: the database already has members."
        return
    for username, display_name, relationship, conditions, role in DEMO_MEMBERS:
        user = create_user(
            username,
            f"{username}@example.invalid",
            DEMO_PASSWORD,
            role=role,
            trusted=True,
            allow_reserved=True,
        )
        user.display_name, user.relationship, user.conditions = display_name, relationship, conditions
        members[username] = user
    yield f"Added {len(DEMO_MEMBERS)} demo members; each signs in with the password {DEMO_PASSWORD!r}."
