"""Members suggest entries and report outdated ones; moderators edit, approve and decline.
STUB: being written."""

from community.resources import bp


@bp.route("/resources/suggest", methods=["GET", "POST"])
def suggest():
    return "Suggestions are being built.", 501


@bp.route("/resources/<uuid:resource_id>/report", methods=["GET", "POST"])
def report(resource_id):
    return "Reports are being built.", 501


@bp.route("/resources/<uuid:resource_id>/edit", methods=["GET", "POST"])
def edit(resource_id):
    return "Editing is being built.", 501


@bp.get("/resources/manage")
def manage():
    return "Managing is being built.", 501
