"""One unit of work: services flush, the request commits once, and what leaves the
process (mail, emits) runs from named events only after that commit."""

import re
from pathlib import Path

import pytest

from community import events, unit_of_work
from community.extensions import db
from community.forums.models import Post

pytestmark = pytest.mark.both_databases


@pytest.fixture
def heard():
    """Every post_created event sent while the test runs."""
    received = []

    def listen(sender, **payload):
        received.append(payload)

    events.post_created.connect(listen)
    yield received
    events.post_created.disconnect(listen)


def test_a_failure_in_the_notification_step_leaves_no_post_and_sends_nothing(
    app, client, auth, forum, heard, monkeypatch
):
    thread_id = forum.thread()
    heard.clear()
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(Post))

    def broken(*args, **kwargs):
        raise RuntimeError("the notification step failed")

    monkeypatch.setattr("community.forums.notifications.after_new_post", broken)
    auth.login("other_member")
    response = client.post_form(
        f"/threads/{thread_id}/reply", {"body": "This must not be half-saved"}, page=f"/threads/{thread_id}"
    )
    assert response.status_code == 500
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == before
    assert heard == []


def test_a_reply_sends_its_event_once_after_the_commit(app, client, auth, forum, heard):
    thread_id = forum.thread()
    heard.clear()
    auth.login("other_member")
    client.post_form(f"/threads/{thread_id}/reply", {"body": "Hello there"}, page=f"/threads/{thread_id}")
    assert len(heard) == 1 and heard[0]["thread_id"] == thread_id and heard[0]["first"] is False


def test_reset_mail_is_queued_only_when_the_request_commits(app, users, monkeypatch):
    from community.accounts import services

    queued = []
    monkeypatch.setattr(services, "send_later", lambda job, *args: queued.append(args))
    with app.test_request_context("/auth/reset", method="POST"):
        services.request_reset("member@example.org")
        assert queued == []  # asked for, not yet committed
        unit_of_work.rollback()
        assert queued == []  # rolled back: never sent
        services.request_reset("member@example.org")
        unit_of_work.commit()
        assert queued == [("member@example.org", "http://localhost")]


def test_only_the_unit_of_work_commits():
    """Services flush; a commit anywhere else in the app would split a request in two."""
    root = Path(__file__).resolve().parents[2] / "community"
    allowed = {root / "unit_of_work.py"}
    commits = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        if path not in allowed
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\.commit\(\)", line) and "unit_of_work" not in line
    ]
    assert commits == []
