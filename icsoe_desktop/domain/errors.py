"""Typed errors: a machine ``code`` and the Spanish ``message`` the user reads."""

from __future__ import annotations


class DomainError(Exception):
    """An expected failure caused by the user's input or the environment, never a bug."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field  # objectName-like hint of the offending field, for focusing it

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"


class ValidationError(DomainError):
    """Input that breaks a rule (required field, format, policy, duplicate)."""


class AuthenticationError(DomainError):
    """Wrong, disabled or locked credentials."""


class OperacionCancelada(Exception):  # a stop asked for, not an error
    """The user pressed Cancelar (or the app quits): the work left nothing behind."""
