"""The declarative base, naming convention and column types shared by every model."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator
from werkzeug.routing import IntegerConverter

# Stable constraint names make Alembic migrations portable between SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime; SQLite forgets the zone, so it is put back on load."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use community.database.utcnow()")
        if value is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def insert_once(model, **values) -> bool:
    """INSERT … ON CONFLICT DO NOTHING: True when this call added the row. Two requests
    adding the same row at once both succeed, and neither has to roll anything back."""
    from sqlalchemy.dialects import postgresql, sqlite

    from community.extensions import db

    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING says whether a row went in; rowcount does not on PostgreSQL (psycopg gives -1
    # when the statement returns the new id by itself).
    statement = insert(model).values(**values).on_conflict_do_nothing()
    result = db.session.execute(statement.returning(*model.__table__.primary_key.columns))
    return result.first() is not None


class IdConverter(IntegerConverter):
    """A row id in a URL: a whole number a database integer can hold, or 404 (SQLite
    raises on a number past 64 bits, PostgreSQL on one past 32)."""

    def __init__(self, map, **kwargs):
        super().__init__(map, min=1, max=2_147_483_647, **kwargs)
