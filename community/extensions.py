"""Bare extension instances; the factory attaches them with init_app."""

from flask import request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from community.database import Base
from community.limits import client_address

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
socketio = SocketIO()
limiter = Limiter(key_func=client_address, default_limits=[])


@limiter.request_filter
def _reading() -> bool:
    """Flask-Limiter guards only forms sent (registering); the app's own limits
    (community/limits.py) count everything else. A page read skips its work."""
    return request.method in ("GET", "HEAD", "OPTIONS")
