"""The directory's part of a member's data (accounts.personal_data): entries they suggested and
their reports in the download. On deleting the account, moderators' items about their reports
keep none of their words, and the entries and reports stay with nobody's name on them."""

from __future__ import annotations

from sqlalchemy import select, update

from community.accounts.account_deletion import Erasure
from community.accounts.models import User
from community.accounts.personal_data import PersonalData, register_personal_data
from community.extensions import db
from community.moderation.models import ReviewItem
from community.moderation.personal_data import forget_reviews
from community.resources import review
from community.resources.models import Organization, ResourceReport


def _export(user: User) -> dict[str, object]:
    suggestions = [
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
    reports = db.session.execute(
        select(ResourceReport, Organization.name)
        .join(Organization, Organization.id == ResourceReport.organization_id)
        .where(ResourceReport.member_id == user.id)
        .order_by(ResourceReport.id)
    )
    return {
        "resource_suggestions.json": suggestions,
        "resource_reports.json": [
            {"entry": name, "kind": r.kind, "note": r.note, "created_at": r.created_at} for r, name in reports
        ],
    }


def _scrub(erasure: Erasure) -> None:
    """An out-of-date report's item names no member (it is about the entry), so moderation
    cannot find it as theirs: while the report still says whose it is, its item forgets them."""
    user_id = erasure.user.id
    theirs = select(ResourceReport.id).where(ResourceReport.member_id == user_id)
    forget_reviews(
        erasure,
        (ReviewItem.subject_type == review.SUBJECT)
        & ReviewItem.subject_id.in_(theirs)
        & ReviewItem.member_id.is_distinct_from(user_id),  # a suggestion's item moderation finds itself
    )


def _erase(erasure: Erasure) -> None:
    user_id = erasure.user.id
    db.session.execute(
        update(Organization).where(Organization.suggested_by_id == user_id).values(suggested_by_id=None)
    )
    db.session.execute(
        update(Organization).where(Organization.assured_by_id == user_id).values(assured_by_id=None)
    )
    db.session.execute(
        update(ResourceReport).where(ResourceReport.member_id == user_id).values(member_id=None, note="")
    )


register_personal_data(
    PersonalData(
        "resources",
        50,
        files={
            "resource_suggestions.json": "Directory entries you suggested.",
            "resource_reports.json": "Your suggestions' notes and your reports of out-of-date entries.",
        },
        export=_export,
        scrub=_scrub,
        erase=_erase,
    )
)
