"""/api/v1/members: completion for @mentions while a member types, as JSON.

Members only: a visitor gets 401, never a list of who is here. Each answer holds names a
member could already see on a post (username and display name), nothing private.
"""

from __future__ import annotations

from flask import request
from flask_login import current_user

from community import limits
from community.forums import bp, mentions


@bp.get("/api/v1/members")
def api_members():
    """`?prefix=` -> {"ok": true, "members": [{"username", "display_name"}]}, at most 8."""
    if not current_user.is_authenticated:
        return {"ok": False, "error": "Please sign in to look up members."}, 401
    if not limits.hit("member-completion", str(current_user.id), mentions.COMPLETION_LIMIT):
        return {"ok": False, "error": "That was a lot of looking up. Please wait a minute."}, 429
    return {"ok": True, "members": mentions.complete(request.args.get("prefix", ""), current_user.id)}
