"""Live peer chat: a room per forum group and the Lounge, over Socket.IO (/chat), with a
page that works without JavaScript."""

from flask import Blueprint

bp = Blueprint("chat", __name__)

from community.chat import events, moderation, personal_data, views  # noqa: E402,F401  (handlers register on import)
