"""`flask resources import PATH [--publish]` and `flask resources export PATH`. STUB: being written."""
