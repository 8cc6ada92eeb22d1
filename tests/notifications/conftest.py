"""The forum fixtures: notifications here are about threads, replies and reactions."""

from tests.forums.conftest import count_queries, forum, groups  # noqa: F401  (fixtures, found by name)
