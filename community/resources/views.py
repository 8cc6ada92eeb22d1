"""The directory as members browse it: /resources/ (search by words, kind, condition and
place) and /resources/<id> (one entry). STUB: being written."""

from community.resources import bp


@bp.get("/resources/")
def index():
    return "The directory is being built.", 501


@bp.get("/resources/<uuid:resource_id>")
def detail(resource_id):
    return "The directory is being built.", 501
