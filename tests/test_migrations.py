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
