"""The WSGI entry point: `gunicorn -c gunicorn.conf.py wsgi:app`, or `python wsgi.py` for the dev server."""

import os

from community import create_app
from community.extensions import socketio

app = create_app()

if __name__ == "__main__":
    host, port = os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "5000"))
    if "socketio" in app.extensions:
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True)
    else:
        # socketio.run needs a mounted server; without one the plain threaded dev server does the same job.
        app.run(host=host, port=port, threaded=True)
