"""Members' suggestions and reports, and what moderators do with directory entries:
approve, decline, publish, take down. Each member's word is a ResourceReport with an item in
the one review queue; acting on the entry here closes that item, and acting on the item in
/mod/ comes back here through the subject's callbacks (moderation.py), so both ways agree.
Every moderator change is in the audit log. Services flush; the view commits once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from community import limits
from community.accounts import standing
from community.extensions import db
from community.moderation import audit, queue
from community.moderation.models import OPEN_STATES, ReviewItem
from community.resources import services
from community.resources.models import (
    DECLINED,
    DRAFT,
    PUBLISHED,
    SUGGESTED,
    Organization,
    Phone,
    ResourceReport,
    Service,
    ServiceArea,
)
from community.resources.services import ResourceError

SUBJECT = "resource_report"
SUGGESTION, OUTDATED = "suggestion", "outdated"
# Why an item is in the queue (registered with the queue's reasons in moderation.py).
SUGGESTED_REASON, OUTDATED_REASON = "resource_suggestion", "resource_outdated"
NOTE_MAX = 1_000
# Per member, staff excepted; RESOURCE_SUGGEST_LIMIT / RESOURCE_REPORT_LIMIT override.
SUGGEST_LIMIT, REPORT_LIMIT = "5 per day", "20 per day"
COUNTRIES = {
    "US": "United States",
    "GB": "United Kingdom",
    "CA": "Canada",
    "AU": "Australia",
    "NZ": "New Zealand",
    "": "Another country",
}
REACHES = {
    "national": "Anyone in the country",
    "state": "People in one state or region",
    "city": "People in one city or area",
    "online": "Anyone, online",
}


class TooMany(ValueError):
    """Over a member's daily limit; the message says when to come back."""


def count_attempt(member, what: str) -> None:
    """One accepted suggestion or report against the member's daily limit (staff are not
    counted); over it, TooMany, and the caller rolls the accepted one back."""
    if standing.is_staff(member):
        return
    if what == SUGGESTION:
        limit, noun = current_app.config.get("RESOURCE_SUGGEST_LIMIT", SUGGEST_LIMIT), "suggestions"
    else:
        limit, noun = current_app.config.get("RESOURCE_REPORT_LIMIT", REPORT_LIMIT), "reports"
    if not limits.hit(f"resource-{what}", str(member.id), limit):
        raise TooMany(
            f"You have sent as many {noun} as we can take from one member in a day ({limit.split()[0]}). "
            "Thank you for them. Please come back tomorrow; your text is still here."
        )


# Members ----------------------------------------------------------------------------------


@dataclass
class Suggestion:
    name: str
    description: str
    kind: str
    reach: str
    country: str = ""
    region: str = ""
    city: str = ""
    website: str = ""
    phone: str = ""
    phone_type: str = "voice"
    email: str = ""
    conditions: list[str] = field(default_factory=list)
    note: str = ""


def _area(suggestion: Suggestion) -> ServiceArea:
    country_name = COUNTRIES.get(suggestion.country, "") if suggestion.country else ""
    if suggestion.reach == "state":
        if not suggestion.region:
            raise ResourceError("Please name the state or region it serves.", "region")
        name = suggestion.region
    elif suggestion.reach == "city":
        if not suggestion.city:
            raise ResourceError("Please name the city or area it serves.", "city")
        name = ", ".join(part for part in (suggestion.city, suggestion.region) if part)
    elif suggestion.reach == "national":
        name = country_name or "Nationwide"
    else:
        name = "Online"
    return ServiceArea(scope=suggestion.reach, name=name, country=suggestion.country)


def suggest(member, suggestion: Suggestion) -> Organization:
    """A new entry waiting for the moderators (state SUGGESTED), seen only by its member and
    moderators until approved, with its report in the review queue. Every field is checked
    before anything is added, so a refusal leaves nothing behind."""
    name = services.clean_name(suggestion.name)
    website = services.clean_url(suggestion.website)
    phone = services.clean_phone(suggestion.phone)
    source, html = services.describe(suggestion.description)
    if not source:
        raise ResourceError("Please say what they do.", "description")
    area = _area(suggestion)
    organization = Organization(
        name=name,
        description=source,
        description_html=html,
        email=suggestion.email,
        website=website,
        country=suggestion.country,
        state=SUGGESTED,
        suggested_by_id=member.id,
    )
    service = Service(
        name=name, description=source, description_html=html, url=website, email=suggestion.email
    )
    service.areas.append(area)
    organization.services.append(service)
    if phone:
        organization.phones.append(Phone(number=phone, type=suggestion.phone_type, service=service))
    services.ensure_terms()
    organization.terms = services.terms_for([suggestion.kind, *suggestion.conditions])
    services.refresh(organization)
    db.session.add(organization)
    report = ResourceReport(
        organization=organization, kind=SUGGESTION, member_id=member.id, note=suggestion.note
    )
    db.session.add(report)
    db.session.flush()
    queue.queue_item(
        SUBJECT, report.id, SUGGESTED_REASON, held=True, actor=member, note=suggestion.note[:300]
    )
    return organization


def open_item(organization: Organization) -> ReviewItem | None:
    """The open review item about this entry, whichever of its reports it came from."""
    return db.session.scalar(
        select(ReviewItem)
        .join(ResourceReport, ResourceReport.id == ReviewItem.subject_id)
        .where(
            ReviewItem.subject_type == SUBJECT,
            ReviewItem.state.in_(OPEN_STATES),
            ResourceReport.organization_id == organization.id,
        )
        .order_by(ReviewItem.id)
        .limit(1)
    )


def report_outdated(member, organization: Organization, note: str) -> ResourceReport:
    """A member's word that an entry is out of date. While the entry already has an open
    item, the note joins it (one item per entry, its history holding every note)."""
    note = (note or "").strip()
    if not note:
        raise ResourceError("Please say what has changed.", "note")
    if len(note) > NOTE_MAX:
        raise ResourceError(f"Please keep it to {NOTE_MAX:,} characters.", "note")
    report = ResourceReport(organization=organization, kind=OUTDATED, member_id=member.id, note=note)
    db.session.add(report)
    db.session.flush()
    item = open_item(organization)
    subject_id = item.subject_id if item is not None else report.id
    queue.queue_item(SUBJECT, subject_id, OUTDATED_REASON, actor=member, note=f"{member.username}: {note}")
    return report


def suggestions_by(member) -> list[Organization]:
    return list(
        db.session.scalars(
            select(Organization)
            .where(Organization.suggested_by_id == member.id)
            .order_by(Organization.created_at.desc())
            .limit(100)
        )
    )


# Moderators -------------------------------------------------------------------------------


def audit_change(moderator, action: str, organization: Organization, reason: str = "", **details) -> None:
    audit.record(
        moderator,
        action,
        member=organization.suggested_by,
        reason=reason,
        resource_id=str(organization.id),
        resource=organization.name,
        **details,
    )


def verify(organization: Organization, moderator) -> None:
    organization.assured_date = date.today()
    organization.assured_by_id = getattr(moderator, "id", None)


def publish(organization: Organization, moderator) -> None:
    """Members see it now; a suggestion approved is verified today, by this moderator."""
    if organization.state == SUGGESTED:
        verify(organization, moderator)
    organization.state, organization.decline_reason = PUBLISHED, ""


def decline(organization: Organization, reason: str) -> None:
    """Not in the directory; its member sees why. The entry stays, for the record."""
    organization.state, organization.decline_reason = DECLINED, reason


def take_down(organization: Organization) -> None:
    """Out of the directory until a moderator publishes it again (a closed service)."""
    organization.state = DRAFT


def _report_kind(item: ReviewItem) -> str:
    report = db.session.get(ResourceReport, item.subject_id)
    return report.kind if report is not None else ""


def approve_entry(organization: Organization, moderator) -> None:
    """Publish a suggestion or a draft. Its open review item is approved with it (for a
    suggestion, the item's callback publishes it and the queue tells the member)."""
    if organization.state == PUBLISHED:
        raise ResourceError("This entry is already published.")
    item = open_item(organization)
    if item is not None:
        queue.approve(item, moderator, "Published from the entry's page")
    if organization.state != PUBLISHED:
        publish(organization, moderator)
        audit_change(moderator, "approve", organization)


def decline_entry(organization: Organization, moderator, reason: str) -> None:
    """A suggestion (or draft) stays out of the directory; its member sees the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ResourceError("Please give the reason the member will see.", "reason")
    if organization.state == PUBLISHED:
        raise ResourceError("A published entry is taken down, not declined.")
    item = open_item(organization)
    if item is not None and _report_kind(item) == SUGGESTION:
        queue.hide(item, moderator, reason)  # the callback declines it; the member is told
    if organization.state != DECLINED:
        decline(organization, reason)
        audit_change(moderator, "hide", organization, reason)


def unpublish_entry(organization: Organization, moderator, reason: str = "") -> None:
    if organization.state != PUBLISHED:
        raise ResourceError("Only a published entry can be taken down.")
    take_down(organization)
    audit_change(moderator, "hide", organization, reason or "Taken out of the directory")


def waiting() -> list[Organization]:
    """Suggestions first, then drafts, oldest first: what moderators have to look at."""
    return list(
        db.session.scalars(
            select(Organization)
            .where(Organization.state.in_((SUGGESTED, DRAFT)))
            .options(selectinload(Organization.suggested_by))
            .order_by(Organization.state.desc(), Organization.created_at, Organization.name)
            .limit(500)
        )
    )


def recently_changed(limit: int = 30) -> list[Organization]:
    return list(
        db.session.scalars(
            select(Organization)
            .where(Organization.state.in_((PUBLISHED, DECLINED)))
            .order_by(Organization.updated_at.desc())
            .limit(limit)
        )
    )


def open_reports(limit: int = 200) -> list[ResourceReport]:
    """Members' reports of outdated entries that still have an open review item."""
    with_open_item = (
        select(ResourceReport.organization_id)
        .join(ReviewItem, ReviewItem.subject_id == ResourceReport.id)
        .where(ReviewItem.subject_type == SUBJECT, ReviewItem.state.in_(OPEN_STATES))
    )
    return list(
        db.session.scalars(
            select(ResourceReport)
            .where(ResourceReport.kind == OUTDATED, ResourceReport.organization_id.in_(with_open_item))
            .options(selectinload(ResourceReport.organization), selectinload(ResourceReport.member))
            .order_by(ResourceReport.created_at)
            .limit(limit)
        )
    )
