"""The diary's pages. STUB: being written."""

from community.diary import bp


@bp.get("/diary/")
def index():
    return "The diary is being built.", 501
