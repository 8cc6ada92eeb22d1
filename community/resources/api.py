"""/api/v1/resources: the directory as JSON (INTERFACES.md). STUB: being written."""

from community.resources import bp


@bp.get("/api/v1/resources")
def api_resources():
    return {"ok": False}, 501
