"""The ?page= number every paged view reads, kept to a sane range whatever was typed."""

from flask import request

MAX_PAGE = 10_000


def page_number() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
