"""The operator commands from INTERFACES.md: users create, users set-role, seed."""

import pytest

from community.accounts.services import find_by_username
from community.security import has_role

pytestmark = pytest.mark.both_databases


def test_users_create_and_set_role(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "sam",
            "--email",
            "sam@example.org",
            "--password",
            "a strong pass phrase",
            "--role",
            "moderator",
            "--trusted",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created sam (moderator, trusted)." in result.output
    result = runner.invoke(args=["users", "set-role", "SAM", "admin"])
    assert result.exit_code == 0 and "sam is now admin." in result.output
    with app.app_context():
        user = find_by_username("sam")
        assert user.role == "admin" and user.trusted
        assert has_role(user, "moderator") and has_role(user, "member")


def test_users_create_refuses_weak_passwords_and_duplicates(app, runner):
    weak = runner.invoke(
        args=["users", "create", "sam", "--email", "s@example.org", "--password", "password1234"]
    )
    assert weak.exit_code != 0 and "most common" in weak.output
    runner.invoke(
        args=["users", "create", "sam", "--email", "s@example.org", "--password", "a strong pass phrase"]
    )
    again = runner.invoke(
        args=["users", "create", "Sam", "--email", "t@example.org", "--password", "a strong pass phrase"]
    )
    assert again.exit_code != 0 and "taken" in again.output
    unknown = runner.invoke(args=["users", "set-role", "nobody", "admin"])
    assert unknown.exit_code != 0 and "No account is called" in unknown.output


def test_seed_demo_only_on_a_new_database(app, runner):
    first = runner.invoke(args=["seed", "--demo"])
    assert first.exit_code == 0 and "Added 5 demo members" in first.output
    second = runner.invoke(args=["seed", "--demo"])
    assert "Demo content skipped" in second.output
