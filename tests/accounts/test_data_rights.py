"""/settings/data: the export holds one of every kind of record a member makes, and only
theirs; deleting the account leaves none of their personal data in any table (kept posts
excepted, shown as "Former member"), ends their sign-ins, and leaves others' data alone."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from sqlalchemy import JSON, String, Text, select, text, update

from community import events
from community.accounts import account_deletion, data_rights, services
from community.accounts.models import User
from community.accounts.sessions import LoginSession
from community.chat import services as chat
from community.diary.models import TRIGGER, DiaryEntry, DiarySettings, DiaryTag, FlareNote
from community.extensions import db
from community.forums import groups as forum_groups
from community.forums import services as forums
from community.forums.models import Post, Thread
from community.forums.seed import seed_groups
from community.meetings import services as meetings
from community.meetings.models import Meeting
from community.moderation import audit, blocking, flags, sanctions
from community.moderation.models import AuditEntry
from community.notifications import services as notifications
from community.resources import review
from tests.helpers import PASSWORD
from tests.meetings.helpers import plan

pytestmark = pytest.mark.both_databases

USERNAME, EMAIL, NAME = "zephyrine_q", "zephyrine.q@example.org", "Quillon Ashgrove"
# Words only the member wrote, each in one kind of record.
PERSONAL = {
    "bio": "Marmalade lighthouse",
    "conditions": "Glassbone syndrome",
    "flag": "Thistlewick flag note",
    "suggest_note": "Calloway suggestion note",
    "report": "Brambleton report note",
    "muted": "larkspurrow",
    "notification": "Harrowdeep notification",
    "diary": "Ospreyvale diary note",
    "trigger": "Kestrelmoor trigger",
    "flare": "Heronsgate flare note",
}
# What they posted: erased with "erase", kept (as "Former member") with "keep".
CONTENT = {
    "thread": "Vorpalkin thread title",
    "first_post": "Snickerlume first post",
    "reply_before_edit": "Glimmerquay reply",
    "reply": "Quorndale edited reply",
    "solo_thread": "Wendlebury solo thread",
    "solo_post": "Pippinfold solo post",
    "chat": "Morrowgleam chat message",
}
OTHERS = {"their_thread": "Tansyfield thread", "their_reply": "Brightwater reply"}


@pytest.fixture
def member(app, users):
    """A member who has made one of every kind of record; returns the ids the tests need."""
    with app.app_context():
        list(seed_groups())
        chat.ensure_rooms()
        db.session.commit()
    meeting_id = plan(app, users["moderator"])
    with app.app_context():
        me = services.create_user(USERNAME, EMAIL, PASSWORD, trusted=True)
        services.update_profile(
            me,
            {
                "display_name": NAME,
                "pronouns": "xe/xem",
                "conditions": PERSONAL["conditions"],
                "bio": PERSONAL["bio"],
                "theme": "dark",
            },
        )
        other = db.session.get(User, users["other"])
        moderator = db.session.get(User, users["moderator"])
        crps = forum_groups.group_by_slug("crps")
        mine = forums.create_thread(me, crps, CONTENT["thread"], CONTENT["first_post"])
        forums.create_reply(other, mine, OTHERS["their_reply"])
        solo = forums.create_thread(me, crps, CONTENT["solo_thread"], CONTENT["solo_post"])
        theirs = forums.create_thread(other, crps, OTHERS["their_thread"], "Their first words")
        reply = forums.create_reply(me, theirs, CONTENT["reply_before_edit"])
        forums.edit_post(reply, me, CONTENT["reply"])
        their_post = db.session.scalar(select(Post).where(Post.thread_id == theirs.id).order_by(Post.id))
        my_first = db.session.scalar(select(Post).where(Post.thread_id == mine.id).order_by(Post.id))
        chat.send(me, chat.room_by_slug("lounge"), CONTENT["chat"], "client-1")
        forums.set_reaction(me, their_post, "support", True)
        flags.flag(me, "post", their_post.id, "other", PERSONAL["flag"])
        flags.flag(other, "post", my_first.id, "spam")  # a flag about them, not theirs
        meetings.rsvp(me, db.session.get(Meeting, meeting_id), True)
        notifications.notify(
            {me.id},
            "mention",
            actor_id=other.id,
            subject=("post", their_post.id),
            url="/",
            params={"title": PERSONAL["notification"]},
        )
        blocking.block(me, other)
        blocking.set_muted_words(me, PERSONAL["muted"])
        suggested = review.suggest(
            me,
            review.Suggestion(
                name="Fennimore Pain Clinic",
                description="A clinic.",
                kind="support-groups",
                reach="online",
                note=PERSONAL["suggest_note"],
            ),
        )
        review.report_outdated(me, suggested, PERSONAL["report"])
        tag = DiaryTag(
            owner_id=me.id, kind=TRIGGER, name=PERSONAL["trigger"], key=PERSONAL["trigger"].lower()
        )
        db.session.add(
            DiaryEntry(
                owner_id=me.id,
                day=date(2024, 3, 1),
                pain_average=6,
                enjoyment_interference=5,
                activity_interference=4,
                body_areas=["lower_back"],
                qualities=["burning"],
                notes=PERSONAL["diary"],
                tags=[tag],
            )
        )
        db.session.add(FlareNote(owner_id=me.id, pain=8, note=PERSONAL["flare"]))
        db.session.add(DiarySettings(owner_id=me.id, reminders=True, reminder_hour=20))
        sanctions.warn(moderator, me, f"Please be gentle, {USERNAME} ({NAME}).")
        db.session.commit()
        return {
            "id": me.id,
            "thread": mine.id,
            "solo": solo.id,
            "their_thread": theirs.id,
            "meeting": meeting_id,
        }


def _login(client, login=USERNAME):
    return client.post_form("/auth/login", {"login": login, "password": PASSWORD})


def _zip(client) -> dict[str, str]:
    response = client.get("/settings/data/export.zip")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    expected = f'attachment; filename="common-ground-{USERNAME}-{date.today().isoformat()}.zip"'
    assert response.headers["Content-Disposition"] == expected
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_export_holds_one_of_everything_the_member_made_and_nothing_of_others(app, client, member):
    _login(client)
    files = _zip(client)
    assert set(files) == {"README.txt", *data_rights.FILES}
    everything = "\n".join(files.values())
    for word in [*PERSONAL.values(), *CONTENT.values(), USERNAME, NAME, EMAIL]:
        assert word in everything, word
    posts = json.loads(files["posts.json"])
    reply = next(p for p in posts if p["body"] == CONTENT["reply"])
    assert reply["thread"] == OTHERS["their_thread"] and reply["group"]
    assert [v["body"] for v in reply["earlier_versions"]] == [CONTENT["reply_before_edit"]]
    assert CONTENT["chat"] in files["chat_messages.json"]
    assert json.loads(files["reactions.json"])[0]["reaction"] == "support"
    assert [f["note"] for f in json.loads(files["flags.json"])] == [
        PERSONAL["flag"]
    ]  # not the flag about them
    assert json.loads(files["rsvps.json"])["answers"][0]["going"] is True
    assert json.loads(files["blocks.json"])[0]["member"] == "other_member"
    assert json.loads(files["muted_words.json"]) == [PERSONAL["muted"]]
    assert "Fennimore Pain Clinic" in files["resource_suggestions.json"]
    assert PERSONAL["report"] in files["resource_reports.json"]
    sessions = json.loads(files["login_sessions.json"])
    assert sessions[0]["this_device"] is True and "key_hash" not in files["login_sessions.json"]
    settings = json.loads(files["settings.json"])
    assert settings["theme"] == "dark" and settings["diary"] == {"reminders": True, "reminder_hour": 20}
    assert "mention" in settings["notifications"]
    assert json.loads(files["profile.json"])["email"] == EMAIL
    assert json.loads(files["diary_entries.json"])[0]["peg"] == 5.0
    assert PERSONAL["flare"] in files["diary_flares.json"]
    assert PERSONAL["trigger"] in files["diary.csv"] and "lower_back" in files["diary.csv"]
    for name in data_rights.FILES:
        assert name in files["README.txt"]
    # Others' words are not theirs to take: in a thread, only their own posts.
    assert OTHERS["their_reply"] not in everything and "Their first words" not in everything


def test_diary_csv_cells_cannot_run_as_formulas():
    assert [data_rights.safe_cell(v) for v in ("=1+1", "+x", "-2", "@SUM(A1)", "plain", 3)] == [
        "'=1+1",
        "'+x",
        "'-2",
        "'@SUM(A1)",
        "plain",
        "3",
    ]


def test_the_page_explains_and_visitors_are_sent_to_sign_in(app, client, member):
    for path in ("/settings/data", "/settings/data/export.zip"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    _login(client)
    page = client.get("/settings/data").get_data(as_text=True)
    assert "Download all my data" in page and "Delete my account" in page and "diary.csv" in page
    assert "/settings/data" in client.get("/settings").get_data(as_text=True)


def _text_columns():
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if columns:
            yield table, columns


def _where_found(app, words) -> list[tuple[str, str, str]]:
    """(table, column, word) for every stored string or JSON value holding any of `words`."""
    found = []
    with app.app_context():
        for table, columns in _text_columns():
            for row in db.session.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    value = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
                    found += [
                        (table.name, column.name, w) for w in words if value and w.lower() in value.lower()
                    ]
        for row in db.session.execute(text("SELECT title, body FROM post_search")):
            found += [("post_search", "", w) for w in words if w.lower() in " ".join(row).lower()]
    return found


def _delete(client, choice, password=PASSWORD):
    return client.post_form(
        "/settings/data/delete", {"posts": choice, "password": password}, page="/settings/data"
    )


def _check_gone(app, client, member, ended):
    with app.app_context():
        tombstone = db.session.get(User, member["id"])
        assert tombstone.username.startswith("former-member-") and tombstone.name == "Former member"
        assert not tombstone.check_password(PASSWORD) and tombstone.role == "member"
        assert (
            db.session.scalars(select(LoginSession).where(LoginSession.user_id == member["id"])).all() == []
        )
        deleted = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "account_deleted")).all()
        assert len(deleted) == 1 and deleted[0].actor_name == "" and deleted[0].member_name == ""
        warned = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "warn"))
        assert warned.member_name == "Former member" and "Former member" in warned.reason
        assert db.session.get(Meeting, member["meeting"]) is not None
    assert ended == [member["id"]]  # their sockets close: sessions_ended went after the commit
    for login in (USERNAME, EMAIL):
        assert _login(client, login).status_code == 401


def _erase_or_keep(app, client, member, choice):
    words = [USERNAME, NAME, EMAIL, *PERSONAL.values(), *CONTENT.values()]
    assert {word for _, _, word in _where_found(app, words)} == set(words)  # the walk sees them all
    _login(client)
    ended = []

    def receiver(sender, user_id, session_ids):
        ended.append(user_id)

    with events.sessions_ended.connected_to(receiver):
        response = _delete(client, choice)
    assert response.status_code == 302 and response.headers["Location"].endswith("/settings/data/deleted")
    page = client.get("/settings/data/deleted")
    assert page.status_code == 200 and "Your account is deleted" in page.get_data(as_text=True)
    assert client.get("/settings/data").status_code == 302  # signed out in this browser
    return ended


def _others_untouched(app, client, member):
    _login(client, "other_member")
    page = client.get(f"/threads/{member['thread']}").get_data(as_text=True)
    assert OTHERS["their_reply"] in page and NAME not in page and USERNAME not in page
    assert OTHERS["their_thread"] in client.get(f"/threads/{member['their_thread']}").get_data(as_text=True)
    return page


def test_erase_leaves_none_of_the_member_in_any_table(app, client, member):
    ended = _erase_or_keep(app, client, member, "erase")
    _check_gone(app, client, member, ended)
    words = [USERNAME, NAME, EMAIL, "xe/xem", *PERSONAL.values(), *CONTENT.values()]
    assert _where_found(app, words) == []
    page = _others_untouched(app, client, member)
    assert "This post was removed" in page and account_deletion.REMOVED_TITLE in page
    assert client.get(f"/threads/{member['solo']}").status_code == 404  # only their posts: gone
    with app.app_context():
        assert db.session.get(Thread, member["thread"]).post_count == 2


def test_keep_leaves_their_posts_as_former_member_and_nothing_else(app, client, member):
    ended = _erase_or_keep(app, client, member, "keep")
    _check_gone(app, client, member, ended)
    assert _where_found(app, [USERNAME, NAME, EMAIL, "xe/xem", *PERSONAL.values()]) == []
    kept = {"posts", "post_revisions", "threads", "chat_messages", "notifications", "post_search"}
    assert {table for table, _, _ in _where_found(app, list(CONTENT.values()))} <= kept
    page = _others_untouched(app, client, member)
    assert CONTENT["first_post"] in page and "Former member" in page
    lounge = client.get("/chat/lounge").get_data(as_text=True)
    assert CONTENT["chat"] in lounge and "Former member" in lounge


def test_a_wrong_password_deletes_nothing(app, client, member):
    _login(client)
    response = _delete(client, "erase", password="not my password at all")
    assert response.status_code == 400
    assert "That is not your password" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, member["id"]).username == USERNAME
        assert db.session.scalar(select(DiaryEntry.notes)) == PERSONAL["diary"]
    assert client.get("/settings/data").status_code == 200  # still signed in


def test_a_choice_is_needed(app, client, member):
    _login(client)
    response = client.post_form("/settings/data/delete", {"password": PASSWORD}, page="/settings/data")
    assert response.status_code == 422
    assert "Please choose what happens" in response.get_data(as_text=True)


def test_the_last_admin_is_refused_in_words(app, client, users, auth):
    auth.login("admin")
    assert "You are the only admin" in client.get("/settings/data").get_data(as_text=True)
    response = _delete(client, "keep")
    assert response.status_code == 409 and "You are the only admin" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, users["admin"]).username == "admin"


def test_a_moderator_may_delete_their_account(app, client, users, auth):
    auth.login("moderator")
    assert _delete(client, "erase").status_code == 302
    with app.app_context():
        assert db.session.get(User, users["moderator"]).role == "member"


def test_the_audit_log_refuses_statements_except_the_scrub(app, users):
    with app.app_context():
        entry = audit.record(None, "warn", reason="Kept for ever")
        db.session.commit()
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.execute(update(AuditEntry).values(reason="Changed"))
        db.session.rollback()
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.execute(AuditEntry.__table__.delete())
        db.session.rollback()
        assert db.session.get(AuditEntry, entry.id).reason == "Kept for ever"
