"""A member's own safety tools: block another member (their posts collapse, their mentions
and replies don't reach you, they can't mention you) and mute words (posts containing them
collapse for you). Nobody is told they were blocked."""

from __future__ import annotations

from functools import cache

import regex
from sqlalchemy import Integer, String, bindparam, delete, exists, literal, or_, select, union_all

from community.database import insert_once, utcnow
from community.extensions import db
from community.moderation.models import Block, MutedWord

MAX_MUTED_WORDS = 100


def block(member, other) -> None:
    insert_once(Block, blocker_id=member.id, blocked_id=other.id, created_at=utcnow())


def unblock(member, other) -> None:
    db.session.execute(delete(Block).where(Block.blocker_id == member.id, Block.blocked_id == other.id))


def has_blocked(member, other_id: int) -> bool:
    if not getattr(member, "is_authenticated", False):
        return False
    return db.session.get(Block, (member.id, other_id)) is not None


def has_blocked_id(member_id: int, other_id: int) -> bool:
    return db.session.get(Block, (member_id, other_id)) is not None


def blocked_ids(member) -> set[int]:
    if not getattr(member, "is_authenticated", False):
        return set()
    return set(db.session.scalars(select(Block.blocked_id).where(Block.blocker_id == member.id)))


def blocked_members(member) -> list:
    from community.accounts.models import User

    return list(
        db.session.scalars(
            select(User)
            .join(Block, Block.blocked_id == User.id)
            .where(Block.blocker_id == member.id)
            .order_by(User.username)
        )
    )


def who_blocked(author_id: int, among: set[int]) -> set[int]:
    """Of these members, those who blocked `author_id`: they are not told of what it writes."""
    if not among:
        return set()
    return set(
        db.session.scalars(
            select(Block.blocker_id).where(Block.blocked_id == author_id, Block.blocker_id.in_(among))
        )
    )


def muted_words(member) -> list[str]:
    if not getattr(member, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(
            select(MutedWord.word).where(MutedWord.user_id == member.id).order_by(MutedWord.word)
        )
    )


def clean_words(text: str) -> list[str]:
    """One word or phrase a line (or comma-separated), trimmed, without repeats."""
    seen: dict[str, None] = {}
    for part in regex.split(r"[\n,]", text or ""):
        word = " ".join(part.split())[:60]
        if word:
            seen.setdefault(word.casefold(), None)
    return list(seen)


def set_muted_words(member, text: str) -> list[str]:
    found = clean_words(text)
    if len(found) > MAX_MUTED_WORDS:
        raise ValueError(f"You can mute up to {MAX_MUTED_WORDS} words or phrases.")
    db.session.execute(delete(MutedWord).where(MutedWord.user_id == member.id))
    for word in found:
        db.session.add(MutedWord(user_id=member.id, word=word))
    return found


def blocks_and_words_selects(tag: bool = False):
    """Whom the reader (the "member_id" parameter) blocked, and the words they muted, as two
    SELECTs of (blocked id, word) for a UNION ALL; with `tag`, each row starts with "b" or
    "w", so a page can ask this with its own rows in one statement (Collapser.of_rows)."""
    member = bindparam("member_id")
    first = (literal("b", String),) if tag else ()
    second = (literal("w", String),) if tag else ()
    return (
        select(*first, Block.blocked_id, literal(None, String)).where(Block.blocker_id == member),
        select(*second, literal(None, Integer), MutedWord.word).where(MutedWord.user_id == member),
    )


def blocks_or_words_exist(member):
    """Whether the member (a column or parameter) blocked anyone or muted any word, as a
    condition another statement can carry."""
    return or_(exists().where(Block.blocker_id == member), exists().where(MutedWord.user_id == member))


@cache
def _blocks_and_words():
    """Whom a reader blocked and the words they muted, in one statement built once: asked on
    every thread page a member reads."""
    return union_all(*blocks_and_words_selects())


class Collapser:
    """Which posts to collapse for one reader, and why: built once a page (one query)."""

    def __init__(self, reader, rows=None):
        """`rows`: the (blocked id, word) rows of blocks_and_words_selects, if the page asked
        for them already."""
        self.blocked: set[int] = set()
        words: list[str] = []
        if rows is None and getattr(reader, "is_authenticated", False):
            rows = db.session.execute(_blocks_and_words(), {"member_id": reader.id})
        for blocked_id, word in rows or ():
            if blocked_id is not None:
                self.blocked.add(blocked_id)
            else:
                words.append(word)
        words.sort()
        self.words = tuple(words)
        self.pattern = (
            regex.compile(
                r"(?<!\w)(?:" + "|".join(regex.escape(word) for word in words) + r")(?!\w)",
                regex.IGNORECASE,
            )
            if words
            else None
        )

    def reason(self, author_id: int, text: str) -> str:
        """ "blocked", "muted" or "" (shown as is)."""
        if author_id in self.blocked:
            return "blocked"
        if self.pattern is not None and self.pattern.search(text, timeout=0.05):
            return "muted"
        return ""
