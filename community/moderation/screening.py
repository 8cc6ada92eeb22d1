"""Watched words on every kind of member text, through the text intake's screens.

Admins keep the rules at /mod/words (the table WatchedWord); moderation.words matches them.
Each process keeps one compiled Matcher and rebuilds it when the rules change: a cheap
query compares a version (count, newest id and time), at most once in
WATCHED_WORDS_RECHECK seconds (a busy chat room sends 50 messages a second; 0 asks every
time), so a rule saved in one process is in force in every other within that time, and at
once in the process that saved it (forget()).
"""

from __future__ import annotations

import threading
import time

from flask import current_app, has_app_context
from sqlalchemy import func, select

from community.extensions import db
from community.moderation import words
from community.moderation.models import WatchedWord
from community.text import TEXT_SCREENS, TextKind, TextRefused

_KEY = "community.watched_words"
_lock = threading.Lock()


def rule_for(row: WatchedWord) -> words.Rule:
    return words.Rule(
        pattern=row.pattern,
        match_type=row.match_type,
        action=row.action,
        whole_word=row.whole_word,
        note=row.note,
        id=row.id,
    )


def _version() -> tuple:
    """Changes whenever a rule is added or removed (a removed newest id may be given again on
    SQLite, but the new row's time is later)."""
    return tuple(
        db.session.execute(
            select(func.count(), func.max(WatchedWord.id), func.max(WatchedWord.created_at))
        ).one()
    )


def matcher() -> words.Matcher:
    cached = current_app.extensions.get(_KEY)  # (version, matcher, when the version was read)
    now = time.monotonic()
    if cached is not None and now - cached[2] < current_app.config["WATCHED_WORDS_RECHECK"]:
        return cached[1]
    version = _version()
    if cached is not None and cached[0] == version:
        current_app.extensions[_KEY] = (version, cached[1], now)
        return cached[1]
    rows = db.session.scalars(select(WatchedWord).order_by(WatchedWord.id))
    built = words.Matcher(rule_for(row) for row in rows)
    with _lock:
        current_app.extensions[_KEY] = (version, built, now)
    return built


def forget() -> None:
    """After rules change in this process (the version would notice too; this is sooner)."""
    current_app.extensions.pop(_KEY, None)


def screen(source: str, kind: TextKind) -> set[str]:
    """The text intake's screen: refuse a "block" match in kind words; return the other
    actions ("hold", "flag", "crisis", "crisis_hold") for the feature to act on."""
    if not has_app_context():
        return set()
    hits = matcher().scan(source)
    for hit in hits:
        if hit.rule.action == "block":
            raise TextRefused(
                f"Your {kind.label.lower()} includes words our community guidelines don't allow here "
                f"(“{hit.text}”). Please change them and send again; your text is still here."
            )
    return {hit.rule.action for hit in hits}


def test_phrase(phrase: str) -> list[words.Hit]:
    """For "test a phrase" at /mod/words: every rule that matches, in rule order."""
    return matcher().scan(phrase or "")


def register() -> None:
    if screen not in TEXT_SCREENS:
        TEXT_SCREENS.append(screen)
