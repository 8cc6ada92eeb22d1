"""One unit of work per request (or Socket.IO event): services change objects and flush,
the view commits once here, and what leaves the process runs only after that commit.

Receivers run while the commit finishes, when the session may not read or write: an event
carries every value its receivers need (ids, and for chat the message as it is sent).

Side effects that are data (notification rows, the search index) are written by the
services in the same transaction. Side effects that leave the process (mail, Socket.IO
emits, the moderators' feed) are named events in community.events, queued with
after_commit() and sent when the transaction commits, so a failed write sends nothing.
"""

from __future__ import annotations

from blinker import Signal
from flask import current_app
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

from community.extensions import db

_PENDING = "community.after_commit"


def after_commit(signal: Signal, **payload) -> None:
    """Send `signal` with `payload` once the current transaction commits; never if it
    rolls back. Payloads carry ids and plain values: objects are expired after a commit."""
    db.session().info.setdefault(_PENDING, []).append((signal, payload))


def commit() -> None:
    """The one commit of a request, an event or a command."""
    db.session.commit()


def commit_if_possible(what: str) -> None:
    """For bookkeeping a member must never be stopped by (read state, last seen): a busy
    database loses that note, not the page."""
    try:
        db.session.commit()
    except SQLAlchemyError:
        rollback()
        current_app.logger.warning("Could not save %s", what)


def rollback() -> None:
    """Undo the request's changes; the events it queued are dropped with them."""
    db.session().info.pop(_PENDING, None)
    db.session.rollback()


@event.listens_for(db.session, "after_commit")
def _send_pending(session) -> None:
    """Each receiver on its own: the data is saved, so a failing mail or emit is logged and
    the member still gets their page (a 500 here would make them send it twice)."""
    app = current_app._get_current_object()
    for signal, payload in session.info.pop(_PENDING, []):
        for receiver in signal.receivers_for(app):
            try:
                receiver(app, **payload)
            except Exception:
                app.logger.exception("After-commit receiver %r for %s failed", receiver, signal.name)


@event.listens_for(db.session, "after_soft_rollback")
def _drop_pending(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing will happen
        session.info.pop(_PENDING, None)
