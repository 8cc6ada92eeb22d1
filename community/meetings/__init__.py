"""Scheduled support meetings: a time in a chat room, in a named time zone, once or every
week; members say whether they are going, and a host starts, pins a message and ends it."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)

from community.meetings import notifications, personal_data, views  # noqa: E402,F401  (kinds and routes register on import)
