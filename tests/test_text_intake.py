"""The text intake: one set of limits and words per kind, read by forms and services alike."""

import pytest
from markdown_it import MarkdownIt
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField

from community import text
from community.accounts import services as accounts
from community.accounts.models import User
from community.content import TooComplex, sanitise_html
from community.extensions import db
from community.forums import groups as forum_groups
from community.forums import services as forums
from community.forums.models import Thread
from community.forums.seed import seed_groups
from community.text import BIO, CONTENT_WARNING, KINDS, POST_BODY, TITLE, TextRefused, TextRules, accept_text


def form_errors(kind, value: str) -> list[str]:
    """What a page says of `value` in a field of this kind (no app needed: a bare WTForms form)."""

    class OneField(Form):
        field = StringField(validators=[TextRules(kind)])

    form = OneField(MultiDict({"field": value}))
    form.validate()
    return form.field.errors


def intake_error(value: str, kind) -> str | None:
    try:
        accept_text(value, kind)
    except TextRefused as refused:
        return str(refused)
    return None


def _cases():
    """For every kind: the shortest and longest text taken, and one character past each end."""
    for kind in KINDS.values():
        yield kind, "x" * kind.max_length, None
        yield kind, "x" * (kind.max_length + 1), kind.message("too_long")
        if kind.required:
            yield kind, "x" * kind.min_length, None
            too_short = "too_short" if kind.min_length > 1 else "empty"
            yield kind, "x" * (kind.min_length - 1), kind.message(too_short)
            yield kind, "  \n \t ", kind.message("empty")
        else:
            yield kind, "", None


@pytest.mark.parametrize(
    "kind, value, message", [pytest.param(*case, id=f"{case[0].name}-{len(case[1])}") for case in _cases()]
)
def test_each_kind_has_one_set_of_limits_for_pages_and_services(kind, value, message):
    assert intake_error(value, kind) == message
    assert form_errors(kind, value) == ([message] if message else [])


def test_the_words_name_the_limits_they_come_from():
    assert TITLE.message("too_short") == "A title needs 5 to 150 characters."
    assert POST_BODY.message("too_long") == "A post can be at most 20,000 characters."
    assert POST_BODY.message("empty") == "Please write something before posting."
    assert CONTENT_WARNING.message("too_long") == "Keep the warning under 100 characters."
    assert "2,000" in BIO.message("too_long")
    assert all(
        "{" not in kind.message(problem)
        for kind in KINDS.values()
        for problem in ("empty", "too_short", "too_long")
    )


def test_one_line_kinds_count_only_what_a_reader_sees():
    zwsp = "\u200b"
    assert text.measure(f"  Flare {zwsp * 20}diary\n", TITLE) == "Flare diary"
    assert intake_error(zwsp * 10 + "Hey", TITLE) == "A title needs 5 to 150 characters."
    assert intake_error("x" * 100 + zwsp * 5, CONTENT_WARNING) is None
    accepted = accept_text("a *warned* thing", CONTENT_WARNING)
    assert (accepted.source, accepted.html, accepted.mentions) == ("a *warned* thing", "", {})
    assert accepted.plain == accepted.source


def test_only_what_a_reader_sees_counts_however_far_in_it_is():
    zwsp, zwj = "\u200b", "\u200d"
    empty = POST_BODY.message("empty")
    assert intake_error(zwsp * 200, POST_BODY) == empty
    assert intake_error((zwj + " ") * 100, POST_BODY) == empty
    assert intake_error(" " * 100 + "\n" + zwsp * 100 + "x", POST_BODY) is None
    # A woman in a wheelchair, joined across the point where the first look stops.
    assert intake_error(zwsp * 79 + "\U0001f469" + zwj + "\U0001f9bd", POST_BODY) is None
    assert intake_error(zwsp * 79 + zwj + "\U0001f9bd", POST_BODY) is None


# The forum and account services, through the intake ----------------------------------------


@pytest.fixture
def thread_id(app, users):
    with app.app_context():
        list(seed_groups())
        thread = forums.create_thread(
            db.session.get(User, users["member"]),
            forum_groups.group_by_slug("crps"),
            "A thread about flares",
            "Some words",
        )
        db.session.commit()
        return thread.id


def _refusal(call) -> forums.ForumError:
    with pytest.raises(forums.ForumError) as refused:
        call()
    db.session.rollback()
    return refused.value


def test_a_warning_too_long_is_refused_by_the_page_and_the_service_alike(app, client, auth, users, thread_id):
    """The form refused it while the service quietly cut it to 100; now both refuse it, in the same words."""
    warning = "x" * 101
    with app.app_context():
        member, thread = db.session.get(User, users["member"]), db.session.get(Thread, thread_id)
        error = _refusal(lambda: forums.create_reply(member, thread, "Some words", warning))
        assert (error.field, str(error)) == ("content_warning", "Keep the warning under 100 characters.")
        post = forums.create_reply(member, thread, "Some words", "x" * 100)
        assert post.content_warning == "x" * 100
        edit = _refusal(lambda: forums.edit_post(post, member, "New words", warning))
        assert edit.field == "content_warning"
    auth.login()
    response = client.post_form(
        f"/threads/{thread_id}/reply", {"body": "Some words", "content_warning": warning}
    )
    assert response.status_code == 422
    assert '<p class="error" id="content_warning-error">Keep the warning under 100 characters.</p>' in (
        response.get_data(as_text=True)
    )


@pytest.mark.parametrize(
    "title, refused",
    [
        ("Flare", False),
        ("Hey!", True),
        ("x" * 150, False),
        ("x" * 151, True),
    ],
)
def test_a_five_character_title_is_taken_and_four_are_not(
    app, client, auth, users, thread_id, title, refused
):
    with app.app_context():
        member = db.session.get(User, users["member"])

        def create():
            return forums.create_thread(member, forum_groups.group_by_slug("crps"), title, "Some words")

        if refused:
            error = _refusal(create)
            assert (error.field, str(error)) == ("title", "A title needs 5 to 150 characters.")
        else:
            assert create().title == title
    auth.login()
    response = client.post_form("/groups/crps/new", {"title": title, "body": "Some words"})
    assert response.status_code == (422 if refused else 302)
    assert ("A title needs 5 to 150 characters." in response.get_data(as_text=True)) is refused


def test_a_blank_body_is_refused_by_the_page_and_the_service(app, client, auth, users, thread_id):
    with app.app_context():
        member, thread = db.session.get(User, users["member"]), db.session.get(Thread, thread_id)
        error = _refusal(lambda: forums.create_reply(member, thread, " \n\t\n  "))
        assert (error.field, str(error)) == ("body", "Please write something before posting.")
        assert forums.preview("*soft*") == "<p><em>soft</em></p>"
    auth.login()
    response = client.post_form(f"/threads/{thread_id}/reply", {"body": " \n\t\n  "})
    assert response.status_code == 422
    assert "Please write something before posting." in response.get_data(as_text=True)


def test_a_bio_past_its_limit_is_refused_by_the_settings_page_and_the_service(app, client, auth, users):
    with app.app_context():
        member = db.session.get(User, users["member"])
        with pytest.raises(accounts.AccountError) as refused:
            accounts.update_profile(member, {"bio": "x" * 2001})
        assert (refused.value.field, str(refused.value)) == ("bio", BIO.message("too_long"))
        accounts.update_profile(member, {"bio": "\n\n  Living with **CRPS**.  \n"})
        assert member.bio == "  Living with **CRPS**."  # the first line keeps its indent: it is Markdown
        assert member.bio_html == "<p>Living with <strong>CRPS</strong>.</p>"
        db.session.rollback()
    auth.login()
    response = client.post_form(
        "/settings", {"bio": "x" * 2001, "relationship": "", "theme": "system", "text_size": "normal"}
    )
    assert response.status_code == 422
    assert BIO.message("too_long") in response.get_data(as_text=True)


# The checks ------------------------------------------------------------------------------


def test_the_screens_run_in_order_on_the_cleaned_text_and_any_of_them_can_refuse(monkeypatch):
    seen = []

    def first(source, kind):
        seen.append(("first", source, kind.name))
        return ["flag"] if "calm" in source else []

    def refuse_needles(source, kind):
        seen.append(("second", source, kind.name))
        if "needles" in source:
            raise TextRefused("Please leave out the word “needles” here.")
        return []

    monkeypatch.setattr(text, "TEXT_SCREENS", [first, refuse_needles])
    accepted = accept_text("\n\nA calm day  ", POST_BODY)
    assert accepted.html == "<p>A calm day</p>"
    assert accepted.verdicts == {"flag"}  # what a screen noticed travels with the text
    assert seen == [("first", "A calm day", "post_body"), ("second", "A calm day", "post_body")]

    looked_up = []

    def look_up(source):
        looked_up.append(source)
        return {}

    with pytest.raises(TextRefused, match="leave out the word “needles”"):
        accept_text("Fear of needles @member", POST_BODY, mentions=look_up)
    assert looked_up == []  # a refused text costs no query for its mentions
    with pytest.raises(TextRefused):
        accept_text("Needles and needles", TITLE)  # one-line kinds meet the checks too
    seen.clear()
    assert intake_error("x" * 20_001, POST_BODY) == POST_BODY.message("too_long")
    assert seen == []  # the length comes first


def test_a_check_refuses_a_post_on_the_forum_page_in_its_own_words(monkeypatch, client, auth, thread_id):
    def refuse_needles(source, kind):
        if "needles" in source:
            raise TextRefused("Please leave out the word “needles” here.")
        return []

    monkeypatch.setattr(text, "TEXT_SCREENS", [refuse_needles])
    auth.login()
    response = client.post_form(f"/threads/{thread_id}/reply", {"body": "All about needles"})
    assert response.status_code == 422
    assert '<p class="error" id="body-error">Please leave out the word “needles” here.</p>' in (
        response.get_data(as_text=True)
    )


def test_costly_text_is_a_refusal_like_any_other():
    assert issubclass(TooComplex, TextRefused)
    assert "at most 500 lines" in intake_error("a\n" * 600, POST_BODY)


# What the intake gives back ---------------------------------------------------------------


def test_plain_is_what_a_reader_sees_without_any_marks():
    source = (
        "# Flares\n\n**Bold** and *soft* & [a link](https://example.org)\n\n"
        "> quoted\n\n- one\n- two\n\n`code` ![a cat](https://example.org/cat.png)"
    )
    accepted = accept_text(source, POST_BODY)
    assert accepted.plain == "Flares Bold and soft & a link quoted one two code Image: a cat"
    assert not any(mark in accepted.plain for mark in "<>*#`[]") and "&amp;" not in accepted.plain


def test_mentions_in_code_or_links_are_not_mentions():
    members = {"alice": "Alice", "bob": "Bob", "carol": "Carol", "dana": "Dana"}
    accepted = accept_text(
        "Thanks @alice and `@bob`\n\n    @carol in code\n\n[@dana](https://example.org)",
        POST_BODY,
        mentions=members,
    )
    assert accepted.mentions == {"alice": "Alice"}
    assert '<a href="/u/Alice" class="mention">@Alice</a>' in accepted.html
    assert accept_text("@alice", BIO).mentions == {}  # no lookup given, no links


# Markdown keeps its shape -----------------------------------------------------------------

# CommonMark's own examples (spec sections "Indented code blocks" and "List items") where
# the first line's indentation, or a blank line before it, is the Markdown.
COMMONMARK_EXAMPLES = [
    # Indented code blocks
    ("    a simple\n      indented code block", "<pre><code>a simple\n  indented code block\n</code></pre>"),
    ("  - foo\n\n    bar", "<ul>\n<li>\n<p>foo</p>\n<p>bar</p>\n</li>\n</ul>"),
    ("        foo\n    bar", "<pre><code>    foo\nbar\n</code></pre>"),
    ("\n    \n    foo\n    \n", "<pre><code>foo\n</code></pre>"),
    # List items
    (" -    one\n\n      two", "<ul>\n<li>\n<p>one</p>\n<p>two</p>\n</li>\n</ul>"),
    (
        "    indented code\n\nparagraph\n\n    more code",
        "<pre><code>indented code\n</code></pre>\n<p>paragraph</p>\n<pre><code>more code\n</code></pre>",
    ),
    (
        "1.      indented code\n\n   paragraph\n\n       more code",
        "<ol>\n<li>\n<pre><code> indented code\n</code></pre>\n<p>paragraph</p>\n"
        "<pre><code>more code\n</code></pre>\n</li>\n</ol>",
    ),
    (
        "    1.  A paragraph\n        with two lines.\n\n"
        "            indented code\n\n        > A block quote.",
        "<pre><code>1.  A paragraph\n    with two lines.\n\n        indented code\n\n"
        "    &gt; A block quote.\n</code></pre>",
    ),
]


@pytest.mark.parametrize("source, spec_html", COMMONMARK_EXAMPLES)
def test_the_intake_keeps_commonmarks_shape(source, spec_html):
    commonmark = sanitise_html(MarkdownIt("commonmark").render(source)).strip()
    assert commonmark == sanitise_html(spec_html)  # the example is copied right, and markdown-it agrees
    assert accept_text(source, POST_BODY).html == commonmark
