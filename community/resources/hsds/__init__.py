"""Our directory as Open Referral HSDS 3 JSON (the compiled `organization` object: services,
locations and phones nested inside) and back again.

What HSDS lacks we keep in fields prefixed `x_` (the HSDS schema allows extra fields, and
other tools ignore them): an organisation's `x_country` and `x_sources` (the links its facts
came from), a service area's `x_scope` (SCOPES) and `x_country`, a text line's
`x_text_keyword`. An entry's `state` is not exported: the importing site decides what it
publishes. `reach` and `search_text` are derived and rebuilt on import.

Import trusts nothing: names and short fields lose any markup, descriptions go through the
text intake, web addresses and numbers through services' cleaners, and what cannot be kept
is dropped with a note rather than stopping the import. Writes flush; the caller commits.
"""

from community.resources.hsds.export import exported_organizations, organization_to_hsds
from community.resources.hsds.imports import ImportReport, import_organizations, organizations_in
from community.resources.hsds.values import IMPORT_NAMESPACE

__all__ = [
    "IMPORT_NAMESPACE",
    "ImportReport",
    "exported_organizations",
    "import_organizations",
    "organization_to_hsds",
    "organizations_in",
]
