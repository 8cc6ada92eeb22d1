"""The diary's part of a member's data (accounts.personal_data): every entry, flare note, word
and setting in the download, with the entries as a spreadsheet too; on deleting the account,
all of it goes."""

from __future__ import annotations

import csv
import io

from sqlalchemy import delete
from sqlalchemy.orm import selectinload

from community.accounts.account_deletion import Erasure
from community.accounts.data_rights import safe_cell
from community.accounts.models import User
from community.accounts.personal_data import PersonalData, register_personal_data
from community.diary import privacy
from community.diary.models import (
    HELPER,
    TREATMENT,
    TRIGGER,
    DiaryEntry,
    DiarySettings,
    DiaryTag,
    FlareNote,
    entry_tags,
)
from community.extensions import db

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


def _export(user: User) -> dict[str, object]:
    entries = list(
        db.session.scalars(
            privacy.owned(DiaryEntry, user).options(selectinload(DiaryEntry.tags)).order_by(DiaryEntry.day)
        )
    )
    settings = db.session.scalar(privacy.owned(DiarySettings, user))
    return {
        "settings.json": {
            "diary": {"reminders": settings.reminders, "reminder_hour": settings.reminder_hour}
            if settings
            else None
        },
        "diary_entries.json": [_entry(entry) for entry in entries],
        "diary_flares.json": [
            {"at": f.at, "pain": f.pain, "note": f.note, "created_at": f.created_at}
            for f in db.session.scalars(privacy.owned(FlareNote, user).order_by(FlareNote.at))
        ],
        "diary_tags.json": [
            {"kind": tag.kind, "name": tag.name}
            for tag in db.session.scalars(privacy.owned(DiaryTag, user).order_by(DiaryTag.kind, DiaryTag.key))
        ],
        "diary.csv": diary_csv(entries),
    }


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


def _erase(erasure: Erasure) -> None:
    owner_id = erasure.user.id
    entries = privacy.owned(DiaryEntry, erasure.user).with_only_columns(DiaryEntry.id)
    db.session.execute(delete(entry_tags).where(entry_tags.c.entry_id.in_(entries)))
    for model in (DiaryEntry, FlareNote, DiaryTag, DiarySettings):
        db.session.execute(delete(model).where(model.owner_id == owner_id))


register_personal_data(
    PersonalData(
        "diary",
        80,
        files={
            "diary_entries.json": "Your diary entries, every field, with each scale's name and range.",
            "diary_flares.json": "Your flare notes.",
            "diary_tags.json": "Your own diary words for triggers, helpers and treatments.",
            "diary.csv": "Your diary as a spreadsheet: one row per day, every field.",
        },
        export=_export,
        erase=_erase,
    )
)
