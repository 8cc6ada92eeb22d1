"""Error pages in the site's layout, for people and for JSON clients."""
from __future__ import annotations

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from community.extensions import db

MESSAGES = {
    400: ("Something in that request was not right", "Please go back and try again."),
    403: ("You can't do that here", "Your account does not have permission for this page."),
    404: ("We couldn't find that page", "It may have been moved or removed, or the link may be mistyped."),
    405: ("That didn't work", "This page can't be used that way."),
    413: ("That was too large", "What you sent is larger than we accept. Please shorten it and try again."),
    429: ("Please wait a minute", "There have been too many attempts in a short time. "
          "Wait a minute, then try again. If you have forgotten your password, you can reset it."),
    500: ("Something went wrong on our side", "It is not your fault. Please try again in a moment."),
}

# Fields that must never be echoed back, even to their owner.
_SECRET_FIELDS = {"password", "confirm", "current_password", "csrf_token"}


def _typed_text() -> list[tuple[str, str]]:
    """What the person typed, so a refused form loses none of it."""
    if request.method != "POST" or request.content_length and request.content_length > 1_000_000:
        return []
    return [(name, value) for name, value in request.form.items(multi=True)
            if name not in _SECRET_FIELDS and value.strip()]


def render_error(code: int, description: str | None = None, typed=None):
    title, message = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    if request.accept_mimetypes.best == "application/json":
        return {"error": title, "message": description or message}, code
    return render_template("errors/error.html", code=code, title=title, message=description or message,
                           typed=typed or []), code


def register_errorhandlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "This form was open too long or came from somewhere else, so we did not "
                                 "save it. Your text is below: copy it, go back, reload the page and send it "
                                 "again.", typed=_typed_text())

    @app.errorhandler(HTTPException)
    def http_error(error):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def server_error(error):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)
