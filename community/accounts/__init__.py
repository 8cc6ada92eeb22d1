"""Accounts: registration, sign-in, password reset, profiles and settings."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from community.accounts import data_views, permissions, views  # noqa: E402,F401  (rules and routes register on import)
