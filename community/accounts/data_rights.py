"""A member's right to their data: everything we hold about them, as one zip built in memory,
and only what is theirs (in a thread, their posts; flags they made, not flags about them).
Deleting the account is community.accounts.account_deletion."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime, time
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from community.accounts import sessions
from community.accounts.models import User
from community.chat.models import ChatMessage, Room
from community.database import utcnow
from community.diary import privacy
from community.diary.models import HELPER, TREATMENT, TRIGGER, DiaryEntry, DiarySettings, DiaryTag, FlareNote
from community.extensions import db
from community.forums.models import (
    Group,
    Membership,
    Post,
    PostRevision,
    Reaction,
    Thread,
    ThreadWatch,
)
from community.meetings.models import Meeting, MeetingRsvp
from community.moderation.models import Block, Flag, MutedWord
from community.notifications import services as notifications
from community.notifications.models import Notification
from community.resources.models import Organization, ResourceReport

# What each file in the export holds: the README and /settings/data both read this.
FILES = {
    "profile.json": "Your account and profile: username, display name, pronouns, email, role, "
    "standing, when you joined, conditions, your bio as you wrote it, and the groups you joined.",
    "settings.json": "How the site looks for you, which notifications you want, your diary "
    "settings, and the threads you watch.",
    "posts.json": "Every post you wrote, with its thread and group, and every earlier version of it.",
    "chat_messages.json": "Every chat message you sent, with its room.",
    "reactions.json": "Your reactions to posts.",
    "flags.json": "The things you flagged for the moderators, and what you told them.",
    "rsvps.json": "Your answers to meetings, and meetings you host.",
    "notifications.json": "The notifications sent to you.",
    "blocks.json": "The members you blocked.",
    "muted_words.json": "Your muted words.",
    "resource_suggestions.json": "Directory entries you suggested.",
    "resource_reports.json": "Your suggestions' notes and your reports of out-of-date entries.",
    "login_sessions.json": "The devices you are or were signed in on (a device label and times; "
    "never the secret keys).",
    "diary_entries.json": "Your diary entries, every field, with each scale's name and range.",
    "diary_flares.json": "Your flare notes.",
    "diary_tags.json": "Your own diary words for triggers, helpers and treatments.",
    "diary.csv": "Your diary as a spreadsheet: one row per day, every field.",
}


def _plain(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not exported")


def export_zip(user: User) -> tuple[str, bytes]:
    """(file name, zip bytes): only what is the member's own, built in memory."""
    entries = list(
        db.session.scalars(
            privacy.owned(DiaryEntry, user).options(selectinload(DiaryEntry.tags)).order_by(DiaryEntry.day)
        )
    )
    files = {
        "profile.json": _profile(user),
        "settings.json": _settings(user),
        "posts.json": _posts(user),
        "chat_messages.json": _chat_messages(user),
        "reactions.json": _reactions(user),
        "flags.json": _flags(user),
        "rsvps.json": _rsvps(user),
        "notifications.json": _notifications(user),
        "blocks.json": _blocks(user),
        "muted_words.json": sorted(
            db.session.scalars(select(MutedWord.word).where(MutedWord.user_id == user.id))
        ),
        "resource_suggestions.json": _suggestions(user),
        "resource_reports.json": _reports(user),
        "login_sessions.json": _login_sessions(user),
        "diary_entries.json": [_entry(entry) for entry in entries],
        "diary_flares.json": _flares(user),
        "diary_tags.json": [
            {"kind": tag.kind, "name": tag.name}
            for tag in db.session.scalars(privacy.owned(DiaryTag, user).order_by(DiaryTag.kind, DiaryTag.key))
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(user))
        for name, data in files.items():
            archive.writestr(name, json.dumps(data, indent=2, ensure_ascii=False, default=_plain))
        archive.writestr("diary.csv", diary_csv(entries))
    return f"common-ground-{user.username}-{date.today().isoformat()}.zip", buffer.getvalue()


def _readme(user: User) -> str:
    lines = [
        f"Everything Common Ground holds about {user.username}, made {utcnow():%Y-%m-%d %H:%M} UTC.",
        "JSON files open in any text editor; diary.csv opens in a spreadsheet. Times are UTC.",
        "Only your own records are here: in a thread, your posts; flags you made, not flags about you.",
        "",
    ]
    lines += [f"{name}\n    {words}" for name, words in FILES.items()]
    return "\n".join(lines) + "\n"


def _profile(user: User) -> dict:
    groups = db.session.scalars(
        select(Group.name)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == user.id)
    )
    return {
        "username": user.username,
        "display_name": user.display_name,
        "pronouns": user.pronouns,
        "email": user.email,
        "role": user.role,
        "trusted": user.trusted,
        "standing": user.standing,
        "standing_until": user.standing_until,
        "standing_reason": user.standing_reason,
        "joined_at": user.created_at,
        "about_me": user.relationship,
        "conditions": user.conditions,
        "bio": user.bio,
        "groups": sorted(groups),
    }


def _settings(user: User) -> dict:
    diary = db.session.scalar(privacy.owned(DiarySettings, user))
    watches = db.session.execute(
        select(Thread.title, ThreadWatch.watching)
        .join(ThreadWatch, ThreadWatch.thread_id == Thread.id)
        .where(ThreadWatch.user_id == user.id)
    )
    return {
        "theme": user.theme,
        "text_size": user.text_size,
        "notifications": notifications.settings_for(user),
        "diary": {"reminders": diary.reminders, "reminder_hour": diary.reminder_hour} if diary else None,
        "threads": [{"title": title, "watching": watching} for title, watching in watches],
    }


def _posts(user: User) -> list[dict]:
    posts = list(
        db.session.scalars(
            select(Post)
            .where(Post.author_id == user.id)
            .options(joinedload(Post.thread).joinedload(Thread.group))
            .order_by(Post.id)
        )
    )
    revisions: dict[int, list[dict]] = {}
    for revision in db.session.scalars(
        select(PostRevision).where(PostRevision.post_id.in_([p.id for p in posts])).order_by(PostRevision.id)
    ):
        revisions.setdefault(revision.post_id, []).append(
            {
                "replaced_at": revision.created_at,
                "title": revision.title,
                "body": revision.body,
                "content_warning": revision.content_warning,
                "edited_by": "you" if revision.editor_id == user.id else "a moderator",
            }
        )
    return [
        {
            "id": post.id,
            "thread": post.thread.title,
            "thread_id": post.thread_id,
            "started_the_thread": post.thread.author_id == user.id,
            "group": post.thread.group.name,
            "created_at": post.created_at,
            "edited_at": post.edited_at,
            "removed_at": post.deleted_at,
            "state": post.state,
            "hidden_reason": post.hidden_reason,
            "content_warning": post.content_warning,
            "body": post.body,
            "earlier_versions": revisions.get(post.id, []),
        }
        for post in posts
    ]


def _chat_messages(user: User) -> list[dict]:
    rows = db.session.execute(
        select(ChatMessage, Room.name)
        .join(Room, Room.id == ChatMessage.room_id)
        .where(ChatMessage.author_id == user.id)
        .order_by(ChatMessage.id)
    )
    return [
        {
            "room": room,
            "created_at": m.created_at,
            "edited_at": m.edited_at,
            "removed_at": m.deleted_at,
            "state": m.state,
            "body": m.body,
        }
        for m, room in rows
    ]


def _reactions(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Reaction, Thread.title)
        .join(Post, Post.id == Reaction.post_id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Reaction.user_id == user.id)
    )
    return [
        {"post_id": r.post_id, "thread": title, "reaction": r.kind, "created_at": r.created_at}
        for r, title in rows
    ]


def _flags(user: User) -> list[dict]:
    return [
        {
            "what": f.subject_type,
            "id": f.subject_id,
            "reason": f.reason_label,
            "note": f.note,
            "created_at": f.created_at,
        }
        for f in db.session.scalars(select(Flag).where(Flag.flagger_id == user.id).order_by(Flag.id))
    ]


def _rsvps(user: User) -> dict:
    answers = db.session.execute(
        select(MeetingRsvp, Meeting.title)
        .join(Meeting, Meeting.id == MeetingRsvp.meeting_id)
        .where(MeetingRsvp.user_id == user.id)
        .order_by(MeetingRsvp.occurrence_on)
    )
    hosted = db.session.scalars(select(Meeting).where(Meeting.host_id == user.id).order_by(Meeting.id))
    return {
        "answers": [
            {"meeting": title, "on": r.occurrence_on, "going": r.going, "answered_at": r.answered_at}
            for r, title in answers
        ],
        "meetings_you_host": [
            {"title": m.title, "starts_at": m.starts_at, "weekly": m.weekly} for m in hosted
        ],
    }


def _notifications(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .options(joinedload(Notification.actor))
        .order_by(Notification.id)
    )
    return [
        {
            "kind": n.kind,
            "from": n.actor.name if n.actor else "",
            "about": n.params,
            "count": n.count,
            "link": n.url,
            "created_at": n.created_at,
            "read_at": n.read_at,
        }
        for n in rows
    ]


def _blocks(user: User) -> list[dict]:
    rows = db.session.execute(
        select(User.username, Block.created_at)
        .join(Block, Block.blocked_id == User.id)
        .where(Block.blocker_id == user.id)
    )
    return [{"member": username, "blocked_at": at} for username, at in rows]


def _suggestions(user: User) -> list[dict]:
    return [
        {
            "name": o.name,
            "state": o.state,
            "description": o.description,
            "website": o.website,
            "email": o.email,
            "decline_reason": o.decline_reason,
            "created_at": o.created_at,
        }
        for o in db.session.scalars(select(Organization).where(Organization.suggested_by_id == user.id))
    ]


def _reports(user: User) -> list[dict]:
    rows = db.session.execute(
        select(ResourceReport, Organization.name)
        .join(Organization, Organization.id == ResourceReport.organization_id)
        .where(ResourceReport.member_id == user.id)
        .order_by(ResourceReport.id)
    )
    return [{"entry": name, "kind": r.kind, "note": r.note, "created_at": r.created_at} for r, name in rows]


def _login_sessions(user: User) -> list[dict]:
    this = getattr(user.login_session, "id", None)
    rows = db.session.scalars(
        select(sessions.LoginSession)
        .where(sessions.LoginSession.user_id == user.id)
        .order_by(sessions.LoginSession.id)
    )
    return [
        {
            "device": s.device,
            "kept_signed_in": s.remember,
            "signed_in_at": s.created_at,
            "last_active_at": s.last_seen_at,
            "expires_at": s.expires_at,
            "this_device": s.id == this,
        }
        for s in rows
    ]


DIARY_FIELDS = [
    "day",
    "pain_average",
    "enjoyment_interference",
    "activity_interference",
    "pain_now",
    "pain_worst",
    "mood",
    "sleep_hours",
    "sleep_quality",
]


def _entry(entry: DiaryEntry) -> dict:
    return {
        **{name: getattr(entry, name) for name in DIARY_FIELDS},
        "peg": entry.peg,
        "body_areas": entry.body_areas,
        "qualities": entry.qualities,
        "triggers": [t.name for t in entry.tags_of(TRIGGER)],
        "helpers": [t.name for t in entry.tags_of(HELPER)],
        "treatments": [t.name for t in entry.tags_of(TREATMENT)],
        "notes": entry.notes,
        "scales": entry.scales,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
    }


def _flares(user: User) -> list[dict]:
    return [
        {"at": f.at, "pain": f.pain, "note": f.note, "created_at": f.created_at}
        for f in db.session.scalars(privacy.owned(FlareNote, user).order_by(FlareNote.at))
    ]


def safe_cell(value) -> str:
    """A spreadsheet runs a cell starting with = + - @ (or a tab or return) as a formula:
    such a cell gets a leading apostrophe, so it shows as the words that were written."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    elif not isinstance(value, str):
        return _plain(value) if isinstance(value, date | datetime) else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def diary_csv(entries: list[DiaryEntry]) -> str:
    rows = [_entry(entry) for entry in entries]
    header = [*DIARY_FIELDS, "peg", "body_areas", "qualities", "triggers", "helpers", "treatments"]
    header += ["notes", "scales", "created_at", "updated_at"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(row[name]) for name in header])
    return out.getvalue()
