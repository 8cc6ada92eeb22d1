"""The directory as moderation sees it: members' suggestions and outdated-information
reports are a subject ("resource_report") of the one review queue. Items point at a
ResourceReport (the queue needs integer ids; entries have UUIDs).

Approving an item publishes a suggested entry (an outdated report: the report is dealt with,
nothing changes); hiding one declines the suggestion with the moderator's reason, or takes an
outdated entry out of the directory until it is put right and published again."""

from __future__ import annotations

from flask import has_request_context
from markupsafe import Markup

from community.extensions import db
from community.moderation.models import QUEUE_REASONS
from community.moderation.subjects import SubjectType, register_subject
from community.notifications.services import path_for
from community.resources import review
from community.resources.models import ResourceReport

# The queue's reasons for our items, registered here as the feature lands.
QUEUE_REASONS.setdefault(review.SUGGESTED_REASON, "A member suggested a directory entry")
QUEUE_REASONS.setdefault(review.OUTDATED_REASON, "A member says a directory entry is out of date")


def _moderator():
    """Who is acting: the callbacks are asked from a moderator's request."""
    if not has_request_context():
        return None
    from flask_login import current_user

    return current_user if current_user.is_authenticated else None


def _paragraphs(text: str) -> Markup:
    return Markup("").join(Markup("<p>{}</p>").format(part) for part in text.split("\n\n") if part.strip())


def _describe(report: ResourceReport) -> dict:
    organization = report.organization
    who = report.member.username if report.member else "A former member"
    if report.kind == review.SUGGESTION:
        title = f"Suggested entry: {organization.name}"
        said = "Note to moderators" if report.note else ""
    else:
        title = f"Out of date: {organization.name}"
        said = "What has changed"
    parts = []
    if said:
        parts.append(
            Markup("<p><strong>{} ({}):</strong></p><blockquote>{}</blockquote>").format(
                said, who, _paragraphs(report.note)
            )
        )
    facts = [("Website", organization.website), ("Email", organization.email)]
    facts += [("Phone", phone.number) for phone in organization.phones]
    parts.append(Markup("<h3>{}</h3>").format(organization.name))
    parts.append(Markup(organization.description_html or ""))  # stored safe by the text intake
    parts.append(
        Markup("<ul>{}</ul>").format(
            Markup("").join(Markup("<li>{}: {}</li>").format(label, value) for label, value in facts if value)
        )
    )
    return {
        "title": title,
        "html": str(Markup("").join(parts)),
        "content_warning": "",
        "url": path_for("resources.detail", resource_id=organization.id),
        "where": "the resource directory",
        "author": who,
    }


def _publish(report: ResourceReport) -> None:
    if report.kind == review.SUGGESTION and not report.organization.is_published:
        review.publish(report.organization, _moderator())


def _hide(report: ResourceReport, reason: str) -> None:
    if report.kind == review.SUGGESTION:
        review.decline(report.organization, reason)
    elif report.organization.is_published:
        review.take_down(report.organization)


def _member_id(report: ResourceReport) -> int | None:
    """A suggestion is its member's (they hear what became of it); a report of an outdated
    entry is about the entry, not about the member who noticed."""
    return report.member_id if report.kind == review.SUGGESTION else None


RESOURCE_REPORT = register_subject(
    SubjectType(
        name=review.SUBJECT,
        label="directory entry",
        find=lambda report_id: db.session.get(ResourceReport, report_id),
        describe=_describe,
        member_id=_member_id,
        # Nobody flags a report: it is already in the queue.
        can_see=lambda user, report: False,
        publish=_publish,
        hide=_hide,
        edit_url=lambda report: path_for("resources.edit", resource_id=report.organization_id),
        recent_by=None,
        approved_words="it is in the directory now",
        hidden_verb="declined",
    )
)
