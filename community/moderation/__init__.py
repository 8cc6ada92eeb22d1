"""Moderation and member safety: standing and trust, flags, one review queue, watched
words, crisis response, sanctions, the audit log, and members' blocks and muted words.

Features ask this package (they register what can be reviewed in moderation.subjects and
call queue, flags and blocking); it never imports them.
"""

from flask import Blueprint

bp = Blueprint("moderation", __name__)

from community.moderation import member_views, permissions, personal_data, screening, views, words_views  # noqa: E402,F401

screening.register()
