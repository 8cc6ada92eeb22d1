"""The corners a review found: sanctions on profiles, held items that can't be dismissed
away, nothing told about threads others can't open, edits that don't alert twice, and
moderators who can't act on admins."""

from __future__ import annotations

import pytest

from community.accounts.models import User
from community.extensions import db
from community.forums import services
from community.forums.models import Post, Thread
from community.moderation import queue, sanctions
from community.moderation.models import ReviewItem
from community.moderation.queue import ModerationError
from community.notifications.models import Notification
from tests.conftest import AuthActions

pytestmark = pytest.mark.both_databases


def test_a_silenced_member_cannot_change_their_name_or_bio_but_can_change_colours(app, client, users):
    with app.app_context():
        sanctions.silence(
            db.session.get(User, users["admin"]), db.session.get(User, users["member"]), "1", "Calm"
        )
        db.session.commit()
    AuthActions(client).login("member")
    settings = {"display_name": "Rude Name", "bio": "", "theme": "dark", "text_size": "normal"}
    response = client.post_form("/settings", settings)
    assert response.status_code == 422 and "can read but not post" in response.get_data(as_text=True)
    response = client.post_form("/settings", {**settings, "display_name": ""})
    assert response.status_code == 302
    with app.app_context():
        member = db.session.get(User, users["member"])
        assert member.display_name == "" and member.theme == "dark"


def test_a_held_item_cannot_be_dismissed_away(app, users, forum):
    thread_id = forum.thread("newcomer")
    with app.app_context():
        item = db.session.scalar(db.select(ReviewItem))
        with pytest.raises(ModerationError, match="approve it, or hide it"):
            queue.dismiss(item, db.session.get(User, users["moderator"]))
        assert db.session.get(Thread, thread_id).state == "held"


def test_nobody_is_told_of_a_post_in_a_thread_they_cannot_open(app, users, forum):
    thread_id = forum.thread("member", title="To be hidden soon")
    forum.reply(thread_id, who="other")  # "other" now watches it
    with app.app_context():
        moderator = db.session.get(User, users["moderator"])
        services.set_thread_hidden(db.session.get(Thread, thread_id), True, moderator, "Off topic")
        services.create_reply(moderator, db.session.get(Thread, thread_id), "A note here @other_member")
        db.session.commit()
        told = db.session.scalars(
            db.select(Notification.user_id).where(Notification.kind.in_(["reply", "mention"]))
        )
        assert users["other"] not in set(told)


def test_editing_an_old_worrying_post_does_not_alert_again(app, users, forum, starter_words):
    thread_id = forum.thread("member", title="A hard week", body="Some nights I want to die.")
    with app.app_context():
        item = db.session.scalar(db.select(ReviewItem))
        queue.dismiss(item, db.session.get(User, users["moderator"]), "Checked in")
        post = db.session.get(Post, forum.first_post(thread_id))
        outcome = services.edit_post(
            post, db.session.get(User, users["member"]), "Some nights I want to die. Typo."
        )
        db.session.commit()
        assert not outcome.crisis
        assert db.session.scalar(db.select(db.func.count()).select_from(ReviewItem)) == 1


def test_approving_a_held_post_its_author_removed_keeps_it_removed(app, users, forum):
    thread_id = forum.thread("member")
    post_id = forum.reply(thread_id, who="newcomer", body="Second thoughts")
    with app.app_context():
        services.delete_post(db.session.get(Post, post_id))
        item = db.session.scalar(db.select(ReviewItem).where(ReviewItem.subject_id == post_id))
        queue.approve(item, db.session.get(User, users["moderator"]))
        db.session.commit()
        assert db.session.get(Thread, thread_id).post_count == 1
        assert db.session.get(User, users["newcomer"]).approved_posts == 0


def test_moderators_do_not_edit_or_hide_what_admins_wrote(app, client, users, forum):
    thread_id = forum.thread("admin", title="House rules")
    post_id = forum.first_post(thread_id)
    AuthActions(client).login("moderator")
    assert client.get(f"/posts/{post_id}/edit").status_code == 403
    page = f"/threads/{thread_id}"
    client.post_form(f"{page}/tools", {"tool": "hide", "reason": "No"}, page=page)
    with app.app_context():
        assert db.session.get(Thread, thread_id).state == "published"
        item = queue.queue_item("post", post_id, "spam")
        with pytest.raises(ModerationError, match="Only an admin"):
            queue.hide(item, db.session.get(User, users["moderator"]), "No")


def test_showing_a_thread_again_does_not_skip_the_review_of_its_opening_post(app, users, forum):
    thread_id = forum.thread("newcomer")
    with app.app_context():
        with pytest.raises(services.ForumError, match="approve or hide"):
            services.set_thread_hidden(
                db.session.get(Thread, thread_id), False, db.session.get(User, users["moderator"])
            )
