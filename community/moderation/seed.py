"""Our starter watched-word lists and reply templates, added once (idempotent): a list
already present, even edited by admins since, is left as it is."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from community.extensions import db
from community.moderation import starter_lists
from community.moderation.models import SavedReply, WatchedWord

STARTER_REPLIES = [
    (
        "Checking in",
        "Hi, I'm one of the moderators here. I read what you wrote and wanted to check in on you. "
        "How are you doing right now? If you are thinking about ending your life or you are not safe, "
        "please call or text a crisis line now (you'll find them at /crisis), or your local emergency "
        "number. You are welcome here, and you don't have to carry this alone.",
    ),
    (
        "About medication sourcing",
        "Hi, a moderator here. Our guidelines don't allow buying, selling or sharing sources for "
        "medication, because it can put members in real danger. We've hidden that part. Talking "
        "about your own treatment and what your doctor prescribes is always welcome.",
    ),
    (
        "Kindness reminder",
        "Hi, a moderator here. Everyone here lives with a lot, so we ask for extra gentleness in "
        "how we reply. Please take another look at our community guidelines. Thank you.",
    ),
]


def seed_moderation() -> Iterator[str]:
    present = set(db.session.scalars(select(WatchedWord.list_key).distinct()))
    # Rules already here by their words (an admin may have imported them from a CSV, which
    # does not carry the list they came from).
    known = set(
        db.session.execute(select(WatchedWord.pattern, WatchedWord.match_type, WatchedWord.action)).all()
    )
    for key, (title, rules) in starter_lists.STARTER_LISTS.items():
        if key in present:
            continue
        for rule in rules:
            if (rule.pattern, rule.match_type, rule.action) in known:
                continue
            db.session.add(
                WatchedWord(
                    pattern=rule.pattern,
                    match_type=rule.match_type,
                    action=rule.action,
                    whole_word=rule.whole_word,
                    note=rule.note[:200],
                    list_key=key,
                )
            )
        yield f"Added the watched-word list “{title}” ({len(rules)} rules)."
    if db.session.scalar(select(SavedReply.id).limit(1)) is None:
        for title, body in STARTER_REPLIES:
            db.session.add(SavedReply(title=title, body=body))
        yield f"Added {len(STARTER_REPLIES)} reply templates for moderators."
