"""What moderation can act on. Each feature registers its own kinds of subject (forums:
"post"; chat: "chat_message"; the directory: "resource"), so moderation never imports the
features: it asks the registered functions to find, describe, publish or hide a thing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SubjectType:
    name: str
    label: str  # "post", in words: "Flag this post"
    find: Callable[[int], object | None]
    # The thing as moderators see it: {"title", "html", "content_warning", "url", "where"}.
    describe: Callable[[object], dict]
    member_id: Callable[[object], int | None]  # its author, or the member it is
    # Who may see it, to decide whether someone may flag it.
    can_see: Callable[[object, object], bool]
    # Publish a held or hidden thing; hide it with a reason shown to its author. None when
    # the subject cannot be held or hidden (a profile).
    publish: Callable[[object], None] | None = None
    hide: Callable[[object, str], None] | None = None
    edit_url: Callable[[object], str] | None = None
    # A member's latest things of this kind, described, for the context of an item.
    recent_by: Callable[[int], list[dict]] | None = None
    # How its member is told the outcome: "A moderator approved your post: everyone can see
    # it now" / "A moderator hid your post: <reason>".
    approved_words: str = "everyone can see it now"
    hidden_verb: str = "hid"


SUBJECTS: dict[str, SubjectType] = {}


def register_subject(subject: SubjectType) -> SubjectType:
    if SUBJECTS.get(subject.name, subject) is not subject and SUBJECTS[subject.name] != subject:
        raise ValueError(f"Two moderation subjects are called {subject.name!r}")
    SUBJECTS[subject.name] = subject
    return subject


def find(subject_type: str, subject_id: int):
    """(the type, the thing) or (None, None)."""
    kind = SUBJECTS.get(subject_type)
    if kind is None or not 0 < subject_id <= 2_147_483_647:
        return None, None
    return kind, kind.find(subject_id)
