"""The diary is its owner's alone: other members, moderators and admins reach nothing of it
(404), visitors are sent to sign in, and its words never reach search, notifications, the
review queue, the audit log, the logs or any table outside the diary's own."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community.database import utcnow
from community.extensions import db
from community.moderation.models import AuditEntry, ReviewItem
from community.notifications.models import Notification

pytestmark = pytest.mark.both_databases

SECRET = "zebracornish"  # a word nobody else on the site writes
DAY = (utcnow() - timedelta(days=3)).date().isoformat()


def _write_everything(diary) -> tuple:
    client = diary.signed_in("member")
    client.post_form("/diary/", {"pain_average": "6", "mood": "2"})
    entry = {
        "pain_average": "7",
        "notes": f"My {SECRET} notes, @other_member and @moderator",
        "triggers_other": f"{SECRET} trigger",
        "qualities_other": f"{SECRET} feeling",
        "treatments_other": f"{SECRET} tablets",
    }
    assert client.post_form(f"/diary/{DAY}", entry).status_code == 302
    assert client.post_form("/diary/flares", {"pain": "9", "note": f"{SECRET} flare"}).status_code == 302
    flare_id = diary.flares("member")[0].id
    return client, flare_id


def _diary_urls(flare_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", "/diary/"),
        ("POST", "/diary/"),
        ("GET", f"/diary/{DAY}"),
        ("POST", f"/diary/{DAY}"),
        ("GET", f"/diary/{DAY}/delete"),
        ("POST", f"/diary/{DAY}/delete"),
        ("GET", "/diary/flares"),
        ("POST", "/diary/flares"),
        ("POST", f"/diary/flares/{flare_id}/delete"),
        ("POST", "/diary/reminders"),
        ("GET", "/diary/day?on=2024-01-01"),
    ]


@pytest.mark.parametrize("who", ["other", "moderator", "admin"])
def test_nobody_else_reaches_a_members_diary(diary, who):
    _, flare_id = _write_everything(diary)
    client = diary.signed_in(who)
    token = client.csrf_token("/diary/")
    # What points at the member's rows is not there for anyone else.
    assert client.post(f"/diary/flares/{flare_id}/delete", data={"csrf_token": token}).status_code == 404
    assert client.get(f"/diary/{DAY}/delete").status_code == 404
    assert client.post(f"/diary/{DAY}/delete", data={"csrf_token": token}).status_code == 404
    # Their own diary pages show nothing of the member's.
    for path in ("/diary/", f"/diary/{DAY}", "/diary/flares"):
        response = client.get(path)
        assert response.status_code == 200
        assert SECRET not in response.get_data(as_text=True), path
    assert diary.entry("member", utcnow().date() - timedelta(days=3)).pain_average == 7
    assert len(diary.flares("member")) == 1


def test_visitors_are_sent_to_sign_in(client, diary):
    _, flare_id = _write_everything(diary)
    for method, path in _diary_urls(flare_id):
        response = client.open(path, method=method)
        if method == "POST" and response.status_code == 400:  # the CSRF check comes first
            continue
        assert response.status_code == 302, f"{method} {path}"
        assert "/auth/login" in response.headers["Location"], f"{method} {path}"


def test_a_member_who_may_not_keep_a_diary_gets_404(app, diary):
    client = diary.signed_in("member")
    with app.app_context():
        diary.user("member").standing = "suspended"  # standing.SUSPENDED, with no end
        db.session.commit()
    response = client.get("/diary/")
    assert response.status_code in (302, 404)  # a suspended member's session may already be over
    assert SECRET not in response.get_data(as_text=True)


def _words_outside_the_diary(app, word: str) -> list[str]:
    """Every table but the diary's own, every row, every column: where `word` appears."""
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name.startswith("diary_"):
                continue
            for row in db.session.execute(table.select()):
                if word.lower() in repr(tuple(row)).lower():
                    found.append(table.name)
    return found


def test_diary_words_go_nowhere_else(app, diary, caplog):
    caplog.set_level(logging.DEBUG)
    client, _ = _write_everything(diary)
    assert _words_outside_the_diary(app, SECRET) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0  # @mentions too
        assert db.session.scalar(select(func.count()).select_from(ReviewItem)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    for searcher in (client, diary.signed_in("moderator")):
        page = searcher.get(f"/search?q={SECRET}").get_data(as_text=True)
        assert "/diary/" not in page.split('id="main"', 1)[-1].split("<footer", 1)[0].replace(
            'href="/diary/"', ""
        )
        assert f"{SECRET} notes" not in page and f"{SECRET} flare" not in page
    assert not [r for r in caplog.records if SECRET in r.getMessage()]


def test_block_words_and_crisis_phrases_in_a_diary_are_kept_and_queue_nothing(
    app, diary, watch_word, starter_words
):
    watch_word("quokkaphrase", action="block")
    watch_word("wombatword", action="hold")
    client = diary.signed_in("member")
    notes = "quokkaphrase and wombatword. Some nights I just want to die."
    response = client.post_form(f"/diary/{DAY}", {"notes": notes})
    assert response.status_code == 302
    flare = client.post_form("/diary/flares", {"note": "quokkaphrase, what would be a lethal dose"})
    assert flare.status_code == 302
    entry = diary.entry("member", utcnow().date() - timedelta(days=3))
    assert entry.notes == notes
    assert diary.flares("member")[0].note.startswith("quokkaphrase")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReviewItem)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_every_diary_query_goes_through_owned():
    """One place reads diary rows: grep the diary's code for a bare select of a diary model."""
    from pathlib import Path

    import community.diary as package

    for path in Path(package.__file__).parent.glob("*.py"):
        text = path.read_text()
        for model in ("DiaryEntry", "FlareNote", "DiaryTag", "DiarySettings"):
            assert f"select({model}" not in text, f"{path.name} selects {model} without owned()"
            assert f"get({model}" not in text and f"get_or_404({model}" not in text, path.name
