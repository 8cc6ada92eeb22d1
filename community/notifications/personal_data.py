"""Notifications' part of a member's data (accounts.personal_data): the notifications sent to
them and which kinds they want, in the download; on deleting the account, those go, others'
notifications stop naming them, and ones they caused come from nobody."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from community.accounts.account_deletion import Erasure
from community.accounts.models import User
from community.accounts.personal_data import PersonalData, register_personal_data
from community.extensions import db
from community.notifications import services
from community.notifications.models import Notification, NotificationPreference


def _export(user: User) -> dict[str, object]:
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .options(joinedload(Notification.actor))
        .order_by(Notification.id)
    )
    notifications = [
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
    return {
        "settings.json": {"notifications": services.settings_for(user)},
        "notifications.json": notifications,
    }


def _scrub(erasure: Erasure) -> None:
    for note in db.session.scalars(select(Notification).where(erasure.may_name(Notification.params))):
        note.params = erasure.scrub(note.params)


def _erase(erasure: Erasure) -> None:
    user = erasure.user
    for model in (NotificationPreference, Notification):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(update(Notification).where(Notification.actor_id == user.id).values(actor_id=None))


register_personal_data(
    PersonalData(
        "notifications",
        40,
        files={"notifications.json": "The notifications sent to you."},
        export=_export,
        scrub=_scrub,
        erase=_erase,
    )
)
