"""Errors a user can act on. They are printed as one plain message, never as a traceback."""


class UserError(Exception):
    """Something the user can fix: a bad option, a bad settings value. Command-line exit code 2."""

    exit_code = 2


class UnusableInput(UserError):
    """A table the figures need cannot be used (missing, unreadable, a PII column, a wrong type)."""


class QueryError(Exception):
    """A named query failed; carries the query name so the message points at the right file."""

    def __init__(self, name: str, message: str):
        super().__init__(f"query {name!r} failed: {message}")
        self.name = name
