"""Command-line tools for operators: `flask users ...` and `flask seed`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from community.unit_of_work import commit

users_cli = AppGroup("users", help="Create accounts and change roles.")


@users_cli.command("create")
@click.argument("name")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", type=click.Choice(["member", "moderator", "admin"]), default="member")
@click.option("--trusted", is_flag=True, help="Skip the new-member review period.")
def create_user_command(name, email, password, role, trusted):
    """Create an account."""
    from community.accounts.passwords import password_problem
    from community.accounts.services import AccountError, create_user

    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    try:
        # Operators may give any account a staff-like name; the role badge tells members who is staff.
        user = create_user(name, email, password, role=role, trusted=trusted, allow_reserved=True)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    commit()
    click.echo(f"Created {user.username} ({user.role}{', trusted' if user.trusted else ''}).")


@users_cli.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(["member", "moderator", "admin"]))
def set_role_command(name, role):
    """Change an account's role."""
    from community.accounts.services import find_by_username, set_role

    user = find_by_username(name)
    if user is None:
        raise click.ClickException(f"No account is called {name!r}.")
    from community.moderation import audit

    set_role(user, role)
    audit.record(
        None, "set_role", subject=("user", user.id), member=user, reason=f"Made {role} from the command line"
    )
    commit()
    click.echo(f"{user.username} is now {role}.")


@click.command("seed")
@with_appcontext
@click.option("--demo", is_flag=True, help="Also add sample members and content, if the database is new.")
def seed_command(demo):
    """Seed what every site needs (idempotent); --demo adds sample content to a new database."""
    from community.seed import seed

    for line in seed(demo=demo):
        click.echo(line)
    commit()


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_command)
