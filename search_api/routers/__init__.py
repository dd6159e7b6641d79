"""One router per resource: search, reports, stats, health (all mounted under /api)."""
