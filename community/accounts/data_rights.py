"""A member's right to their data: everything we hold about them, as one zip built in memory,
and only what is theirs (in a thread, their posts; flags they made, not flags about them).
Each feature adds its own files (its part in accounts.personal_data); this module adds the
account's own (profile, settings, sign-ins) and makes the zip. Deleting the account is
community.accounts.account_deletion."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, time
from uuid import UUID

from sqlalchemy import select

from community.accounts import sessions
from community.accounts.models import User
from community.accounts.personal_data import FILES, PersonalData, parts, register_personal_data
from community.database import utcnow
from community.extensions import db


def plain(value):
    """What JSON cannot hold as it is (times, UUIDs), as text."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not exported")


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
        return plain(value) if isinstance(value, date | datetime) else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_zip(user: User) -> tuple[str, bytes]:
    """(file name, zip bytes): only what is the member's own, built in memory."""
    files: dict[str, object] = {}
    for part in parts():
        for name, data in (part.export(user) if part.export else {}).items():
            if isinstance(data, dict) and isinstance(files.get(name), dict):
                files[name] = {**files[name], **data}  # a part adding to another's file
            else:
                files[name] = data
    unknown = files.keys() - FILES.keys()
    if unknown:  # the README and /settings/data must name every file the member gets
        raise RuntimeError(f"Files no part describes: {sorted(unknown)}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(user))
        for name in FILES:
            data = files.get(name, [])
            if not isinstance(data, str | bytes):
                data = json.dumps(data, indent=2, ensure_ascii=False, default=plain)
            archive.writestr(name, data)
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


def _export(user: User) -> dict[str, object]:
    return {
        "profile.json": {
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
        },
        "settings.json": {"theme": user.theme, "text_size": user.text_size},
        "login_sessions.json": _login_sessions(user),
    }


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


# The account's own files. Sign-ins end and the row becomes a tombstone in account_deletion,
# around every part's erase, so this part has none.
register_personal_data(
    PersonalData(
        "accounts",
        0,
        files={
            "profile.json": "Your account and profile: username, display name, pronouns, email, role, "
            "standing, when you joined, conditions, your bio as you wrote it, and the groups you joined.",
            "settings.json": "How the site looks for you, which notifications you want, your diary "
            "settings, and the threads you watch.",
            "login_sessions.json": "The devices you are or were signed in on (a device label and times; "
            "never the secret keys).",
        },
        export=_export,
    )
)
