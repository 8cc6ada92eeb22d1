"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from community.extensions import db
from community.forums.search import is_search_table
from tests.conftest import make_app


def _not_search(obj, name, type_, reflected, compare_to):
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return not is_search_table(table or "")


def schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _not_search})
        return compare_metadata(context, db.metadata)


@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_sqlite_migrations_match_the_models_and_downgrade(tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}")
    with app.app_context():
        upgrade()
        assert "users" in inspect(db.engine).get_table_names()
        with db.engine.connect() as conn:  # the case-insensitive username index is there
            sql = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name='uq_users_username_lower'"
            ).scalar()
        assert sql is not None and "lower(username)" in sql
    assert schema_differences(app) == []
    with app.app_context():
        downgrade(revision="base")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]  # search index dropped too
        db.engine.dispose()


@pytest.mark.postgres
def test_postgresql_schema_from_migrations_matches_the_models(postgres_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=postgres_url)
    differences = schema_differences(app)
    with app.app_context():
        db.engine.dispose()
    assert differences == []


@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_notifications_and_choices_survive_the_move_to_their_own_package(tmp_path):
    """0004: rows keep what they pointed at; a real "off" stays off; an all-off row (what the
    old page saved for members who never chose) is dropped, so those members hear again."""
    from sqlalchemy import text

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}")
    now = "2026-11-01 10:00:00.000000+00:00"
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as conn:
            for user_id in (1, 2, 3):
                conn.execute(
                    text(
                        "INSERT INTO users (id, username, email, password_hash, role, trusted, created_at,"
                        " display_name, pronouns, relationship, conditions, bio, bio_html, theme, text_size)"
                        " VALUES (:id, :name, :email, 'x', 'member', 0, :now,"
                        " '', '', '', '', '', '', 'system', 'normal')"
                    ),
                    {"id": user_id, "name": f"user{user_id}", "email": f"u{user_id}@example.org", "now": now},
                )
            conn.execute(
                text(
                    "INSERT INTO groups (id, slug, name, description, position, visibility, created_at)"
                    " VALUES (1, 'crps', 'CRPS', '', 0, 'members', :now)"
                ),
                {"now": now},
            )
            conn.execute(
                text(
                    "INSERT INTO threads (id, group_id, author_id, title, created_at, last_post_at,"
                    " post_count, pinned, locked) VALUES (1, 1, 1, 'Flares', :now, :now, 1, 0, 0)"
                ),
                {"now": now},
            )
            conn.execute(
                text(
                    "INSERT INTO posts (id, thread_id, author_id, body, body_html, content_warning,"
                    " created_at) VALUES (7, 1, 1, 'hi', '<p>hi</p>', '', :now)"
                ),
                {"now": now},
            )
            conn.execute(
                text(
                    "INSERT INTO notifications (user_id, kind, actor_id, thread_id, post_id, count,"
                    " created_at) VALUES (2, 'reply', 1, 1, 7, 1, :now), (2, 'reply', 1, NULL, NULL, 1,"
                    " :now)"
                ),
                {"now": now},
            )
            conn.execute(
                text(
                    "INSERT INTO notification_settings (user_id, mentions, replies, reactions)"
                    " VALUES (2, 1, 0, 1), (3, 0, 0, 0)"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT user_id, subject_type, subject_id, url, params FROM notifications")
            )
            assert [tuple(row) for row in rows] == [(2, "post", 7, "/posts/7", '{"title": "Flares"}')]
            prefs = conn.execute(text("SELECT user_id, kind, enabled FROM notification_preferences"))
            assert [tuple(row) for row in prefs] == [(2, "reply", 0)]
        db.engine.dispose()
