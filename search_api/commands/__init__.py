"""Subcommands of `govreport`; each module exposes `register(app)`."""
