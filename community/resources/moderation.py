"""The directory as moderation sees it: suggestions and outdated-information reports are a
subject ("resource_report") of the one review queue. STUB: being written."""
