"""The base of every refusal of the Configurateur: a code for the code, a message for the dealer.

Its own module, below the services and the lookups, so that both raise the same kind of
refusal without importing each other (configurator.services.refusals holds the rest).
"""

from __future__ import annotations


class ConfiguratorRefused(Exception):
    """``code`` says why (tests and views branch on it), ``str()`` is the dealer's message."""

    def __init__(self, code: str, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.problems = problems or []  # one line per problem (a line's error), already translated
