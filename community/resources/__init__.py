"""The resource directory: advocacy and support organisations by place, kind and condition,
in the Open Referral HSDS 3 shape, with members' suggestions and reports going to the one
review queue, and HSDS packages in and out (`flask resources import|export`)."""

from flask import Blueprint

bp = Blueprint("resources", __name__)

# Routes, the moderation subject and the commands register on import.
from community.resources import api, cli, models, moderation, personal_data, suggest_views, views  # noqa: E402,F401
