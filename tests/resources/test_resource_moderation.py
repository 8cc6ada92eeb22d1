"""Moderators review the directory: approve and decline suggestions (from the entry or from
the review queue, which agree), publish and take down, edit every field; all in the audit log."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from community.accounts.models import User
from community.extensions import db
from community.moderation.models import AuditEntry, ReviewItem
from community.notifications.models import Notification
from community.resources import permissions, review, services
from community.resources.models import DECLINED, DRAFT, PUBLISHED, SUGGESTED, Organization

pytestmark = pytest.mark.both_databases


@pytest.fixture
def suggestion(app, users):
    """A member's suggestion waiting in the queue: (entry id, review item id)."""
    with app.app_context():
        member = db.session.get(User, users["member"])
        organization = review.suggest(
            member,
            review.Suggestion(
                name="Valley Pain Circle",
                description="A peer group.",
                kind="support-groups",
                reach="national",
                country="US",
                website="valleypain.example.org",
                phone="555 123 4567",
                note="Lovely people.",
            ),
        )
        db.session.commit()
        item = db.session.scalar(select(ReviewItem))
        return organization.id, item.id


@pytest.fixture
def draft(app, users):
    with app.app_context():
        services.ensure_terms()
        organization = Organization(name="Imported Helpline", description="From a package.", state=DRAFT)
        services.refresh(organization)
        db.session.add(organization)
        db.session.commit()
        return organization.id


def _entry(app, organization_id) -> Organization:
    with app.app_context():
        organization = db.session.get(Organization, organization_id)
        db.session.expunge(organization)
        return organization


def _audit(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(entry.action, entry.actor_name) for entry in db.session.scalars(select(AuditEntry))]


def _item(app, item_id) -> ReviewItem:
    with app.app_context():
        return db.session.get(ReviewItem, item_id)


def test_approving_from_the_entry_publishes_verifies_and_resolves_the_item(
    app, client, auth, users, suggestion
):
    organization_id, item_id = suggestion
    auth.login("moderator")
    page = client.get(f"/resources/{organization_id}/edit").get_data(as_text=True)
    assert "Approve and publish" in page and "Valley Pain Circle" in page
    response = client.post_form(
        f"/resources/{organization_id}/publish", page=f"/resources/{organization_id}/edit"
    )
    assert response.status_code == 302
    organization = _entry(app, organization_id)
    assert organization.state == PUBLISHED
    assert organization.assured_date == date.today() and organization.assured_by_id == users["moderator"]
    item = _item(app, item_id)
    assert (item.state, item.resolution) == ("resolved", "approved")
    assert ("approve", "moderator") in _audit(app)
    with app.app_context():
        assert permissions.can_view_resource(None, db.session.get(Organization, organization_id))
        listed = db.session.scalars(select(Organization.id).where(permissions.listed_organizations()))
        assert organization_id in set(listed)
        # The member hears of it.
        (note,) = db.session.scalars(select(Notification).where(Notification.user_id == users["member"]))
        assert note.params["outcome"] == "approved"
    listing = client.get("/resources/")
    if listing.status_code == 200:  # the directory's own page, when it is built
        assert "Valley Pain Circle" in listing.get_data(as_text=True)


def test_approving_the_item_in_the_queue_publishes_the_entry(app, client, auth, users, suggestion):
    organization_id, item_id = suggestion
    auth.login("moderator")
    response = client.post_form(f"/mod/items/{item_id}/approve", {"note": ""}, page=f"/mod/items/{item_id}")
    assert response.status_code == 302
    organization = _entry(app, organization_id)
    assert organization.state == PUBLISHED and organization.assured_by_id == users["moderator"]
    assert ("approve", "moderator") in _audit(app)


def test_declining_from_the_entry_gives_the_member_the_reason(app, client, auth, users, suggestion):
    organization_id, item_id = suggestion
    auth.login("moderator")
    edit = f"/resources/{organization_id}/edit"
    response = client.post_form(f"/resources/{organization_id}/decline", {"reason": ""}, page=edit)
    assert response.status_code == 303 and _entry(app, organization_id).state == SUGGESTED
    response = client.post_form(
        f"/resources/{organization_id}/decline", {"reason": "We could not find them anywhere."}, page=edit
    )
    assert response.status_code == 302
    organization = _entry(app, organization_id)
    assert (
        organization.state == DECLINED and organization.decline_reason == "We could not find them anywhere."
    )
    assert _item(app, item_id).resolution == "hidden"
    assert ("hide", "moderator") in _audit(app)
    auth.logout()
    auth.login("member")
    mine = client.get("/resources/mine").get_data(as_text=True)
    assert "Not added to the directory" in mine and "We could not find them anywhere." in mine
    # The notification says what happened in the directory's words, not a post's.
    notices = client.get("/notifications").get_data(as_text=True)
    assert "A moderator declined your directory entry: We could not find them anywhere." in notices


def test_hiding_the_item_in_the_queue_declines_the_suggestion(app, client, auth, suggestion):
    organization_id, item_id = suggestion
    auth.login("moderator")
    client.post_form(f"/mod/items/{item_id}/hide", {"reason": "A duplicate."}, page=f"/mod/items/{item_id}")
    organization = _entry(app, organization_id)
    assert organization.state == DECLINED and organization.decline_reason == "A duplicate."


def test_drafts_are_published_and_taken_down(app, client, auth, draft):
    auth.login("moderator")
    edit = f"/resources/{draft}/edit"
    manage = client.get("/resources/manage").get_data(as_text=True)
    assert "Imported Helpline" in manage and edit in manage
    assert client.post_form(f"/resources/{draft}/publish", page=edit).status_code == 302
    assert _entry(app, draft).state == PUBLISHED
    assert client.post_form(f"/resources/{draft}/publish", page=edit).status_code == 303  # already
    response = client.post_form(f"/resources/{draft}/unpublish", {"reason": "Closed"}, page=edit)
    assert response.status_code == 302 and _entry(app, draft).state == DRAFT
    assert [action for action, _ in _audit(app)] == ["approve", "hide"]


EDIT = {
    "name": "Valley Pain Circle (Eugene)",
    "alternate_name": "VPC",
    "description": "Meets on **Tuesdays**.",
    "website": "https://vpc.example.org",
    "email": "hi@vpc.example.org",
    "country": "US",
    "sources": "https://vpc.example.org/about",
    "kinds": ["support-groups"],
    "conditions": ["crps"],
    "services-0-name": "Tuesday circle",
    "services-0-description": "In person.",
    "services-0-status": "active",
    "services-0-url": "",
    "services-0-email": "",
    "services-0-languages": "en, es",
    "services-0-fees_description": "Free",
    "phones-0-number": "(555) 999-0000",
    "phones-0-extension": "",
    "phones-0-type": "text",
    "phones-0-description": "",
    "phones-0-text_keyword": "HELLO",
    "location_type": "physical",
    "location_name": "Library",
    "address_1": "100 W 10th Ave",
    "city": "Eugene",
    "state_province": "OR",
    "postal_code": "97401",
    "location_country": "US",
    "latitude": "44.05",
    "longitude": "-123.09",
    "area_scope": "city",
    "area_name": "Eugene",
    "area_country": "US",
    "verified": "y",
}


def _edit_data(app, organization_id) -> dict:
    with app.app_context():
        organization = db.session.get(Organization, organization_id)
        return {
            **EDIT,
            "services-0-id": str(organization.services[0].id),
            "phones-0-id": str(organization.phones[0].id),
        }


def test_a_moderator_edits_every_field(app, client, auth, users, suggestion):
    organization_id, _ = suggestion
    auth.login("moderator")
    edit = f"/resources/{organization_id}/edit"
    response = client.post_form(edit, _edit_data(app, organization_id))
    assert response.status_code == 302
    with app.app_context():
        organization = db.session.get(Organization, organization_id)
        assert organization.name == "Valley Pain Circle (Eugene)" and "<strong>Tuesdays</strong>" in (
            organization.description_html
        )
        (service,) = organization.services
        assert (service.name, service.languages, service.fees_description) == (
            "Tuesday circle",
            "en,es",
            "Free",
        )
        assert [(area.scope, area.name) for area in service.areas] == [("city", "Eugene")]
        (phone,) = organization.phones
        assert (phone.number, phone.type, phone.text_keyword) == ("(555) 999-0000", "text", "HELLO")
        (location,) = organization.locations
        assert (location.city, location.latitude, location.longitude) == ("Eugene", 44.05, -123.09)
        assert {term.code for term in organization.terms} == {"support-groups", "crps"}
        assert organization.assured_date == date.today() and organization.reach == "city"
        (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "edit"))
        assert entry.details["resource_id"] == str(organization_id) and "Changed" in entry.reason


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"latitude": "44.05", "longitude": ""}, "longitude", "both latitude and longitude"),
        ({"latitude": "91", "longitude": "0"}, "latitude", "from -90 to 90"),
        ({"latitude": "0", "longitude": "200"}, "longitude", "from -180 to 180"),
        ({"website": "javascript:alert(1)"}, "website", "starting with https://"),
        ({"phones-0-number": "call me"}, "phones-0-number", "with its digits"),
        ({"name": ""}, "name", "Please give its name."),
    ],
)
def test_an_edit_with_a_mistake_changes_nothing(app, client, auth, suggestion, change, field, words):
    organization_id, _ = suggestion
    auth.login("moderator")
    response = client.post_form(
        f"/resources/{organization_id}/edit", {**_edit_data(app, organization_id), **change}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and words in page and f'id="{field}-error"' in page
    assert "Meets on **Tuesdays**." in page  # what was typed stays
    organization = _entry(app, organization_id)
    assert organization.name == "Valley Pain Circle" and organization.assured_date is None
    assert _audit(app) == []


@pytest.mark.parametrize("who", ["member", "newcomer"])
@pytest.mark.parametrize("path", ["/resources/manage", "/resources/{id}/edit"])
def test_members_may_not_manage_or_edit(client, auth, suggestion, who, path):
    auth.login(who)
    assert client.get(path.format(id=suggestion[0])).status_code == 403


@pytest.mark.parametrize("action", ["publish", "decline", "unpublish", "edit"])
def test_members_may_not_act_and_visitors_sign_in(app, client, auth, suggestion, action):
    path = f"/resources/{suggestion[0]}/{action}"
    response = client.post(path, data={"reason": "x", "csrf_token": client.csrf_token("/auth/login")})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    auth.login("member")
    response = client.post(path, data={"reason": "x", "csrf_token": client.csrf_token("/resources/mine")})
    assert response.status_code == 403
    assert _entry(app, suggestion[0]).state == SUGGESTED


def test_visitors_are_sent_to_sign_in_from_manage(client, users):
    response = client.get("/resources/manage")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_moderator_actions_need_the_csrf_token(app, client, auth, suggestion):
    auth.login("moderator")
    assert client.post(f"/resources/{suggestion[0]}/publish").status_code == 400
    assert client.post(f"/resources/{suggestion[0]}/publish", data={"csrf_token": "stale"}).status_code == 400
    assert _entry(app, suggestion[0]).state == SUGGESTED


def test_a_report_shows_on_manage_and_taking_the_entry_down_from_the_queue(app, client, auth, users, draft):
    auth.login("moderator")
    client.post_form(f"/resources/{draft}/publish", page=f"/resources/{draft}/edit")
    auth.logout()
    auth.login("member")
    client.post_form(f"/resources/{draft}/report", {"note": "They closed last month."})
    auth.logout()
    auth.login("moderator")
    manage = client.get("/resources/manage").get_data(as_text=True)
    assert "They closed last month." in manage
    with app.app_context():
        item = db.session.scalar(select(ReviewItem).where(ReviewItem.state != "resolved"))
    client.post_form(f"/mod/items/{item.id}/hide", {"reason": "Closed"}, page=f"/mod/items/{item.id}")
    assert _entry(app, draft).state == DRAFT
    assert "They closed last month." not in client.get("/resources/manage").get_data(as_text=True)
