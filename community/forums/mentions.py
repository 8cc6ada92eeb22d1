"""Mentioning members by the name you see: completion while typing @, and the preview's
"did you mean" for an @name that matches no one.

Posts show display names ("Maria") but only a username (@maria_crps) mentions, because
display names are not unique. So both helpers here read display names and answer with
usernames. Neither offers a member who blocked the writer: they cannot be mentioned by them.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from sqlalchemy import case, func, or_, select

from community.accounts.models import User
from community.content import MENTION, render_with_mentions
from community.extensions import db
from community.moderation.models import Block

COMPLETIONS = 8  # members offered at once while typing @
COMPLETION_LIMIT = "120 per minute"  # completion requests per member (one per pause in typing)
MAX_PREFIX = 50  # the longest display name
SUGGESTIONS = 3  # usernames offered for an @name that matches no one
NAMES_CHECKED = 5  # unmatched @names a preview looks into, so a long post costs a bounded amount
_CANDIDATES = 200
_CLOSE_ENOUGH = 0.6


@dataclass(frozen=True)
class Unmatched:
    """An @name as typed that matches no member, and the usernames it may have meant."""

    typed: str
    suggestions: list[str]


def _mentionable(writer_id: int | None):
    """Members who can be mentioned by `writer_id`: not a tombstone, not the writer, and not
    anyone who blocked the writer."""
    rules = [~User.is_former]
    if writer_id is not None:
        blocked_me = select(Block.blocker_id).where(Block.blocked_id == writer_id)
        rules += [User.id != writer_id, User.id.not_in(blocked_me)]
    return rules


def complete(prefix: str, writer_id: int, limit: int = COMPLETIONS) -> list[dict[str, str]]:
    """Members whose username, display name, or a later word of it, starts with `prefix`
    (case-insensitive): usernames first, then by name. Only names, never anything private."""
    prefix = prefix.strip().lstrip("@").lower()[:MAX_PREFIX]
    if not prefix:
        return []
    username, display_name = func.lower(User.username), func.lower(User.display_name)
    by_username = username.startswith(prefix, autoescape=True)
    rows = db.session.execute(
        select(User.username, User.display_name)
        .where(
            or_(
                by_username,
                display_name.startswith(prefix, autoescape=True),
                display_name.contains(" " + prefix, autoescape=True),
            ),
            *_mentionable(writer_id),
        )
        .order_by(case((by_username, 0), else_=1), username)
        .limit(limit)
    )
    return [{"username": name, "display_name": shown or name} for name, shown in rows]


def _score(typed: str, username: str, display_name: str) -> float:
    """How likely `typed` (lower case) meant this member: their display name exactly, the start
    of their username, or near either."""
    shown = display_name.lower()
    if typed == shown or typed in shown.split():
        return 1.0
    if username.lower().startswith(typed):
        return 0.9
    return max(
        SequenceMatcher(None, typed, username.lower()).ratio(), SequenceMatcher(None, typed, shown).ratio()
    )


def suggest(typed: str, writer_id: int | None) -> list[str]:
    """Usernames close to `typed`, best first, matching display names too."""
    name = typed.lower()
    username, display_name = func.lower(User.username), func.lower(User.display_name)
    start = name[:2]
    rows = db.session.execute(
        select(User.username, User.display_name)
        .where(
            or_(
                username.startswith(start, autoescape=True),
                display_name.startswith(start, autoescape=True),
                display_name.contains(" " + start, autoescape=True),
            ),
            *_mentionable(writer_id),
        )
        .order_by(username)
        .limit(_CANDIDATES)
    )
    scored = sorted(
        ((_score(name, found, shown), found) for found, shown in rows), key=lambda pair: (-pair[0], pair[1])
    )
    # Someone shown by exactly that name is surely meant: offer only them.
    floor = 1.0 if scored and scored[0][0] == 1.0 else _CLOSE_ENOUGH
    return [found for score, found in scored if score >= floor][:SUGGESTIONS]


def unmatched(source: str, linked: dict[str, str], writer_id: int | None) -> list[Unmatched]:
    """The @names in `source` that would be mentions but name no member, as first typed.

    `linked` is what the text intake already linked (lower-cased name -> username). An @name
    inside code or a link is no mention, so it is not reported either: the text is rendered
    once more, as if every @name were a member, to learn which are in a mention's place.
    """
    typed: dict[str, str] = {}
    for match in MENTION.finditer(source or ""):
        typed.setdefault(match.group(1).lower(), match.group(1))
    candidates = {name: name for name in typed if name not in linked}
    if not candidates:
        return []
    in_place = render_with_mentions(source, candidates)[1]
    existing = set(
        db.session.scalars(select(func.lower(User.username)).where(func.lower(User.username).in_(in_place)))
    )
    # A real username left unlinked belongs to someone who blocked the writer: nothing is said.
    missing = [name for name in typed if name in in_place and name not in existing][:NAMES_CHECKED]
    return [Unmatched(typed[name], suggest(name, writer_id)) for name in missing]
