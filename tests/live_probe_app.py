"""The real app with one probe Socket.IO namespace, which tests/test_live_server.py runs under gunicorn.

A registered event is what mounts Socket.IO, so this module is imported only by that
gunicorn subprocess: in the test process every other test's app would mount it too.
"""

import fcntl

from flask_login import current_user

from community import create_app
from community.accounts.services import create_user, find_by_username
from community.extensions import db, socketio
from tests.helpers import PASSWORD


@socketio.on("connect", namespace="/probe")
def probe_connect(auth=None):
    """No payload. Members only, as a feature's own connect handler says too."""
    return current_user.is_authenticated


# Held long-polls come back with a ping within seconds, so the cap test can watch the
# places they held being given back.
socketio.server_options["ping_interval"] = 5

app = create_app()
with app.app_context():
    # Each worker imports this module: one at a time builds the SQLite schema and the member.
    with open(f"{db.engine.url.database}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        db.create_all()
        if find_by_username("probe_member") is None:
            create_user("probe_member", "probe@example.org", PASSWORD)
            db.session.commit()
