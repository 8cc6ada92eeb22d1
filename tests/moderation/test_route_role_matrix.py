"""Every moderation route and action, and every forum write path, asked by each kind of person.

One table (TABLE) says, for each request, what each of seven roles gets back:

    visitor    not signed in
    newcomer   a new member (not yet trusted)
    member     an established (trusted) member
    silenced   a member a moderator silenced before the request: reads, but never writes
    suspended  a member who signed in and was then suspended: the session no longer works,
               so they are answered exactly as a visitor is
    moderator  a moderator
    admin      an admin

LOGIN in the table means "302 to /auth/login"; any other 302 or 303 must go somewhere else. Every case
gets fresh targets (a thread by another member, a review item, a member to sanction), so one action
never changes what another case sees. One app serves the whole table: building it once keeps the
few hundred cases quick, and the fresh targets keep them independent.

test_every_moderation_route_and_action_has_a_row fails when a route or an action is added with no row.
"""

from __future__ import annotations

import io
import string
from itertools import count
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from community import unit_of_work
from community.accounts.models import User
from community.accounts.services import create_user
from community.extensions import db
from community.forums import groups as forum_groups
from community.forums import services as forum_services
from community.forums.models import Post
from community.forums.seed import seed_groups
from community.moderation import queue, sanctions
from community.moderation import views as moderation_views
from community.moderation.models import SavedReply, WatchedWord
from tests.conftest import make_app
from tests.helpers import PASSWORD, Client, csrf_token_in

ROLES = ("visitor", "newcomer", "member", "silenced", "suspended", "moderator", "admin")
LOGIN = "login"  # 302 to the sign-in page
SIGNED_OUT = {"visitor": LOGIN, "suspended": LOGIN}


# Who gets what, by the rule a route follows. Each takes the answer for those it allows, and overrides.
def review(ok: int, **overrides: Any) -> dict[str, Any]:
    """The "review" rule (and the forums' "moderate"): moderators and admins."""
    staff = {"newcomer": 403, "member": 403, "silenced": 403, "moderator": ok, "admin": ok}
    return SIGNED_OUT | staff | overrides


def admins(ok: int, **overrides: Any) -> dict[str, Any]:
    """The "manage_words" rule: admins only."""
    return review(ok, moderator=403) | overrides


def writers(ok: int, **overrides: Any) -> dict[str, Any]:
    """standing.may_write: signed in and in good standing. A silenced member reads, never writes."""
    good_standing = {"newcomer": ok, "member": ok, "silenced": 403, "moderator": ok, "admin": ok}
    return SIGNED_OUT | good_standing | overrides


def signed_in(ok: int, **overrides: Any) -> dict[str, Any]:
    """Anyone signed in, silenced too: a member's own safety tools and settings."""
    return writers(ok, silenced=ok) | overrides


class Row(NamedTuple):
    method: str
    path: str  # placeholders: see TARGETS
    data: dict | None
    expect: dict[str, Any]
    awaiting: str = ""  # a module being written: the row is skipped while its route does not exist yet


REASON = {"duration": "7", "reason": "Repeated spam after a warning"}
WORDS = "community/moderation/words_views.py"
NEW_WORD = {
    "match_type": "word",
    "action": "hold",
    "whole_word": "y",
    "note": "",
}  # as the page's form sends it

TABLE: list[Row] = [
    # The review queue and its items.
    Row("GET", "/mod/", None, review(200)),
    Row("GET", "/mod/?view=resolved", None, review(200)),
    Row("GET", "/mod/items/{item}", None, review(200)),
    Row("GET", "/mod/items/2147483647", None, review(404)),
    Row("POST", "/mod/items/{item}/claim", {}, review(302)),
    Row("POST", "/mod/items/{item}/release", {}, review(302)),
    Row("POST", "/mod/items/{item}/approve", {"note": "Fine as it is"}, review(302)),
    Row("POST", "/mod/items/{item}/hide", {"reason": "Advertising"}, review(302)),
    Row("POST", "/mod/items/{item}/dismiss", {}, review(302)),
    Row("POST", "/mod/items/{item}/escalate", {"note": "A lead should see this"}, review(302)),
    Row("POST", "/mod/items/{item}/de_escalate", {}, review(302)),
    Row("POST", "/mod/items/{item}/note", {"note": "Asked the author by message"}, review(302)),
    Row("POST", "/mod/items/{item}/hide", {}, review(303)),  # no reason: back to the item, nothing done
    Row("POST", "/mod/items/{item}/explode", {}, review(404)),
    # Members: their standing and history, and what moderators do about them.
    Row("GET", "/mod/users/{plain}", None, review(200)),
    Row("GET", "/mod/users/{mod_target}", None, review(200)),
    Row("GET", "/mod/users/nobody-by-this-name", None, review(404)),
    Row("POST", "/mod/users/{plain}/warn", {"message": "Please be gentle in replies."}, review(302)),
    Row("POST", "/mod/users/{plain}/silence", REASON, review(302)),
    Row("POST", "/mod/users/{plain}/suspend", REASON, review(302)),
    Row("POST", "/mod/users/{silenced_target}/lift", {"reason": "Apologised"}, review(302)),
    Row("POST", "/mod/users/{plain}/trust", {}, review(302)),
    Row("POST", "/mod/users/{plain}/untrust", {}, review(302)),
    Row("POST", "/mod/users/{plain}/remove_spammer", {"confirm": "yes"}, review(302)),
    Row("POST", "/mod/users/{plain}/remove_spammer", {}, review(303)),  # not confirmed: nothing done
    Row("POST", "/mod/users/{plain}/explode", {}, review(404)),
    # Only admins act on moderators; nobody on an admin, or on themself.
    Row("POST", "/mod/users/{mod_target}/silence", REASON, review(302, moderator=403)),
    Row("POST", "/mod/users/{mod_target}/warn", {"message": "Please slow down."}, review(302, moderator=403)),
    Row("POST", "/mod/users/{admin_target}/suspend", REASON, review(403)),
    Row("POST", "/mod/users/{admin_target}/warn", {"message": "Please slow down."}, review(403)),
    Row("POST", "/mod/users/{self}/silence", REASON, review(403)),
    # The audit log and saved replies.
    Row("GET", "/mod/log", None, review(200)),
    Row("GET", "/mod/log?moderator=lead&action=warn", None, review(200)),
    Row("GET", "/mod/log?member={plain}", None, review(200)),
    Row("GET", "/mod/replies", None, review(200)),
    Row("POST", "/mod/replies", {"title": "Welcome", "body": "Welcome, and thank you."}, review(302)),
    Row("POST", "/mod/replies", {"title": "", "body": ""}, review(422)),
    Row("POST", "/mod/replies", {"delete": "{reply}"}, review(302)),
    # Watched words: admins only. Adding and removing answer 303; an import shows what it added (200).
    Row("GET", "/mod/words", None, admins(200), WORDS),
    Row("GET", "/mod/words?test=selling+my+oxys", None, admins(200), WORDS),
    Row("GET", "/mod/words/export.csv", None, admins(200), WORDS),
    Row("POST", "/mod/words", {**NEW_WORD, "pattern": "{fresh_word}"}, admins(303), WORDS),
    Row("POST", "/mod/words", {**NEW_WORD, "pattern": ""}, admins(422), WORDS),
    Row("POST", "/mod/words/{word}/remove", {}, admins(303), WORDS),
    Row("POST", "/mod/words/import", {"file": "{csv_file}"}, admins(200), WORDS),
    # Members' flags: anyone who may write, on what they did not write themselves.
    Row("GET", "/flag/post/{post}", None, writers(200)),
    Row("POST", "/flag/post/{post}", {"reason": "spam"}, writers(302)),
    Row("POST", "/flag/post/{own_post}", {"reason": "spam"}, writers(403)),
    Row("GET", "/flag/user/{plain_id}", None, writers(200)),
    Row("POST", "/flag/user/{plain_id}", {"reason": "unkind"}, writers(302)),
    Row("POST", "/flag/user/{self_id}", {"reason": "unkind"}, writers(403)),
    Row("GET", "/flag/post/2147483647", None, writers(404, silenced=404)),
    # Blocking and muted words: a member's own safety, kept while silenced. Staff can't be blocked.
    Row("POST", "/u/{plain}/block", {}, signed_in(302)),
    Row("POST", "/u/{plain}/unblock", {}, signed_in(302)),
    Row("POST", "/u/{mod_target}/block", {}, signed_in(403)),
    Row("POST", "/u/{self}/block", {}, signed_in(403)),
    Row("GET", "/settings/safety", None, signed_in(200)),
    Row("POST", "/settings/safety", {"words": "weather\nflare"}, signed_in(302)),
    # Thread tools: the "moderate" rule, moderators and admins.
    Row("POST", "/threads/{thread}/pin", {"pinned": "1"}, review(302)),
    Row("POST", "/threads/{thread}/lock", {"locked": "1"}, review(302)),
    Row("POST", "/threads/{thread}/tools", {"tool": "slow_mode", "seconds": "60"}, review(302)),
    Row("POST", "/threads/{thread}/tools", {"tool": "hide", "reason": "Off topic"}, review(302)),
    Row("POST", "/threads/{thread}/tools", {"tool": "move", "group": "sleep-fatigue"}, review(302)),
    Row("POST", "/threads/{thread}/tools", {"tool": "explode"}, review(400)),
    Row("GET", "/posts/{post}/revisions", None, review(200)),
    # The forum's write paths: a sanction must hold on every one of them.
    Row("GET", "/threads/{thread}", None, signed_in(200, visitor=404, suspended=404)),  # members-only group
    Row("GET", "/groups/crps/new", None, writers(200)),
    Row("POST", "/groups/crps/new", {"title": "A brand new thread", "body": "Some words"}, writers(302)),
    Row("POST", "/threads/{thread}/reply", {"body": "A reply with some words"}, writers(302)),
    Row("POST", "/posts/{post}/react", {"reaction": "support:on"}, writers(302)),
    Row("GET", "/posts/{own_post}/edit", None, writers(200)),
    Row(
        "POST", "/posts/{own_post}/edit", {"title": "A changed title", "body": "Changed words"}, writers(302)
    ),
    Row("POST", "/posts/{post}/edit", {"title": "A changed title", "body": "Changed words"}, review(302)),
    # A silenced member may still take back what they shared: it is their story.
    Row("GET", "/posts/{own_post}/delete", None, writers(200, silenced=200)),
    Row("POST", "/posts/{own_post}/delete", {}, writers(302, silenced=302)),
    Row("POST", "/posts/{post}/delete", {}, review(403)),  # moderators hide; only authors remove
    Row("POST", "/threads/{thread}/watch", {"watching": "1"}, signed_in(302)),
]


# The world: one app, one signed-in browser per role -----------------------------------------------


class World:
    def __init__(self, app):
        self.app = app
        self.ids: dict[str, int] = {}
        self.clients: dict[str, Client] = {}
        self.tokens: dict[str, str] = {}
        self.serial = count(1)

    def user(self, name: str) -> User:
        return db.session.get(User, self.ids[name])

    def new_user(self, prefix: str, role: str = "member", trusted: bool = True) -> User:
        name = f"{prefix}{next(self.serial)}"
        return create_user(name, f"{name}@example.org", PASSWORD, role=role, trusted=trusted)

    def actor(self, role: str) -> User:
        """Who makes the request; for visitors and suspended members, targets that need an author
        are written by another member (their requests never get as far as the target)."""
        return self.user(role if role not in SIGNED_OUT else "other")

    def thread(self, author: User) -> int:
        thread = forum_services.create_thread(
            author, forum_groups.group_by_slug("crps"), "A thread about flares", "Some **text**"
        )
        db.session.flush()
        return thread.id

    def first_post(self, thread_id: int) -> int:
        return db.session.scalar(db.select(Post.id).where(Post.thread_id == thread_id).order_by(Post.id))


def _item(world: World, role: str):
    return queue.queue_item("post", world.first_post(world.thread(world.user("other"))), "spam").id


def _silenced_target(world: World, role: str):
    member = world.new_user("quiet")
    sanctions.silence(world.user("lead"), member, "7", "Heated replies")
    return member.username


def _csv_file(world: World, role: str):
    return (
        io.BytesIO(f"pattern,match_type,action\nimported{next(world.serial)},word,hold\n".encode()),
        "w.csv",
    )


def _word(world: World, role: str):
    word = WatchedWord(pattern=f"removable{next(world.serial)}", action="hold", match_type="word")
    db.session.add(word)
    db.session.flush()
    return word.id


def _reply(world: World, role: str):
    reply = SavedReply(title="Old template", body="Words", created_by_id=world.ids["lead"])
    db.session.add(reply)
    db.session.flush()
    return reply.id


# Each placeholder the table uses, made fresh for every case that uses it.
TARGETS = {
    "item": _item,
    "thread": lambda world, role: world.thread(world.user("other")),
    "post": lambda world, role: world.first_post(world.thread(world.user("other"))),
    "own_post": lambda world, role: world.first_post(world.thread(world.actor(role))),
    "plain": lambda world, role: world.new_user("plain", trusted=False).username,
    "plain_id": lambda world, role: world.new_user("plain").id,
    "silenced_target": _silenced_target,
    "mod_target": lambda world, role: world.new_user("colleague", role="moderator").username,
    "admin_target": lambda world, role: world.new_user("boss", role="admin").username,
    "self": lambda world, role: world.actor(role).username,
    "self_id": lambda world, role: world.actor(role).id,
    "reply": _reply,
    "word": _word,
    "fresh_word": lambda world, role: f"fresh{next(world.serial)}",
    "csv_file": _csv_file,
}
ACCOUNTS = {  # username, role, trusted
    "member": ("member", "member", True),
    "other": ("other_member", "member", True),
    "newcomer": ("newcomer", "member", False),
    "silenced": ("silenced", "member", True),
    "suspended": ("suspended", "member", True),
    "moderator": ("moderator", "moderator", True),
    "admin": ("admin", "admin", True),
    "lead": ("lead", "moderator", True),  # sets the scene (silences, templates); never makes a request
}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _token(client: Client) -> str:
    """The session's CSRF token, from a page that carries it whoever is (or isn't) signed in."""
    page = client.get("/auth/login", follow_redirects=True)
    return csrf_token_in(page.get_data(as_text=True))


def _sign_in(client: Client, username: str) -> None:
    response = client.post_form("/auth/login", {"login": username, "password": PASSWORD})
    assert response.status_code == 302, f"{username} could not sign in"
    assert client.get("/settings/safety").status_code == 200, f"{username} is not signed in"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    app = make_app(MAIL_OUTBOX=str(tmp_path_factory.mktemp("outbox")))
    app.test_client_class = Client
    world = World(app)
    with app.app_context():
        db.create_all()
        list(seed_groups())
        for key, (username, role, trusted) in ACCOUNTS.items():
            world.ids[key] = create_user(username, f"{username}@example.org", PASSWORD, role, trusted).id
        db.session.commit()
    for role in ROLES:
        client = world.clients[role] = app.test_client()
        if role != "visitor":
            _sign_in(client, ACCOUNTS[role][0])
    with app.app_context():
        sanctions.silence(world.user("lead"), world.user("silenced"), "7", "Heated replies")
        # Signed in above, and that session worked; suspending ends it.
        sanctions.suspend(world.user("lead"), world.user("suspended"), "7", "Spam")
        unit_of_work.commit()
    for role in ROLES:
        world.tokens[role] = _token(world.clients[role])
    yield world
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _endpoint(app, row: Row) -> str | None:
    """The endpoint the row's request reaches (any id will do), or None when nothing is routed there."""
    path = urlsplit(row.path.format(**dict.fromkeys(TARGETS, "1"))).path
    try:
        return app.url_map.bind("localhost").match(path, method=row.method)[0]
    except (NotFound, MethodNotAllowed):
        return None


def _fill(world: World, role: str, row: Row) -> tuple[str, dict | None]:
    """The row's path and form with fresh targets for this case."""
    texts = [row.path, *[v for v in (row.data or {}).values() if isinstance(v, str)]]
    names = set().union(*(_placeholders(text) for text in texts))
    with world.app.app_context():
        values = {name: TARGETS[name](world, role) for name in sorted(names)}
        unit_of_work.commit()
    data = None
    if row.data is not None:
        data = {}
        for key, value in row.data.items():
            whole = value[1:-1] if isinstance(value, str) and value[:1] + value[-1:] == "{}" else None
            if whole in values:
                data[key] = values[whole]  # the target itself: an id, or a file to upload
            else:
                data[key] = value.format(**values) if isinstance(value, str) else value
    return row.path.format(**values), data


def _matches(expected: Any, response) -> bool:
    location = urlsplit(response.headers.get("Location", "")).path
    if expected == LOGIN:
        return response.status_code == 302 and location.startswith("/auth/login")
    if response.status_code in (301, 302, 303) and location.startswith("/auth/login"):
        return False  # a redirect to sign in is not the answer an allowed role expects
    return response.status_code == expected


CASES = [(row, role) for row in TABLE for role in ROLES]
CASE_IDS = [f"{role}:{row.method} {row.path}#{number}" for number, row in enumerate(TABLE) for role in ROLES]


@pytest.mark.parametrize("row, role", CASES, ids=CASE_IDS)
def test_each_role_gets_the_answer_the_table_gives(world, row, role):
    if row.awaiting and _endpoint(world.app, row) is None:
        pytest.skip(f"{row.method} {row.path} is not routed yet ({row.awaiting} is being written)")
    path, data = _fill(world, role, row)
    client = world.clients[role]
    if row.method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data={**(data or {}), "csrf_token": world.tokens[role]})
    expected = row.expect[role]
    assert _matches(expected, response), (
        f"{role} {row.method} {path}: expected {expected}, got {response.status_code}"
        f" {response.headers.get('Location', '')}"
    )


def test_the_table_has_an_answer_for_every_role():
    for row in TABLE:
        assert set(row.expect) == set(ROLES), f"{row.method} {row.path}"


def test_every_moderation_route_and_action_has_a_row(world):
    """A new moderation route (or method on one), item action or member action fails here until the
    table has a row for it; so do the thread tools and the forum's write paths."""
    app = world.app
    covered = set()
    for row in TABLE:
        endpoint = _endpoint(app, row)
        assert endpoint or row.awaiting, f"{row.method} {row.path} matches no route"
        covered.add((endpoint, row.method))
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("moderation.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    forum_routes = {
        ("forums.pin", "POST"),
        ("forums.lock", "POST"),
        ("forums.thread_tools", "POST"),
        ("forums.revisions", "GET"),
        ("forums.new_thread", "GET"),
        ("forums.new_thread", "POST"),
        ("forums.reply", "POST"),
        ("forums.react", "POST"),
        ("forums.edit_post", "GET"),
        ("forums.edit_post", "POST"),
        ("forums.delete_post", "GET"),
        ("forums.delete_post", "POST"),
    }
    assert (routes | forum_routes) - covered == set(), "routes with no row in TABLE"

    def actions(prefix: str) -> set[str]:
        return {
            row.path.rsplit("/", 1)[1]
            for row in TABLE
            if row.method == "POST" and row.path.startswith(prefix) and row.expect["moderator"] == 302
        }

    assert set(moderation_views.ITEM_ACTIONS) - actions("/mod/items/") == set(), "item actions with no row"
    assert set(moderation_views.MEMBER_ACTIONS) - actions("/mod/users/") == set(), (
        "member actions with no row"
    )
    flagged = {row.path.split("/")[2] for row in TABLE if row.path.startswith("/flag/")}
    assert {"post", "user"} - flagged == set(), "kinds of flag with no row"
