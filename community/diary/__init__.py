"""The private pain diary: a quick "How is today?", fuller entries with the PEG, flare notes,
the member's own triggers, helpers and treatments, insights that say something true, and a
report to take to a clinician. Its owner's alone: moderators and admins get 404 too."""

from flask import Blueprint

bp = Blueprint("diary", __name__)

from community.diary import models, personal_data, report_views, views  # noqa: E402,F401
