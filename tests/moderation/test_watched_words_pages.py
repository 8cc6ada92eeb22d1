"""The admins' watched-words page: adding and removing rules, which apply at once; testing a
phrase; export and import as CSV; and nobody but admins may use any of it."""

from __future__ import annotations

import io

import pytest

from community.extensions import db
from community.forums.models import Post, Thread
from community.moderation.models import AuditEntry, ReviewItem, WatchedWord
from tests.conftest import AuthActions

pytestmark = pytest.mark.both_databases

PAGE = "/mod/words"


def _login(client, name):
    return AuthActions(client).login(name)


def _add(client, pattern, action="hold", match_type="word", whole_word=True, note=""):
    data = {"pattern": pattern, "match_type": match_type, "action": action, "note": note}
    if whole_word:
        data["whole_word"] = "y"
    return client.post_form(PAGE, data, page=PAGE)


def _rows(app) -> list[WatchedWord]:
    with app.app_context():
        rows = list(db.session.scalars(db.select(WatchedWord).order_by(WatchedWord.id)))
        db.session.expunge_all()
        return rows


def _audit(app, action) -> list[AuditEntry]:
    with app.app_context():
        entries = list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)))
        db.session.expunge_all()
        return entries


def _import(client, content: bytes | None = None, filename="words.csv", rows=None):
    data = {}
    if content is not None:
        data["file"] = (io.BytesIO(content), filename)
    if rows is not None:
        data["rows"] = rows
    return client.post_form("/mod/words/import", data, page=PAGE)


def test_the_page_explains_the_actions_and_lists_the_rules_by_list(app, client, users, starter_words):
    _login(client, "admin")
    response = client.get(PAGE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Watched words</h1>" in page
    assert 'href="/mod/words" aria-current="page">Watched words</a>' in page  # in the moderators' nav
    for words in ("waits for a moderator", "published at once", "Tier 1", "Tier 2", "kind message"):
        assert words in page
    # Each starter list is a table of its own, named by its heading, with column headers.
    assert "Crisis: method detail or encouragement (tier 2)" in page
    assert "Selling or sourcing medication" in page
    assert 'aria-labelledby="list-1"' in page and '<th scope="col">Pattern</th>' in page
    assert "<code>kys</code>" in page
    assert 'Remove<span class="visually-hidden"> the rule kys</span>' in page
    # Every input has its label.
    for name in ("pattern", "match_type", "action", "whole_word", "note", "file", "rows", "test"):
        assert f'for="{name}"' in page and f'id="{name}"' in page
    assert 'checked id="whole_word"' in page  # whole words by default


def test_the_page_is_one_query_for_the_rules_however_many(app, client, users, starter_words, count_queries):
    _login(client, "admin")
    client.get(PAGE)
    before = count_queries(lambda: client.get(PAGE))
    for number in range(5):
        _add(client, f"extra word {number}")
    assert count_queries(lambda: client.get(PAGE)) == before


def test_an_added_hold_rule_holds_a_trusted_members_thread_at_once(app, client, users, groups):
    _login(client, "admin")
    response = _add(client, "flarebuddy", action="hold", note="A test rule")
    assert response.status_code in (302, 303) and response.headers["Location"].endswith(PAGE)
    assert "The rule “flarebuddy” is saved" in client.get(PAGE).get_data(as_text=True)
    (row,) = _rows(app)
    assert (row.pattern, row.match_type, row.action, row.whole_word, row.note, row.list_key) == (
        "flarebuddy",
        "word",
        "hold",
        True,
        "A test rule",
        "",
    )
    assert row.created_by_id == users["admin"]
    (entry,) = _audit(app, "word_add")
    assert entry.actor_id == users["admin"] and entry.reason == "flarebuddy"
    assert entry.details["rule_action"] == "hold"

    member = app.test_client()
    _login(member, "member")  # trusted: only the rule can hold this
    response = member.post_form(
        "/groups/crps/new", {"title": "A good week", "body": "My FlareBuddy app helps a lot."}
    )
    assert response.status_code in (200, 302)
    with app.app_context():
        thread = db.session.scalar(db.select(Thread).where(Thread.title == "A good week"))
        assert thread.state == "held"
        item = db.session.scalar(db.select(ReviewItem))
        assert "watched_word" in item.reasons and item.held


def test_a_block_rule_refuses_the_post_kindly_and_keeps_the_text(app, client, users, groups):
    _login(client, "admin")
    _add(client, "rudeword", action="block")
    member = app.test_client()
    _login(member, "member")
    response = member.post_form("/groups/crps/new", {"title": "Plain title", "body": "You are a RudeWord."})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "includes words our community guidelines" in page and "You are a RudeWord." in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(a+)+$", "takes too long to check"),
        ("(", "does not compile"),
        ("*", "would match every post"),
        ("", "Please enter a word"),
    ],
)
def test_a_bad_pattern_is_refused_with_its_reason_tied_to_the_field(app, client, users, pattern, message):
    _login(client, "admin")
    match_type = "wildcard" if pattern == "*" else "regex"
    response = _add(client, pattern, match_type=match_type, action="flag", note="kept note")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'aria-describedby="pattern-hint pattern-error"' in page and 'id="pattern-error"' in page
    assert 'aria-invalid="true"' in page and 'class="error-summary"' in page
    # What was typed is still there.
    assert f'id="pattern" name="pattern" type="text" value="{pattern}"' in page
    assert 'value="kept note"' in page and f'<option selected value="{match_type}">' in page
    assert '<option selected value="flag">' in page and 'checked id="whole_word"' in page
    assert _rows(app) == [] and _audit(app, "word_add") == []


def test_a_rule_that_is_here_already_is_refused(app, client, users):
    _login(client, "admin")
    _add(client, "oxy*", match_type="wildcard", action="hold")
    response = _add(client, "oxy*", match_type="wildcard", action="hold")
    assert response.status_code == 422 and "That rule is here already" in response.get_data(as_text=True)
    # The same pattern with another action is another rule.
    assert _add(client, "oxy*", match_type="wildcard", action="flag").status_code in (302, 303)
    assert len(_rows(app)) == 2


def test_testing_a_phrase_names_the_rules_that_match(app, client, users, starter_words):
    _login(client, "admin")
    _add(client, "flarebuddy", action="flag")
    page = client.get(PAGE, query_string={"test": "Honestly, kys. Also FlareBuddy!"}).get_data(as_text=True)
    assert "2 rules match this phrase" in page
    assert "<code>kys</code>" in page and "“kys”" in page
    assert "<code>flarebuddy</code>" in page and "“FlareBuddy”" in page
    assert "Publish and flag for review" in page and "Crisis, tier 2" in page
    assert "Honestly, kys. Also FlareBuddy!</textarea>" in page  # the phrase stays in the box

    page = client.get(PAGE, query_string={"test": "A calm day with my cat"}).get_data(as_text=True)
    assert "No rule matches this phrase." in page
    page = client.get(PAGE, query_string={"test": "   "}).get_data(as_text=True)
    assert "Please type a phrase to test." in page
    # Only the first 1,000 characters are tested (the phrase travels in the address).
    page = client.get(PAGE, query_string={"test": "calm " * 200 + "kys"}).get_data(as_text=True)
    assert "Only the first 1,000 characters were tested." in page and "No rule matches" in page


def test_removing_a_rule_is_audited_and_applies_at_once(app, client, users, groups, watch_word):
    watch_word("flarebuddy", action="block")
    (row,) = _rows(app)
    _login(client, "admin")
    assert "flarebuddy" in client.get(PAGE, query_string={"test": "flarebuddy"}).get_data(as_text=True)
    response = client.post_form(f"/mod/words/{row.id}/remove", {}, page=PAGE)
    assert response.status_code in (302, 303)
    assert "The rule “flarebuddy”" in client.get(PAGE).get_data(as_text=True)
    assert _rows(app) == []
    (entry,) = _audit(app, "word_remove")
    assert entry.reason == "flarebuddy" and entry.actor_id == users["admin"]
    assert client.post_form(f"/mod/words/{row.id}/remove", {}, page=PAGE).status_code == 404

    member = app.test_client()
    _login(member, "member")
    response = member.post_form("/groups/crps/new", {"title": "Hello", "body": "flarebuddy is fine now"})
    assert response.status_code == 302


def test_export_then_import_gives_back_the_same_rules(app, client, users, starter_words):
    _login(client, "admin")
    count = len(_rows(app))
    response = client.get("/mod/words/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="watched-words.csv"'
    exported = response.get_data()
    assert exported.startswith(b"\xef\xbb\xbfpattern,match_type,action,whole_word,note")

    with app.app_context():
        db.session.execute(db.delete(WatchedWord))
        db.session.commit()
    response = _import(client, exported)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Added: {count} rules." in page and "Skipped: 0 rules" in page
    rows = _rows(app)
    assert len(rows) == count and all(row.list_key == "" for row in rows)
    (entry,) = _audit(app, "words_import")
    assert entry.details == {"added": count, "skipped": 0, "problems": 0}

    # The same file again adds nothing: every rule is a duplicate.
    page = _import(client, exported).get_data(as_text=True)
    assert "Added: 0 rules." in page and f"Skipped: {count} rules that were here already" in page
    assert len(_rows(app)) == count
    # And the rules work: a starter phrase is found again.
    assert "<code>kys</code>" in client.get(PAGE, query_string={"test": "kys"}).get_data(as_text=True)


def test_an_import_with_bad_lines_reports_them_and_keeps_the_good_ones(app, client, users):
    _login(client, "admin")
    content = (
        b"pattern,match_type,action,whole_word,note\n"
        b"good phrase,word,hold,true,A good one\n"
        b"(,regex,hold,true,\n"
        b"another phrase,word,shout,true,\n"
        b"good phrase,word,hold,true,The same again\n"
        b"pill*,wildcard,flag,no,\n"
    )
    response = _import(client, b"\xef\xbb\xbf" + content)  # with a byte order mark
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Added: 2 rules." in page and "Skipped: 1 rule that was here already" in page
    assert "Line 3: That regular expression does not compile" in page
    assert "Line 4: The action must be one of" in page
    rows = _rows(app)
    assert [(row.pattern, row.action, row.whole_word) for row in rows] == [
        ("good phrase", "hold", True),
        ("pill*", "flag", False),
    ]
    assert rows[0].note == "A good one" and rows[0].created_by_id == users["admin"]


def test_rows_can_be_pasted_instead_of_a_file(app, client, users):
    _login(client, "admin")
    response = _import(client, rows="pattern,action\nflarebuddy,crisis\n")
    assert response.status_code == 200 and "Added: 1 rule." in response.get_data(as_text=True)
    assert [(row.pattern, row.action) for row in _rows(app)] == [("flarebuddy", "crisis")]


@pytest.mark.parametrize(
    ("content", "rows", "message"),
    [
        (None, None, "Please choose a CSV file to import, or paste its rows."),
        (b"", None, "The file is empty."),
        ("pattern\nCafé olé\n".encode("cp1252"), None, "not saved as UTF-8"),
        ("pattern\nflare\n".encode("utf-16-le"), None, "not saved as UTF-8"),
        (b"name,action\nflare,hold\n", None, "The first line must name the columns"),
        (b"pattern,match_type\n(,regex\n", None, "Line 2: That regular expression does not compile"),
        (b"pattern\nflare\n", "pattern\nflare\n", "choose a file or paste rows, not both"),
        (b"pattern\n" + b"x" * 1_000_001, None, "larger than 1 MB"),
    ],
)
def test_an_unreadable_import_is_refused_and_adds_nothing(app, client, users, content, rows, message):
    _login(client, "admin")
    response = _import(client, content, rows=rows)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'id="file-error"' in page and 'aria-describedby="file-hint file-error"' in page
    assert _rows(app) == [] and _audit(app, "words_import") == []


def _every_route(row_id: int):
    return [
        ("get", PAGE),
        ("get", PAGE + "?test=kys"),
        ("get", "/mod/words/export.csv"),
        ("post", PAGE),
        ("post", f"/mod/words/{row_id}/remove"),
        ("post", "/mod/words/import"),
    ]


@pytest.mark.parametrize("who", ["moderator", "member"])
def test_only_admins_may_use_the_words_pages(app, client, users, watch_word, who):
    watch_word("flarebuddy")
    (row,) = _rows(app)
    _login(client, who)
    for method, path in _every_route(row.id):
        if method == "get":
            response = client.get(path)
        else:
            response = client.post_form(path, {"pattern": "x", "rows": "pattern\nx\n"}, page="/")
        assert response.status_code == 403, f"{who} {method} {path}"
    assert len(_rows(app)) == 1
    assert "Watched words" not in client.get("/mod/").get_data(as_text=True)


def test_visitors_are_sent_to_sign_in(app, client, users, watch_word):
    watch_word("flarebuddy")
    (row,) = _rows(app)
    for method, path in _every_route(row.id):
        if method == "get":
            response = client.get(path)
        else:
            response = client.post_form(path, {"pattern": "x"}, page="/auth/login")
        assert response.status_code == 302, f"{method} {path}"
        assert "/auth/login" in response.headers["Location"]
    assert len(_rows(app)) == 1


def test_pasted_rows_with_no_good_line_keep_the_text_and_say_why(app, client, users):
    _login(client, "admin")
    response = _import(client, rows="pattern,match_type\n(,regex\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="rows-error"' in page and "Line 2: That regular expression does not compile" in page
    assert "pattern,match_type\n(,regex\n</textarea>" in page
    assert _rows(app) == []
