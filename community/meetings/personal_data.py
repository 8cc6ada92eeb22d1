"""Meetings' part of a member's data (accounts.personal_data): their answers and the meetings
they host in the download; on deleting the account, their answers go, and meetings they host
or planned stay, with nobody as host or planner."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from community.accounts.account_deletion import Erasure
from community.accounts.models import User
from community.accounts.personal_data import PersonalData, register_personal_data
from community.extensions import db
from community.meetings.models import Meeting, MeetingRsvp


def _export(user: User) -> dict[str, object]:
    answers = db.session.execute(
        select(MeetingRsvp, Meeting.title)
        .join(Meeting, Meeting.id == MeetingRsvp.meeting_id)
        .where(MeetingRsvp.user_id == user.id)
        .order_by(MeetingRsvp.occurrence_on)
    )
    hosted = db.session.scalars(select(Meeting).where(Meeting.host_id == user.id).order_by(Meeting.id))
    return {
        "rsvps.json": {
            "answers": [
                {"meeting": title, "on": r.occurrence_on, "going": r.going, "answered_at": r.answered_at}
                for r, title in answers
            ],
            "meetings_you_host": [
                {"title": m.title, "starts_at": m.starts_at, "weekly": m.weekly} for m in hosted
            ],
        }
    }


def _erase(erasure: Erasure) -> None:
    user = erasure.user
    db.session.execute(delete(MeetingRsvp).where(MeetingRsvp.user_id == user.id))
    db.session.execute(update(Meeting).where(Meeting.host_id == user.id).values(host_id=None))
    db.session.execute(update(Meeting).where(Meeting.created_by_id == user.id).values(created_by_id=None))


register_personal_data(
    PersonalData(
        "meetings",
        30,
        files={"rsvps.json": "Your answers to meetings, and meetings you host."},
        export=_export,
        erase=_erase,
    )
)
