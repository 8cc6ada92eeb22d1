"""Members suggest directory entries and report outdated ones: validated, escaped, limited,
refused to those who may not, and each lands in the one review queue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from community.accounts.models import User
from community.extensions import db
from community.moderation import sanctions
from community.moderation.models import ReviewEvent, ReviewItem
from community.resources import services
from community.resources.models import PUBLISHED, SUGGESTED, Organization, ResourceReport

pytestmark = pytest.mark.both_databases

SUGGESTION = {
    "name": "Valley Pain Circle",
    "website": "https://valleypain.example.org",
    "phone": "  (555)   123-4567 ",
    "phone_type": "voice",
    "email": "hello@valleypain.example.org",
    "description": "A peer group that meets on Tuesday evenings.",
    "kind": "support-groups",
    "conditions": ["crps", "fibromyalgia"],
    "reach": "city",
    "country": "US",
    "region": "Oregon",
    "city": "Eugene",
    "note": "I have been going for a year.",
}


@pytest.fixture
def entry(app, users):
    """A published entry members can report."""
    with app.app_context():
        services.ensure_terms()
        organization = Organization(name="Pain Helpline", description="Call us.", state=PUBLISHED)
        services.refresh(organization)
        db.session.add(organization)
        db.session.commit()
        return organization.id


def _suggestions(app):
    with app.app_context():
        return list(db.session.scalars(select(Organization).where(Organization.state == SUGGESTED)))


def _items(app):
    with app.app_context():
        return list(
            db.session.scalars(select(ReviewItem).where(ReviewItem.subject_type == "resource_report"))
        )


def test_a_suggestion_waits_for_the_moderators_and_is_in_the_queue(app, client, auth, users):
    auth.login("member")
    response = client.post_form("/resources/suggest", SUGGESTION)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/resources/mine")
    mine = client.get("/resources/mine").get_data(as_text=True)
    assert "Valley Pain Circle" in mine and "Waiting for a moderator" in mine
    assert "with the moderators" in mine  # the flash on the page it lands on
    with app.app_context():
        (organization,) = db.session.scalars(select(Organization))
        assert organization.state == SUGGESTED and organization.suggested_by_id == users["member"]
        assert organization.website == "https://valleypain.example.org"
        assert [phone.number for phone in organization.phones] == ["(555) 123-4567"]  # tidied
        assert organization.phones[0].service is organization.services[0]
        (service,) = organization.services
        assert [(area.scope, area.name, area.country) for area in service.areas] == [
            ("city", "Eugene, Oregon", "US")
        ]
        assert {term.code for term in organization.terms} == {"support-groups", "crps", "fibromyalgia"}
        assert organization.reach == "city" and "tuesday evenings" in organization.search_text
        (report,) = db.session.scalars(select(ResourceReport))
        assert (report.kind, report.note, report.member_id) == (
            "suggestion",
            SUGGESTION["note"],
            users["member"],
        )
        (item,) = db.session.scalars(select(ReviewItem))
        assert (item.subject_type, item.subject_id, item.held) == ("resource_report", report.id, True)
        assert item.reasons == ["resource_suggestion"] and item.member_id == users["member"]
    auth.logout()
    auth.login("moderator")
    queue_page = client.get("/mod/").get_data(as_text=True)
    assert "Suggested entry: Valley Pain Circle" in queue_page
    assert "A member suggested a directory entry" in queue_page
    item_page = client.get(f"/mod/items/{item.id}").get_data(as_text=True)
    assert "I have been going for a year." in item_page
    assert f"/resources/{organization.id}/edit" in item_page


@pytest.mark.parametrize("website", ["javascript:alert(1)", "ftp://files.example.org/x", "data:text/html,hi"])
def test_a_web_address_that_is_not_http_is_refused_and_the_text_kept(app, client, auth, website):
    auth.login("member")
    response = client.post_form("/resources/suggest", {**SUGGESTION, "website": website})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please give a web address starting with https:// or http://." in page
    assert "A peer group that meets on Tuesday evenings." in page and "Valley Pain Circle" in page
    assert 'aria-invalid="true"' in page
    assert _suggestions(app) == [] and _items(app) == []


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"name": "  "}, "name", "Please give its name."),
        ({"description": ""}, "description", "Please say what they do."),
        ({"phone": "call me"}, "phone", "Please give a phone number with its digits"),
        ({"email": "not an address"}, "email", "Please give an email address like"),
        ({"reach": "state", "region": ""}, "region", "Please name the state or region it serves."),
        ({"kind": "nonsense"}, "kind", "Not a valid choice"),
        ({"conditions": ["crps", "made-up"]}, "conditions", "Please choose from the list."),
    ],
)
def test_each_field_says_what_is_wrong(app, client, auth, change, field, words):
    auth.login("member")
    response = client.post_form("/resources/suggest", {**SUGGESTION, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page and words in page
    assert "I have been going for a year." in page  # nothing typed is lost
    assert _suggestions(app) == []


def test_markup_in_a_description_is_stored_harmless(app, client, auth):
    auth.login("member")
    description = (
        'Hello <script>alert("x")</script> <img src=x onerror=alert(1)> <a href="javascript:alert(1)">me</a>'
    )
    assert (
        client.post_form("/resources/suggest", {**SUGGESTION, "description": description}).status_code == 302
    )
    with app.app_context():
        (organization,) = _suggestions(app)
        html = organization.description_html.lower()
        assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
        assert "&lt;script&gt;" in html  # shown as text, never run
        assert organization.description == description  # the source as written


def test_suggestions_are_limited_a_day_with_words_and_the_text_kept(app, client, auth):
    app.config["RESOURCE_SUGGEST_LIMIT"] = "2 per day"
    auth.login("member")
    for number in range(2):
        assert (
            client.post_form("/resources/suggest", {**SUGGESTION, "name": f"Group {number}"}).status_code
            == 302
        )
    # A refused one (a field to put right) does not count.
    assert (
        client.post_form("/resources/suggest", {**SUGGESTION, "website": "ftp://x.example"}).status_code
        == 400
    )
    response = client.post_form("/resources/suggest", {**SUGGESTION, "name": "One too many"})
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Please come back tomorrow" in page and "One too many" in page
    assert len(_suggestions(app)) == 2


def test_visitors_are_sent_to_sign_in(client, users, entry):
    for path in ("/resources/suggest", f"/resources/{entry}/report", "/resources/mine"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def _silence(app, users, who="member"):
    with app.app_context():
        sanctions.silence(
            db.session.get(User, users["moderator"]), db.session.get(User, users[who]), "7", "Heated"
        )
        db.session.commit()


def test_a_silenced_member_cannot_suggest_and_is_told_why(app, client, auth, users, entry):
    auth.login("member")
    _silence(app, users)
    response = client.get("/resources/suggest")
    assert response.status_code == 403
    assert "can read but not post" in response.get_data(as_text=True)
    token = client.csrf_token("/resources/mine")
    response = client.post("/resources/suggest", data={**SUGGESTION, "csrf_token": token})
    assert response.status_code == 403 and _suggestions(app) == []
    assert client.get("/resources/mine").status_code == 200  # reading stays
    # Saying an entry is out of date writes nothing others read: the rule lets them (permissions.py).
    assert client.get(f"/resources/{entry}/report").status_code == 200


def test_a_suspended_member_is_signed_out_and_cannot_suggest(app, client, auth, users):
    auth.login("member")
    with app.app_context():
        sanctions.suspend(
            db.session.get(User, users["moderator"]), db.session.get(User, users["member"]), "7", "Spam"
        )
        db.session.commit()
    response = client.get("/resources/suggest")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_csrf_is_checked(app, client, auth):
    auth.login("member")
    response = client.post("/resources/suggest", data=SUGGESTION)
    assert response.status_code == 400 and _suggestions(app) == []
    response = client.post("/resources/suggest", data={**SUGGESTION, "csrf_token": "stale"})
    assert response.status_code == 400 and _suggestions(app) == []


def test_a_suggestion_is_seen_only_by_its_member_and_moderators(app, client, auth, users):
    from community.resources.permissions import can_view_resource

    auth.login("member")
    client.post_form("/resources/suggest", SUGGESTION)
    with app.app_context():
        (organization,) = _suggestions(app)
        assert can_view_resource(db.session.get(User, users["member"]), organization)
        assert can_view_resource(db.session.get(User, users["moderator"]), organization)
        assert not can_view_resource(db.session.get(User, users["other"]), organization)
        organization_id = organization.id
    auth.logout()
    auth.login("other_member")
    assert client.get(f"/resources/{organization_id}/report").status_code == 404
    assert "Valley Pain Circle" not in client.get("/resources/mine").get_data(as_text=True)


# Reports of outdated information --------------------------------------------------------------


def test_a_report_goes_to_the_queue_with_the_note(app, client, auth, users, entry):
    auth.login("member")
    form = client.get(f"/resources/{entry}/report").get_data(as_text=True)
    assert "What has changed?" in form and "Pain Helpline" in form
    response = client.post_form(f"/resources/{entry}/report", {"note": "The number is now 555 0100."})
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)
    with app.app_context():
        (report,) = db.session.scalars(select(ResourceReport))
        assert (report.kind, report.note, report.member_id) == (
            "outdated",
            "The number is now 555 0100.",
            users["member"],
        )
        (item,) = _items(app)
        assert item.reasons == ["resource_outdated"] and not item.held and item.member_id is None
    auth.logout()
    auth.login("moderator")
    page = client.get(f"/mod/items/{item.id}").get_data(as_text=True)
    assert "Out of date: Pain Helpline" in page
    assert "The number is now 555 0100." in page and "member" in page
    assert f"/resources/{entry}/edit" in page and f'href="/resources/{entry}"' in page


def test_a_second_report_joins_the_open_item(app, client, auth, users, entry):
    auth.login("member")
    client.post_form(f"/resources/{entry}/report", {"note": "New number."})
    auth.logout()
    auth.login("other_member")
    client.post_form(f"/resources/{entry}/report", {"note": "They closed in <b>May</b>."})
    with app.app_context():
        assert len(list(db.session.scalars(select(ResourceReport)))) == 2
        (item,) = _items(app)
        notes = [
            event.note
            for event in db.session.scalars(select(ReviewEvent).where(ReviewEvent.item_id == item.id))
        ]
        assert any("New number." in note for note in notes)
        assert any("other_member: They closed in <b>May</b>." in note for note in notes)
    auth.logout()
    auth.login("moderator")
    page = client.get(f"/mod/items/{item.id}").get_data(as_text=True)
    assert "They closed in &lt;b&gt;May&lt;/b&gt;." in page and "<b>May</b>" not in page


@pytest.mark.parametrize(
    "note, words", [("", "Please say what has changed."), ("x" * 1001, "1,000 characters")]
)
def test_a_report_needs_a_short_note(app, client, auth, entry, note, words):
    auth.login("member")
    response = client.post_form(f"/resources/{entry}/report", {"note": note})
    assert response.status_code == 400 and words in response.get_data(as_text=True)
    assert _items(app) == []


def test_only_published_entries_can_be_reported(app, client, auth, users):
    auth.login("member")
    client.post_form("/resources/suggest", SUGGESTION)
    (organization,) = _suggestions(app)
    # The member sees their own suggestion, but there is nothing out of date to report yet.
    assert client.get(f"/resources/{organization.id}/report").status_code == 403
